"""Writes for what an operating workstation files: the three-year plan (Art. 11(2)), activity reports (Art. 10) and
major-event reports (Art. 11(5)). Each service checks who acts, locks what it reads-then-writes and notifies.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import held_uploads
from portal.audit import audit_record
from portal.models import User
from portal.notifications import city_staff_users, notify, notify_organisation
from portal.refusals import Refusal
from portal.roles import Role
from portal.uploads import store_upload
from workstations.models import OPERATING_STATES, Workstation
from workstations.models.outcomes import (
    ActivityKind,
    ActivityReport,
    EventKind,
    MajorEventReport,
    MentorChange,
    ReportEvidence,
    ReportStatus,
    TrainedPerson,
    WorkPlan,
)
from workstations.services import compliance_summary


class OutcomeRefused(Refusal):
    """The action may not be done now; ``problems`` say why, in the user's language."""


def require_staff(actor: User | None) -> None:
    if actor is None or not actor.has_role(Role.CITY_STAFF):
        raise PermissionDenied(_("Only city bureau staff may do this."))


def _lock_operating_for_host(workstation: Workstation | int, actor: User | None) -> Workstation:
    """The workstation, locked, when ``actor`` is a user of its host unit and it is operating (Art. 10–11)."""
    pk = workstation.pk if isinstance(workstation, Workstation) else workstation
    locked = Workstation.objects.select_for_update().select_related("host_unit").get(pk=pk)
    if actor is None or not actor.has_role(Role.HOST_UNIT) or actor.organisation_id != locked.host_unit_id:
        raise PermissionDenied(_("Only the workstation's host unit may file this."))
    if locked.state not in OPERATING_STATES:
        raise OutcomeRefused(_("Reports are filed only while the workstation is operating."))
    return locked


# --- Art. 11(2): the three-year work plan ----------------------------------------------------------------------


def plan_submit(*, workstation: Workstation | int, actor: User, **fields) -> WorkPlan:
    """Art. 11(2): file the three-year plan, or a revision of it; earlier versions stay as they were."""
    with transaction.atomic():
        ws = _lock_operating_for_host(workstation, actor)
        last = ws.plans.aggregate(v=Max("version"))["v"] or 0
        plan = WorkPlan.objects.create(
            workstation=ws, version=last + 1, submitted_by=actor, submitted_at=timezone.now(), **fields
        )
    return plan


# --- Art. 10: activity reports ----------------------------------------------------------------------------------


@dataclass
class Trainee:
    name: str
    workplace: str = ""


def report_submit(
    *,
    workstation: Workstation | int,
    actor: User,
    kind: str,
    title: str,
    held_on: date,
    place: str,
    participant_count: int,
    description: str,
    participants: str = "",
    setting: str = "",
    trainees: list[Trainee] | None = None,
    files=(),
    today: date | None = None,
) -> ActivityReport:
    """Art. 10: the host unit reports one activity of one type, with evidence; it counts once staff accept it."""
    today = today or timezone.localdate()
    trainees = [t for t in (trainees or []) if t.name.strip()]
    problems = []
    if held_on > today:
        problems.append(_("The date held is in the future; report an activity after it took place."))
    if kind == ActivityKind.THEMED and not setting:
        problems.append(_("Choose where the themed activity took place (park, enterprise, campus or community)."))
    if kind == ActivityKind.TRAINING and not trainees:
        problems.append(_("Name the backbone staff trained, one per line."))
    with transaction.atomic():
        ws = _lock_operating_for_host(workstation, actor)
        if ws.certified_on and held_on < ws.certified_on:
            problems.append(_("The activity took place before the workstation was recognised."))
        if problems:
            raise OutcomeRefused(problems)
        report = ActivityReport.objects.create(
            workstation=ws,
            kind=kind,
            setting=setting if kind == ActivityKind.THEMED else "",
            title=title,
            held_on=held_on,
            place=place,
            participant_count=participant_count,
            participants=participants,
            description=description,
            submitted_by=actor,
            submitted_at=timezone.now(),
        )
        if kind == ActivityKind.TRAINING:
            seen = set()
            for t in trainees:
                name = " ".join(t.name.split())
                if name not in seen:
                    seen.add(name)
                    TrainedPerson.objects.create(report=report, name=name, workplace=t.workplace.strip())
        for f in files:
            ReportEvidence.objects.create(report=report, file=held_uploads.stored(f, actor=actor))
    return report


def report_add_evidence(*, report: ActivityReport | int, files, actor: User) -> list[ReportEvidence]:
    """Art. 10: the host unit adds evidence to its report until staff accept (or reject) it; earlier files stay."""
    pk = report.pk if isinstance(report, ActivityReport) else report
    files = list(files or [])
    if not files:
        raise OutcomeRefused(_("Choose at least one file."))
    with transaction.atomic():
        locked = ActivityReport.objects.select_for_update().get(pk=pk)
        _lock_operating_for_host(locked.workstation_id, actor)
        if locked.status != ReportStatus.SUBMITTED:
            raise OutcomeRefused(_("This report has been decided; evidence can no longer be added."))
        added = [ReportEvidence.objects.create(report=locked, file=held_uploads.stored(f, actor=actor)) for f in files]
        audit_record(actor=actor, action="report.evidence_added", obj=locked, after={"files": len(added)})
    return added


def _lock_submitted_report(report: ActivityReport | int, actor: User) -> ActivityReport:
    require_staff(actor)
    pk = report.pk if isinstance(report, ActivityReport) else report
    locked = (
        ActivityReport.objects.select_for_update().select_related("workstation", "workstation__host_unit").get(pk=pk)
    )
    if locked.status != ReportStatus.SUBMITTED:
        raise OutcomeRefused(_("This report has already been decided."))
    return locked


def report_accept(*, report: ActivityReport | int, actor: User) -> ActivityReport:
    """Art. 10: staff accept the report; from now on it counts toward compliance."""
    with transaction.atomic():
        locked = _lock_submitted_report(report, actor)
        locked.status = ReportStatus.ACCEPTED
        locked.decided_by, locked.decided_at = actor, timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        compliance_summary.report_decided(locked)  # issue 21: the board's summary row of its workstation and year
    return locked


def report_reject(*, report: ActivityReport | int, actor: User, reason: str) -> ActivityReport:
    """Art. 10: staff reject the report with a reason; it never counts, and the host unit is told why."""
    if not reason.strip():
        raise OutcomeRefused(_("Please give a reason."))
    with transaction.atomic():
        locked = _lock_submitted_report(report, actor)
        locked.status = ReportStatus.REJECTED
        locked.decided_by, locked.decided_at = actor, timezone.now()
        locked.reject_reason = reason.strip()
        locked.save(update_fields=["status", "decided_by", "decided_at", "reject_reason"])
        notify_organisation(
            organisation=locked.workstation.host_unit,
            message="report.rejected",
            params={"title": locked.title},
            text=locked.reject_reason,
            url=reverse("workstations:report", args=[locked.pk]),
        )
    return locked


# --- Art. 11(5): major-event reports -----------------------------------------------------------------------------


@dataclass
class MentorChangeInput:
    person_name: str
    role: str
    change: str
    effective_on: date
    qualified: bool = False
    reason: str = ""


def major_event_file(
    *,
    workstation: Workstation | int,
    actor: User,
    kind: str,
    title: str,
    occurred_on: date,
    description: str,
    changes: list[MentorChangeInput] | None = None,
    evidence=None,
    today: date | None = None,
) -> MajorEventReport:
    """Art. 11(5): report a major achievement, or mentors leaving or joining. A mentor change re-runs the team
    checks of Art. 5(3)1 and 11(4)1 on the team computed from every change reported so far; staff are told."""
    from workstations.rules.team import current_team

    today = today or timezone.localdate()
    changes = changes or []
    if kind == EventKind.MENTOR_CHANGE and not changes:
        raise OutcomeRefused(_("Give at least one mentor who left or joined, with the date."))
    if occurred_on > today or any(c.effective_on > today for c in changes):
        raise OutcomeRefused(_("Dates may not be in the future."))
    with transaction.atomic():
        ws = _lock_operating_for_host(workstation, actor)
        report = MajorEventReport.objects.create(
            workstation=ws,
            kind=kind,
            title=title,
            occurred_on=occurred_on,
            description=description,
            evidence=store_upload(uploaded=evidence, actor=actor) if evidence else None,
            filed_by=actor,
            filed_at=timezone.now(),
        )
        for c in changes if kind == EventKind.MENTOR_CHANGE else []:
            MentorChange.objects.create(
                report=report,
                workstation=ws,
                person_name=" ".join(c.person_name.split()),
                role=c.role,
                change=c.change,
                effective_on=c.effective_on,
                qualified=c.qualified,
                reason=c.reason,
            )
        if kind == EventKind.MENTOR_CHANGE:
            report.eligibility_problems = [str(p) for p in current_team(ws, as_of=today).problems]
            report.save(update_fields=["eligibility_problems"])
        body = "\n".join(report.eligibility_problems) or description[:500]
        notify(
            recipients=city_staff_users(),
            message="major_event.filed",
            params={"ws": ws.name, "title": title},
            text=body,
            url=reverse("workstations:major_event", args=[report.pk]),
        )
    return report


def major_event_acknowledge(*, report: MajorEventReport | int, actor: User, note: str = "") -> MajorEventReport:
    """Art. 11(5): staff acknowledge a major-event report (once)."""
    require_staff(actor)
    pk = report.pk if isinstance(report, MajorEventReport) else report
    with transaction.atomic():
        locked = MajorEventReport.objects.select_for_update().select_related("workstation__host_unit").get(pk=pk)
        if locked.acknowledged_at is not None:
            raise OutcomeRefused(_("This report has already been acknowledged."))
        locked.acknowledged_by, locked.acknowledged_at, locked.staff_note = actor, timezone.now(), note.strip()
        locked.save(update_fields=["acknowledged_by", "acknowledged_at", "staff_note"])
        notify_organisation(
            organisation=locked.workstation.host_unit,
            message="major_event.acknowledged",
            params={"title": locked.title},
            text=locked.staff_note,
            url=reverse("workstations:major_event", args=[locked.pk]),
        )
    return locked
