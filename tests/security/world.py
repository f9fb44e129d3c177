"""One seeded world for the security tests, built once per module (issue 10).

The demo world of ``manage.py seed_demo`` plus what it lacks for an authorization matrix: an expert outside the panel,
an audit firm with no assignment, an open and a confirmed exit case, objection evidence, major-event evidence. It is
built inside one transaction that is rolled back when the module ends; every test runs in a savepoint inside it.
"""

import contextlib
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from portal.models import Organisation, User
from portal.roles import OrgKind
from tests.applications.factories import pdf_bytes, png_bytes

# The roles of SPEC §2 as seen from organisation A (the owner of the object in the URL).
ANON = "anonymous"
HOST_A = "host A"
HOST_B = "host B"
REC_A = "recommender A"
REC_B = "recommender B"
STAFF = "city staff"
EXPERT_IN = "expert on panel"
EXPERT_OUT = "expert not on panel"
SUPERVISOR = "supervisor"
AUDITOR_IN = "auditor assigned"
AUDITOR_OUT = "auditor not assigned"
ADMIN = "admin"
ROLES = (
    ANON,
    HOST_A,
    HOST_B,
    REC_A,
    REC_B,
    STAFF,
    EXPERT_IN,
    EXPERT_OUT,
    SUPERVISOR,
    AUDITOR_IN,
    AUDITOR_OUT,
    ADMIN,
)


@dataclass
class SeededWorld:
    ids: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)  # username -> User
    clients: dict = field(default_factory=dict)  # username -> logged-in Client

    def client(self, username: str | None) -> Client:
        return self.clients[username]


def upload(name: str) -> SimpleUploadedFile:
    content = pdf_bytes() if name.endswith(".pdf") else png_bytes()
    return SimpleUploadedFile(name, content)


def _extras(ids: dict) -> None:
    from applications.models import Application, Material, Mentor
    from portal.uploads import store_upload
    from review.models import Objection, Panel, PublicityList, ReviewRound
    from review.publicity.models import ObjectionEvidence
    from subsidies.models import AuditAssignment, Entry, EntryReceipt
    from workstations.models import Workstation
    from workstations.models.evaluations import Evaluation, EvaluationResult, Rectification
    from workstations.models.outcomes import ActivityReport, MajorEventReport, ReportEvidence
    from workstations.models.plaques import Plaque
    from workstations.services.exits import exit_confirm, exit_request

    users = {u.username: u for u in User.objects.select_related("organisation")}
    pool = Organisation.objects.get(kind=OrgKind.EXPERT_POOL)
    User.objects.create(username="expert_out", organisation=pool, full_name="局外专家", password=make_password(None))
    firm = Organisation.objects.create(name="另一家会计师事务所", kind=OrgKind.AUDIT_FIRM)
    User.objects.create(username="auditor_out", organisation=firm, full_name="未分配审计", password=make_password(None))

    host1, host2 = users["host1"], users["host2"]
    ws1 = Workstation.objects.get(host_unit=host1.organisation, state="active")
    ws2 = Workstation.objects.get(host_unit=host2.organisation, state="active")
    ids["ws"] = ws1.pk
    ids["ws_certified"] = Workstation.objects.get(state="certified").pk
    # An exit request still open (host1) and a confirmed one with its document (host2).
    case = exit_request(workstation=ws1, reason="单位业务调整", signature_page=upload("sign.pdf"), actor=host1)
    ids["exit_open"] = case.pk
    ids["exit_file"] = case.evidence.first().pk
    done = exit_request(workstation=ws2, reason="申请注销", signature_page=upload("sign2.pdf"), actor=host2)

    exit_confirm(case=done, actor=users["staff"], seq=90, issued_on=timezone.localdate())
    ids["exit_done"] = done.pk

    app = Application.objects.filter(workstation__host_unit=host1.organisation, workstation__state="submitted").get()
    ids["app"] = app.pk
    ids["call"] = app.call_id
    material = Material.objects.filter(application=app).exclude(file=None).first()
    ids["material"] = material.pk
    ids["material_version"] = material.file_id
    ids["mentor"] = Mentor.objects.filter(host_unit=host1.organisation).first().pk
    # Issue 16: the submitted version's files, the recommender's stamped letter and a site-visit photo.
    from applications.models import SiteVisit, SiteVisitPhoto

    ids["snapshot_file"] = app.snapshots.get(version=1).data["materials"][0]["file_id"]
    Application.objects.filter(pk=app.pk).update(
        recommendation_letter=store_upload(uploaded=upload("l.pdf"), actor=None)
    )
    visit = SiteVisit.objects.create(
        application=app,
        visited_on=app.submitted_at.date(),
        people="王建国",
        findings="一致",
        recorded_by=users["staff"],
    )
    ids["site_visit_photo"] = SiteVisitPhoto.objects.create(
        visit=visit, file=store_upload(uploaded=upload("p.png"), actor=None)
    ).pk

    ids["panel"] = Panel.objects.get().pk
    open_round = ReviewRound.objects.get(status="open")
    ids["round_open"] = open_round.pk
    ids["candidate"] = open_round.candidates.first().pk
    ids["round_closed"] = ReviewRound.objects.get(status="closed").pk
    ids["round_draft"] = ReviewRound.objects.create(
        panel_id=ids["panel"], title="未开始的轮次", created_by=users["staff"]
    ).pk

    ids["publicity_list"] = PublicityList.objects.order_by("pk").first().pk
    objection = Objection.objects.order_by("pk").first()
    ids["objection"] = objection.pk
    evidence = ObjectionEvidence.objects.create(
        objection=objection, file=store_upload(uploaded=upload("e.png"), actor=None)
    )
    ids["objection_evidence"] = evidence.pk
    ids["plaque"] = Plaque.objects.get(workstation=ws1).pk
    from portal.models import OfficialDocument

    ids["document"] = OfficialDocument.objects.order_by("pk").first().pk

    report = ActivityReport.objects.filter(workstation=ws1, evidence__isnull=False).first()
    ids["report"] = report.pk
    ids["report_evidence"] = ReportEvidence.objects.filter(report=report).first().pk
    event = MajorEventReport.objects.get(workstation=ws1)
    MajorEventReport.objects.filter(pk=event.pk).update(evidence=store_upload(uploaded=upload("m.pdf"), actor=host1))
    ids["major_event"] = event.pk
    ids["evaluation"] = Evaluation.objects.order_by("pk").first().pk
    ids["evaluation_result"] = EvaluationResult.objects.filter(workstation=ws1).order_by("-pk").first().pk
    from workstations.models.self_evaluation import Achievement, SelfEvaluation

    own = SelfEvaluation.objects.create(
        result_id=ids["evaluation_result"],
        workstation=ws1,
        self_total=90,
        summary="自评",
        submitted_by=host1,
        submitted_at=timezone.now(),
    )
    ids["achievement"] = Achievement.objects.create(
        self_evaluation=own, title="成果", evidence=store_upload(uploaded=upload("a.png"), actor=host1)
    ).pk
    rectification = Rectification.objects.select_related("workstation").get()
    Rectification.objects.filter(pk=rectification.pk).update(
        report_file=store_upload(uploaded=upload("rect.pdf"), actor=None)
    )
    ids["rectification"] = rectification.pk
    ids["rectification_host"] = rectification.workstation.host_unit_id

    ids["entry"] = Entry.objects.filter(ledger__workstation=ws1, kind="expenditure").order_by("pk").first().pk
    ids["grant_entry"] = Entry.objects.get(ledger__workstation=ws1, kind="city_grant", reversed_by__isnull=True).pk
    ids["receipt"] = EntryReceipt.objects.filter(entry__ledger__workstation=ws1).first().pk
    assignment = AuditAssignment.objects.get(ledger__workstation=ws1)
    ids["audit"] = assignment.audit_id
    ids["assignment"] = assignment.pk
    ids["notification"] = host1.notifications.order_by("pk").first().pk
    ids["host_user"] = host1.pk
    from portal.measures.models import CountyRule

    ids["county_rule"] = CountyRule.objects.get(county_id=host1.organisation.county_id).pk  # the demo's 新华区 rule


@contextlib.contextmanager
def seeded_world(django_db_blocker, tmp_path_factory):
    """Build the world in a transaction, yield it, roll it back."""
    storage_dir = tmp_path_factory.mktemp("private")
    settings_override = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        STORAGES={
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(storage_dir / "media")},
            },
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            "private": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(storage_dir)},
            },
        },
        LANGUAGE_CODE="zh-hans",
    )
    with django_db_blocker.unblock(), settings_override:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("seed_demo", "--quiet-logins")
            world = SeededWorld()
            _extras(world.ids)
            world.users = {u.username: u for u in User.objects.select_related("organisation", "organisation__county")}
            world.ids["storage"] = str(storage_dir)
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
