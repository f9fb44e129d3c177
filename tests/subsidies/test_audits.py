"""Art. 9: sample inspections reproducible from their seed; auditors see only what is assigned; findings."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse

from portal.models import Notification
from subsidies.models import Audit, AuditAssignment, Finding, Kind
from subsidies.models.audits import draw_sample
from subsidies.selectors import misuse_findings_for
from subsidies.services import (
    LedgerRefused,
    assignment_conclude,
    audit_assign,
    audit_draw_sample,
    finding_record,
)
from tests.factories import AuditFirmFactory, UserFactory
from tests.subsidies.factories import grant, operating_workstation, spend
from workstations.models import State

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(host_unit, staff):
    workstations = [operating_workstation(host_unit) for _ in range(8)]
    for ws in workstations:
        grant(ws, staff)
    closed = operating_workstation(host_unit, state=State.CERTIFIED)
    grant(closed, staff)  # not operating: not in the population
    return workstations


def test_the_draw_is_reproducible_from_its_recorded_seed(many, staff, capsys):
    first = audit_draw_sample(title="抽检A", sample_size=3, seed=424242, actor=staff)
    second = audit_draw_sample(title="抽检B", sample_size=3, seed=424242, actor=staff)
    other = audit_draw_sample(title="抽检C", sample_size=3, seed=7, actor=staff)

    assert first.drawn == second.drawn and len(first.drawn) == 3
    assert first.population == sorted(ws.ledger.pk for ws in many)
    assert first.drawn == draw_sample(first.population, 3, 424242)
    assert other.drawn != first.drawn  # this seed differs (checked once, fixed thereafter)
    assert first.reproduces
    assert sorted(a.ledger_id for a in first.assignments.all()) == first.drawn

    call_command("redraw_audit_sample", str(first.pk))
    assert "reproduced" in capsys.readouterr().out
    with pytest.raises(CommandError, match="differs"):
        call_command("redraw_audit_sample", str(first.pk), "--seed", "7")


def test_a_tampered_sample_no_longer_reproduces(many, staff, client):
    audit = audit_draw_sample(title="抽检", sample_size=2, seed=1, actor=staff)
    Audit.objects.filter(pk=audit.pk).update(drawn=[many[0].ledger.pk, many[1].ledger.pk, many[2].ledger.pk])
    audit.refresh_from_db()
    assert not audit.reproduces
    client.force_login(staff)
    html = client.get(reverse("subsidies:audit", args=[audit.pk])).content.decode()
    assert "不能重现" in html


def test_the_seed_is_shown_on_the_audit_page(many, staff, client):
    audit = audit_draw_sample(title="抽检", sample_size=2, actor=staff)
    assert audit.seed is not None
    client.force_login(staff)
    html = client.get(reverse("subsidies:audit", args=[audit.pk])).content.decode()
    assert f'<code data-testid="seed">{audit.seed}</code>' in html
    assert "可重现" in html


def test_drawing_a_sample_through_the_page(many, staff, auditor, client):
    client.force_login(staff)
    response = client.post(
        reverse("subsidies:audit_draw"),
        {"title": "2026年抽检", "sample_size": "2", "seed": "99", "firm": auditor.organisation.pk},
    )
    audit = Audit.objects.get()
    assert response.status_code == 302
    assert audit.seed == 99 and audit.firm == auditor.organisation
    assert Notification.objects.filter(recipient=auditor).exists()


def test_only_staff_organise_audits(many, host_user, auditor, client):
    with pytest.raises(PermissionDenied):
        audit_draw_sample(title="x", sample_size=1, actor=auditor)
    client.force_login(auditor)
    assert client.get(reverse("subsidies:audit_draw")).status_code == 403


def test_an_auditor_records_findings_only_on_assigned_ledgers(funded, host_user, staff, auditor, client):
    expense = spend(funded, host_user, "800.00")
    audit = audit_assign(title="第三方审计", firm=auditor.organisation, ledgers=[funded.ledger], actor=staff)
    assignment = audit.assignments.get()

    stranger = UserFactory(organisation=AuditFirmFactory())
    with pytest.raises(PermissionDenied):
        finding_record(assignment=assignment, entry=expense, verdict="fine", note="", actor=stranger)
    client.force_login(stranger)
    assert client.get(reverse("subsidies:assignment", args=[assignment.pk])).status_code == 404
    assert client.get(reverse("subsidies:audit", args=[audit.pk])).status_code == 404

    client.force_login(auditor)
    response = client.post(
        reverse("subsidies:assignment", args=[assignment.pk]),
        {"action": "finding", "entry": expense.pk, "verdict": "misuse", "note": ""},
    )
    assert response.status_code == 200  # refused: a misuse finding needs a note, and the page says so
    assert "须说明理由" in response.content.decode()
    response = client.post(
        reverse("subsidies:assignment", args=[assignment.pk]),
        {"action": "finding", "entry": expense.pk, "verdict": "misuse", "note": "购买个人用品"},
    )
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert finding.verdict == "misuse" and finding.recorded_by == auditor
    assert list(misuse_findings_for(funded)) == [finding]
    assert (
        Notification.objects.filter(recipient=staff, subject__contains="Misuse").exists()
        or Notification.objects.filter(recipient=staff, subject__contains="违规").exists()
    )


def test_an_entry_of_another_ledger_cannot_be_judged(funded, host_unit, staff, auditor):
    other = operating_workstation(host_unit)
    foreign = grant(other, staff)
    audit = audit_assign(title="审计", firm=auditor.organisation, ledgers=[funded.ledger], actor=staff)
    with pytest.raises(LedgerRefused, match="not in the audited ledger"):
        finding_record(assignment=audit.assignments.get(), entry=foreign, verdict="fine", note="", actor=auditor)


def test_after_the_conclusion_findings_are_final(funded, staff, auditor):
    audit = audit_assign(title="审计", firm=auditor.organisation, ledgers=[funded.ledger], actor=staff)
    assignment = audit.assignments.get()
    entry = funded.ledger.entries.filter(kind=Kind.CITY_GRANT).get()
    finding_record(assignment=assignment, entry=entry, verdict="fine", note="", actor=auditor)
    finding_record(assignment=assignment, entry=entry, verdict="question", note="拨款凭证缺页", actor=auditor)
    assert Finding.objects.get().verdict == "question"  # changed until concluded
    assignment_conclude(assignment=assignment, conclusion="资金使用基本规范。", actor=auditor)
    with pytest.raises(LedgerRefused, match="concluded"):
        finding_record(assignment=assignment, entry=entry, verdict="fine", note="", actor=auditor)
    assert AuditAssignment.objects.open().count() == 0


def test_without_a_firm_city_staff_inspect_the_sample(funded, staff, auditor):
    audit = audit_draw_sample(title="自查", sample_size=1, seed=3, actor=staff)
    assignment = audit.assignments.get()
    entry = funded.ledger.entries.first()
    with pytest.raises(PermissionDenied):
        finding_record(assignment=assignment, entry=entry, verdict="fine", note="", actor=auditor)
    finding_record(assignment=assignment, entry=entry, verdict="fine", note="", actor=staff)


def test_the_misuse_badge_shows_to_staff_only(funded, host_user, staff, auditor, client):
    from django.test import RequestFactory

    from subsidies.sections import misuse_findings

    expense = spend(funded, host_user, "800.00")
    audit = audit_assign(title="审计", firm=auditor.organisation, ledgers=[funded.ledger], actor=staff)
    finding_record(assignment=audit.assignments.get(), entry=expense, verdict="misuse", note="挪用", actor=auditor)
    request = RequestFactory().get("/")
    request.user = staff
    assert "挪用" in misuse_findings(request, funded)
    request.user = host_user
    assert "挪用" not in misuse_findings(request, funded)
    client.force_login(staff)
    assert "挪用" in client.get(reverse("subsidies:ledger", args=[funded.pk])).content.decode()


def test_the_workstation_page_shows_misuse_to_staff(funded, host_user, staff, auditor, client):
    expense = spend(funded, host_user, "800.00")
    audit = audit_assign(title="审计", firm=auditor.organisation, ledgers=[funded.ledger], actor=staff)
    finding_record(assignment=audit.assignments.get(), entry=expense, verdict="misuse", note="挪用", actor=auditor)
    url = reverse("workstations:detail", args=[funded.pk])
    client.force_login(staff)
    assert "违规使用" in client.get(url).content.decode()
    client.force_login(host_user)
    assert "挪用" not in client.get(url).content.decode()


def test_assigning_a_firm_through_the_page(funded, staff, auditor, client):
    client.force_login(staff)
    url = reverse("subsidies:audit_assign")
    assert funded.name in client.get(url).content.decode()
    response = client.post(url, {"title": "委托审计", "firm": auditor.organisation.pk, "ledgers": [funded.ledger.pk]})
    assert response.status_code == 302
    audit = Audit.objects.get()
    assert audit.method == "third_party" and list(audit.assignments.values_list("ledger", flat=True)) == [
        funded.ledger.pk
    ]
    client.force_login(auditor)
    assert funded.name in client.get(reverse("subsidies:audits")).content.decode()


def test_one_form_for_every_row_keeps_what_was_typed_and_saves_all_or_nothing(
    funded, host_user, staff, auditor, client
):
    """Issue 15: saving one row silently discarded the verdicts typed in the others."""
    first = spend(funded, host_user, "800.00")
    second = spend(funded, host_user, "1200.00")
    audit = audit_assign(title="第三方审计", firm=auditor.organisation, ledgers=[funded.ledger], actor=staff)
    assignment = audit.assignments.get()
    url = reverse("subsidies:assignment", args=[assignment.pk])
    client.force_login(auditor)
    page = client.get(url).content.decode()
    assert page.count('data-testid="findings-form"') == 1 and "js/unsaved" in page
    typed = {
        "action": "findings",
        f"verdict_{first.pk}": "fine",
        f"note_{first.pk}": "",
        f"verdict_{second.pk}": "misuse",
        f"note_{second.pk}": "",  # refused: a misuse finding needs a note
    }
    response = client.post(url, typed)
    body = response.content.decode()
    assert response.status_code == 200 and not Finding.objects.exists()
    assert '<option value="fine" selected' in body.split(f'name="verdict_{first.pk}"')[1].split("</select>")[0]
    assert '<option value="misuse" selected' in body.split(f'name="verdict_{second.pk}"')[1].split("</select>")[0]
    typed[f"note_{second.pk}"] = "购买个人用品"
    assert client.post(url, typed).status_code == 302
    assert dict(Finding.objects.values_list("entry_id", "verdict")) == {first.pk: "fine", second.pk: "misuse"}
    client.force_login(UserFactory(organisation=AuditFirmFactory()))
    assert client.post(url, typed).status_code == 404
