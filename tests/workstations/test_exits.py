"""Art. 11(4): the seven exit grounds, the two-person rule, the statement window, documents, plaque removal, the daily
no-mentor job, and what a revoked workstation can no longer do."""

import io
import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from portal.documents.models import OfficialDocument
from portal.models import Notification
from tests.portal.test_infrastructure import PDF
from tests.workstations.exit_helpers import evidence_for, failed_rectification, misuse_finding
from tests.workstations.factories import OperatingWorkstationFactory
from workstations.models import State, Workstation
from workstations.models.exits import FORCED_GROUNDS, ExitCase, ExitGround, ExitStatus
from workstations.models.outcomes import MentorChange
from workstations.models.plaques import Plaque
from workstations.services.exits import (
    ExitRefused,
    detect_missing_lead_mentors,
    exit_confirm,
    exit_propose,
    exit_reject,
    exit_request,
    exit_statement,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ws(host_unit, staff):
    workstation = OperatingWorkstationFactory(
        host_unit=host_unit, recommender=host_unit.county, lead_mentor_name="张伟", certified_on=date(2024, 1, 1)
    )
    Plaque.objects.create(
        workstation=workstation,
        number="平创导2024-001",
        name=workstation.name,
        issued_on=date(2024, 1, 5),
        issued_by=staff,
        handed_over_to="王主任",
        handed_over_on=date(2024, 1, 8),
    )
    return workstation


_numbers = itertools.count(20)


def confirm(case, actor, **kwargs):
    """Confirm with the next number the office would give and today's date, unless the test says otherwise."""
    kwargs.setdefault("seq", next(_numbers))
    kwargs.setdefault("issued_on", timezone.localdate())
    return exit_confirm(case=case, actor=actor, **kwargs)


def _signed_page():
    return SimpleUploadedFile("申请.pdf", PDF)


def _pdf_text(document: OfficialDocument) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(document.pdf.read())).pages)


def test_own_request_deregisters_with_a_document_and_removes_the_plaque(ws, host_user, staff):
    case = exit_request(
        workstation=ws, reason="单位业务调整，申请注销。", signature_page=_signed_page(), actor=host_user
    )
    assert case.kind == "natural" and case.evidence.count() == 1
    assert Notification.objects.filter(recipient=staff, subject__contains="申请注销").exists()
    done = confirm(case, staff)
    ws.refresh_from_db()
    assert ws.state == State.DEREGISTERED
    assert done.document.kind == OfficialDocument.Kind.DEREGISTRATION
    assert done.document.number.startswith("平人社〔")
    text = _pdf_text(done.document)
    text = text.replace("\n", "")  # the title is set on two lines
    assert "关于注销张伟大众创业指导大师工作室的决定" in text and "自主申请" in text
    plaque = Plaque.objects.get(workstation=ws)
    assert plaque.removed_on == timezone.localdate() and plaque.removed_by == staff
    assert Notification.objects.filter(recipient=host_user, subject__contains=done.document.number).exists()


@pytest.mark.parametrize("ground", [ExitGround.LEGAL_PERSON_LOST, ExitGround.NO_QUALIFIED_MENTOR])
def test_staff_natural_exits_need_a_second_member_of_staff(ws, staff, staff2, ground):
    case = exit_propose(workstation=ws, ground=ground, facts="经核实。", actor=staff)
    with pytest.raises(ExitRefused, match="提议人不能确认"):
        confirm(case, staff)
    confirm(case, staff2)
    assert Workstation.objects.get(pk=ws.pk).state == State.DEREGISTERED


@pytest.mark.parametrize("ground", sorted(FORCED_GROUNDS))
def test_each_forced_ground_revokes_after_the_statement(ws, staff, staff2, host_user, ground):
    case = exit_propose(
        workstation=ws,
        ground=ground,
        facts="查实的事实。",
        actor=staff,
        source_reference="审计发现 #3",
        evidence_record=evidence_for(ws, ground, staff),
    )
    assert Notification.objects.filter(recipient=host_user, subject__contains="退出").exists()
    with pytest.raises(ExitRefused, match="陈述"):
        confirm(case, staff2)  # the host unit may still answer
    exit_statement(case=case, statement="我单位对事实无异议。", actor=host_user)
    with pytest.raises(ExitRefused):
        confirm(case, staff2)  # the statement must be answered in the decision
    done = confirm(case, staff2, statement_reply="陈述未提出新的事实，不影响本决定。")
    assert Workstation.objects.get(pk=ws.pk).state == State.REVOKED
    assert done.document.kind == OfficialDocument.Kind.REVOCATION
    assert "撤销" in done.document.title and "我单位对事实无异议" in _pdf_text(done.document)


def test_forced_exit_can_be_confirmed_once_the_statement_window_has_passed(ws, staff, staff2):
    case = exit_propose(workstation=ws, ground=ExitGround.MISCONDUCT, facts="事实。", actor=staff)
    ExitCase.objects.filter(pk=case.pk).update(proposed_at=timezone.now() - timedelta(days=30))
    case.refresh_from_db()
    confirm(case, staff2)
    assert Workstation.objects.get(pk=ws.pk).state == State.REVOKED


def test_roles_are_checked_on_every_step(ws, staff, host_user, other_host_user, clerk):
    with pytest.raises(PermissionDenied):
        exit_request(workstation=ws, reason="x", signature_page=_signed_page(), actor=other_host_user)
    with pytest.raises(PermissionDenied):
        exit_propose(workstation=ws, ground=ExitGround.FRAUD, facts="x", actor=clerk)
    case = exit_propose(workstation=ws, ground=ExitGround.FRAUD, facts="x", actor=staff)
    with pytest.raises(PermissionDenied):
        exit_statement(case=case, statement="x", actor=other_host_user)
    with pytest.raises(PermissionDenied):
        confirm(case, host_user)


def test_one_open_case_at_a_time_and_a_rejected_case_changes_nothing(ws, staff, staff2):
    case = exit_propose(workstation=ws, ground=ExitGround.FRAUD, facts="x", actor=staff)
    with pytest.raises(ExitRefused):
        exit_propose(workstation=ws, ground=ExitGround.MISCONDUCT, facts="y", actor=staff2)
    exit_reject(case=case, actor=staff2, note="证据不足。")
    assert ExitCase.objects.get(pk=case.pk).status == ExitStatus.REJECTED
    assert Workstation.objects.get(pk=ws.pk).state == State.ACTIVE
    exit_propose(workstation=ws, ground=ExitGround.MISCONDUCT, facts="y", actor=staff2)


def _mentor_left(ws, *, on: date, by, name="张伟", role="lead"):
    from workstations.models.outcomes import MajorEventReport

    report = MajorEventReport.objects.create(
        workstation=ws,
        kind="mentor_change",
        title="导师变动",
        occurred_on=on,
        description="离职",
        filed_by=by,
        filed_at=timezone.now(),
    )
    MentorChange.objects.create(
        report=report, workstation=ws, person_name=name, role=role, change="left", effective_on=on, qualified=True
    )
    return report


@pytest.mark.parametrize(
    ("days", "flagged", "warned"), [(299, 0, 0), (300, 0, 1), (364, 0, 1), (365, 1, 0), (366, 1, 0)]
)
def test_the_no_mentor_rule_at_its_boundaries(ws, staff, host_user, days, flagged, warned):
    left_on = date(2026, 1, 1)
    _mentor_left(ws, on=left_on, by=host_user)
    counts = detect_missing_lead_mentors(as_of=left_on + timedelta(days=days))
    assert counts == {"flagged": flagged, "warned": warned}


def test_the_daily_job_run_twice_flags_once_and_a_returning_mentor_clears_it(ws, staff, host_user):
    left_on = date(2025, 1, 1)
    report = _mentor_left(ws, on=left_on, by=host_user)
    as_of = left_on + timedelta(days=400)
    assert detect_missing_lead_mentors(as_of=as_of) == {"flagged": 1, "warned": 0}
    assert detect_missing_lead_mentors(as_of=as_of) == {"flagged": 0, "warned": 0}
    assert Notification.objects.filter(recipient=staff, dedup_key__startswith="no-lead:flag").count() == 1
    MentorChange.objects.create(
        report=report,
        workstation=ws,
        person_name="张伟",
        role="lead",
        change="joined",
        effective_on=left_on + timedelta(days=200),
        qualified=True,
    )
    assert detect_missing_lead_mentors(as_of=as_of + timedelta(days=1)) == {"flagged": 0, "warned": 0}


def test_a_revoked_workstation_accepts_no_reports_or_expenditures(ws, staff, staff2, host_user):
    from subsidies.services.ledger import LedgerRefused, entry_record
    from workstations.services.outcomes import OutcomeRefused, report_submit

    case = exit_propose(
        workstation=ws,
        ground=ExitGround.SUBSIDY_MISUSE,
        facts="挪用补助资金。",
        actor=staff,
        evidence_record=evidence_for(ws, ExitGround.SUBSIDY_MISUSE, staff),
    )
    exit_statement(case=case, statement="无异议", actor=host_user)
    confirm(case, staff2, statement_reply="不影响本决定。")
    with pytest.raises((OutcomeRefused, PermissionDenied)):
        report_submit(
            workstation=ws,
            actor=host_user,
            kind="consultation",
            title="咨询",
            held_on=timezone.localdate(),
            place="园区",
            participant_count=10,
            description="x",
        )
    with pytest.raises((LedgerRefused, PermissionDenied)):
        entry_record(
            workstation=ws,
            kind="expenditure",
            amount=Decimal("100.00"),
            date=timezone.localdate(),
            description="设备",
            actor=host_user,
            category="equipment",
            receipts=[SimpleUploadedFile("r.pdf", PDF)],
        )


def test_pages_per_role_and_the_staff_export(client, ws, staff, staff2, host_user, other_host_user, clerk):
    client.force_login(host_user)
    response = client.post(
        reverse("workstations:exit_request", args=[ws.pk]), {"reason": "", "signature_page": _signed_page()}
    )
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    response = client.post(
        reverse("workstations:exit_request", args=[ws.pk]),
        {"reason": "申请注销", "signature_page": _signed_page()},
    )
    case = ExitCase.objects.get(workstation=ws)
    assert response.status_code == 302
    for user, status in [(other_host_user, 404), (clerk, 404)]:
        client.force_login(user)
        assert client.get(reverse("workstations:exit_detail", args=[case.pk])).status_code == status
    client.force_login(staff)
    url = reverse("workstations:exit_confirm", args=[case.pk])
    assert 'name="seq" value="1"' in client.get(url).content.decode()  # the next free number is suggested
    data = {"seq": "15", "issued_on": timezone.localdate().isoformat(), "statement_reply": "", "note": "同意"}
    page = client.post(url, data).content.decode()  # issue 15 item 5: first the number and the preview
    assert "平人社〔" in page and "15号" in page and 'data-testid="preview-pdf"' in page
    assert Workstation.objects.get(pk=ws.pk).state == State.ACTIVE
    preview = client.get(reverse("workstations:exit_preview", args=[case.pk]), data)
    assert preview["Content-Type"] == "application/pdf" and "预览" in "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(preview.content)).pages
    )
    response = client.post(url, {**data, "confirmed": "1"})
    assert response.status_code == 302
    assert Workstation.objects.get(pk=ws.pk).state == State.DEREGISTERED
    client.force_login(host_user)
    pdf = client.get(reverse("workstations:exit_document", args=[case.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    client.force_login(staff2)
    listing = client.get(reverse("workstations:exit_list")).content.decode()
    assert "所在单位自主申请注销" in listing or "自主申请" in listing
    sheet = load_workbook(io.BytesIO(client.get(reverse("workstations:exit_list"), {"format": "xlsx"}).content))
    cells = [c for row in sheet.worksheets[1].iter_rows(values_only=True) for c in row]
    assert ws.name in cells
    client.force_login(host_user)
    assert client.get(reverse("workstations:exit_list")).status_code == 403


def test_an_exit_on_failed_rectification_needs_a_rectification_that_ended_as_failed(client, ws, staff, staff2):
    from workstations.models.evaluations import RectificationStatus

    running = failed_rectification(ws, status=RectificationStatus.OPEN)
    with pytest.raises(ExitRefused) as exc:
        exit_propose(
            workstation=ws,
            ground=ExitGround.FAILED_RECTIFICATION,
            facts="整改仍不达标。",
            actor=staff,
            evidence_record=str(running.pk),
        )
    assert "整改" in str(exc.value) and not ExitCase.objects.exists()
    client.force_login(staff)
    page = client.get(reverse("workstations:exit_propose", args=[ws.pk])).content.decode()
    assert "exit-records" in page and running.get_status_display() in page
    running.status, running.decided_at = RectificationStatus.FAILED, timezone.now()
    running.save()
    case = exit_propose(
        workstation=ws,
        ground=ExitGround.FAILED_RECTIFICATION,
        facts="整改仍不达标。",
        actor=staff,
        evidence_record=str(running.pk),
    )
    assert case.rectification == running
    detail = client.get(reverse("workstations:exit_detail", args=[case.pk])).content.decode()
    assert "exit-linked-records" in detail and "未通过" in detail


def test_an_exit_on_misuse_needs_a_misuse_finding_and_follows_its_live_state(ws, staff, staff2, host_user):
    with pytest.raises(ExitRefused):
        exit_propose(workstation=ws, ground=ExitGround.SUBSIDY_MISUSE, facts="挪用。", actor=staff)
    finding = misuse_finding(ws, staff)
    case = exit_propose(
        workstation=ws, ground=ExitGround.SUBSIDY_MISUSE, facts="挪用。", actor=staff, evidence_record=str(finding.pk)
    )
    exit_statement(case=case, statement="无异议", actor=host_user)
    # The auditor revises the verdict before concluding: the exit no longer rests on a misuse finding.
    type(finding).objects.filter(pk=finding.pk).update(verdict="question")
    with pytest.raises(ExitRefused, match="不再"):  # the statement is answered: the finding alone stops it
        confirm(case, staff2, statement_reply="申辩理由不成立。")
    assert Workstation.objects.get(pk=ws.pk).state == State.ACTIVE
