"""Art. 11(3) 以奖代补: an excellent evaluation result becomes an award entry with one action, at most once."""

from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from subsidies.models import Entry, Kind
from subsidies.services import LedgerRefused, award_from_evaluation, entry_reverse
from tests.applications.factories import CallFactory, make_application
from tests.subsidies.factories import operating_workstation
from workstations.models import State
from workstations.models.evaluations import Evaluation, EvaluationKind, EvaluationResult, Grade
from workstations.services.evaluations import default_rubric

pytestmark = pytest.mark.django_db


def _result(ws, staff, *, grade=Grade.EXCELLENT, award=True, amount="20000.00", closed=True, year=2025):
    evaluation = Evaluation.objects.create(
        year=year,
        kind=EvaluationKind.ANNUAL,
        title=f"{year}年度工作室年度评价",
        rubric=default_rubric(),
        status=Evaluation.Status.CLOSED if closed else Evaluation.Status.OPEN,
        opened_by=staff,
        opened_at=timezone.now(),
    )
    return EvaluationResult.objects.create(
        evaluation=evaluation,
        workstation=ws,
        total=Decimal("95.0"),
        grade=grade,
        award_recommended=award,
        award_amount=Decimal(amount) if amount else None,
    )


def test_staff_record_the_award_with_one_action_and_the_amount_from_the_evaluation(client, ws, staff):
    result = _result(ws, staff)
    client.force_login(staff)
    ledger_url = reverse("subsidies:ledger", args=[ws.pk])
    page = client.get(ledger_url).content.decode()
    action = reverse("subsidies:award_from_result", args=[result.pk])
    assert action in page  # the ledger offers the award the evaluation recommends

    form = client.get(action)
    assert form.status_code == 200
    assert form.context["form"].initial["amount"] == Decimal("20000.00")
    response = client.post(
        action, {"amount": "20000.00", "date": timezone.localdate().isoformat(), "description": "奖励"}
    )
    entry = Entry.objects.get(kind=Kind.AWARD)
    assert response.status_code == 302 and response["Location"].endswith(f"#entry-{entry.pk}")
    assert (entry.amount, entry.source, entry.evaluation_result, entry.recorded_by) == (
        Decimal("20000.00"),
        "award",
        result,
        staff,
    )
    # The link shows on both pages: the ledger names the evaluation, the evaluation names the ledger entry.
    ledger_page = client.get(ledger_url).content.decode()
    assert reverse("workstations:evaluation", args=[result.evaluation_id]) in ledger_page
    assert 'data-testid="award-recorded"' in ledger_page and action not in ledger_page
    evaluation_page = client.get(reverse("workstations:evaluation", args=[result.evaluation_id])).content.decode()
    assert f"{ledger_url}#entry-{entry.pk}" in evaluation_page


def test_a_second_award_for_the_same_result_is_refused_until_the_first_is_reversed(client, ws, staff):
    result = _result(ws, staff)
    first = award_from_evaluation(result=result, actor=staff)
    assert first.amount == Decimal("20000.00")
    with pytest.raises(LedgerRefused, match="already been recorded"):
        award_from_evaluation(result=result, actor=staff, amount=Decimal("1.00"))
    client.force_login(staff)
    response = client.post(
        reverse("subsidies:award_from_result", args=[result.pk]),
        {"amount": "5000.00", "date": timezone.localdate().isoformat(), "description": "再次奖励"},
    )
    assert response.status_code == 400
    assert "already been recorded" in response.content.decode() or "已经记录" in response.content.decode()
    assert Entry.objects.filter(kind=Kind.AWARD).count() == 1

    entry_reverse(entry=first, reason="金额有误", actor=staff)
    corrected = award_from_evaluation(result=result, actor=staff, amount=Decimal("18000.00"))
    assert corrected.evaluation_result == result and corrected.amount == Decimal("18000.00")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"grade": Grade.GOOD, "award": False}, "Only an excellent result"),
        ({"award": False}, "Only an excellent result"),
        ({"closed": False}, "still open"),
        ({"amount": None}, "no award amount"),
    ],
)
def test_only_an_excellent_closed_result_with_an_amount_grounds_an_award(ws, staff, kwargs, message):
    result = _result(ws, staff, **kwargs)
    with pytest.raises(LedgerRefused, match=message):
        award_from_evaluation(result=result, actor=staff)
    assert not Entry.objects.exists()


def test_only_city_staff_record_awards(client, ws, staff, host_user, clerk, supervisor):
    result = _result(ws, staff)
    url = reverse("subsidies:award_from_result", args=[result.pk])
    for user in (host_user, clerk, supervisor):
        client.force_login(user)
        assert client.post(url, {"amount": "1.00", "date": "2026-01-05", "description": "x"}).status_code == 403
    # The host unit sees that an award is recommended, but no button to record it.
    client.force_login(host_user)
    page = client.get(reverse("subsidies:ledger", args=[ws.pk])).content.decode()
    assert 'data-testid="awards-recommended"' in page and url not in page
    assert not Entry.objects.exists()


def test_the_award_entry_stays_append_only(ws, staff):
    entry = award_from_evaluation(result=_result(ws, staff), actor=staff)
    with pytest.raises(DatabaseError), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(evaluation_result=None)
    with pytest.raises(DatabaseError), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).delete()


def test_the_city_grant_defaults_to_the_calls_grant_amount(client, host_unit, staff):
    call = CallFactory(grant_amount=Decimal("80000.00"))
    application = make_application(host_unit=host_unit, call=call, state=State.CERTIFIED)
    assert Application.objects.get(pk=application.pk).call.grant_amount == Decimal("80000.00")
    client.force_login(staff)
    response = client.get(reverse("subsidies:record", args=[application.workstation_id, Kind.CITY_GRANT]))
    assert response.context["form"].initial["amount"] == Decimal("80000.00")
    bare = operating_workstation(host_unit, state=State.CERTIFIED)
    response = client.get(reverse("subsidies:record", args=[bare.pk, Kind.CITY_GRANT]))
    assert response.context["form"].initial["amount"] == Decimal("50000.00")  # settings.SUBSIDY_DEFAULT_CITY_GRANT
