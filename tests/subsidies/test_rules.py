"""Who records what (Art. 8, 9, 11(3)), the overdraft rule, and "other" expenditures flagged for review."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from portal.models import Notification
from subsidies.models import Entry, EntryReview, Kind
from subsidies.selectors import balances, entries_awaiting_review
from subsidies.services import LedgerRefused, default_city_grant, entry_record, entry_review
from tests.factories import UserFactory
from tests.subsidies.factories import DAY, grant, operating_workstation, spend
from workstations.models import State

pytestmark = pytest.mark.django_db


def test_an_expenditure_that_would_overdraw_a_source_is_refused_with_the_balance(funded, host_user):
    spend(funded, host_user, "45000.00")
    with pytest.raises(LedgerRefused) as refused:
        spend(funded, host_user, "5000.01")
    assert "City one-time grant" in str(refused.value)
    assert "5,000.00" in str(refused.value)  # the balance left is named
    # The county money is a separate source: it still pays.
    spend(funded, host_user, "5000.01", source="county")
    assert balances(funded.ledger) == {
        "city": Decimal("5000.00"),
        "county": Decimal("14999.99"),
        "award": Decimal("0.00"),
    }


def test_a_clawback_cannot_take_back_more_than_is_left(funded, host_user, staff):
    spend(funded, host_user, "49000.00")
    with pytest.raises(LedgerRefused, match="below zero"):
        grant(funded, staff, "1000.01", kind=Kind.CLAWBACK, source="city")
    grant(funded, staff, "1000.00", kind=Kind.CLAWBACK, source="city")
    assert balances(funded.ledger)["city"] == Decimal("0.00")


def test_an_other_expenditure_needs_an_explanation_and_is_flagged(funded, host_user, staff):
    with pytest.raises(LedgerRefused, match="explanation"):
        spend(funded, host_user, "800.00", category="other")
    entry = spend(funded, host_user, "800.00", category="other", explanation="工作室门头标识")
    assert entry.needs_review
    assert list(entries_awaiting_review()) == [entry]
    with translation.override("en"):  # stored as a key: read in English by an English reader (issue 19)
        assert any("awaits review" in n.display_subject for n in Notification.objects.filter(recipient=staff))

    entry_review(entry=entry, outcome=EntryReview.Outcome.ACCEPTED, note="", actor=staff)
    assert list(entries_awaiting_review()) == []
    with pytest.raises(LedgerRefused, match="already been reviewed"):
        entry_review(entry=entry, outcome=EntryReview.Outcome.QUESTIONED, note="?", actor=staff)


def test_an_expenditure_needs_a_receipt(funded, host_user):
    with pytest.raises(LedgerRefused, match="receipt"):
        entry_record(
            workstation=funded,
            kind=Kind.EXPENDITURE,
            source="city",
            category="equipment",
            amount="10.00",
            date=DAY,
            description="x",
            receipts=[],
            actor=host_user,
        )


@pytest.mark.parametrize("amount", ["0", "-5.00", "1.005"])
def test_amounts_are_positive_yuan_with_two_places(ws, staff, amount):
    with pytest.raises(LedgerRefused):
        grant(ws, staff, amount)
    assert not Entry.objects.exists()


def test_no_future_dates(ws, staff):
    with pytest.raises(LedgerRefused, match="future"):
        grant(ws, staff, date=timezone.localdate() + timedelta(days=1))


def test_the_city_grant_is_recorded_once_and_defaults_to_the_configured_amount(ws, staff, settings):
    settings.SUBSIDY_DEFAULT_CITY_GRANT = "80000.00"
    assert default_city_grant(ws) == Decimal("80000.00")
    grant(ws, staff)
    with pytest.raises(LedgerRefused, match="already been recorded"):
        grant(ws, staff)


@pytest.mark.parametrize(
    ("kind", "who", "allowed"),
    [
        (Kind.CITY_GRANT, "staff", True),
        (Kind.CITY_GRANT, "clerk", False),
        (Kind.CITY_GRANT, "host_user", False),
        (Kind.COUNTY_GRANT, "clerk", True),
        (Kind.COUNTY_GRANT, "other_clerk", False),
        (Kind.COUNTY_GRANT, "staff", False),
        (Kind.AWARD, "staff", True),
        (Kind.AWARD, "host_user", False),
        (Kind.EXPENDITURE, "host_user", True),
        (Kind.EXPENDITURE, "other_host_user", False),
        (Kind.EXPENDITURE, "staff", False),
        (Kind.CLAWBACK, "staff", True),
        (Kind.CLAWBACK, "clerk", False),
        (Kind.EXPENDITURE, "auditor", False),
        (Kind.EXPENDITURE, "supervisor", False),
    ],
)
def test_nobody_records_for_another_organisation(request, funded, kind, who, allowed):
    user = request.getfixturevalue(who)
    kwargs = {"source": "county", "category": "training"} if kind in (Kind.EXPENDITURE, Kind.CLAWBACK) else {}
    before = Entry.objects.count()
    # ``funded`` already holds its one city grant: a city grant goes to a fresh workstation of the same host unit.
    target = operating_workstation(funded.host_unit) if kind == Kind.CITY_GRANT else funded

    def call():
        if kind == Kind.EXPENDITURE:
            return spend(target, user, "100.00", **kwargs)
        return grant(target, user, "100.00", kind=kind, **kwargs)

    if allowed:
        call()
        assert Entry.objects.count() == before + 1
    else:
        with pytest.raises(PermissionDenied):
            call()
        assert Entry.objects.count() == before


def test_an_award_carries_its_reference(ws, staff):
    award = grant(ws, staff, "20000.00", kind=Kind.AWARD, reference="2026年度评价优秀")
    assert award.source == "award" and award.reference == "2026年度评价优秀"


@pytest.mark.parametrize("state", [State.REVOKED, State.DEREGISTERED, State.DRAFT])
def test_a_workstation_that_no_longer_operates_accepts_no_entries(host_unit, staff, host_user, state):
    ws = operating_workstation(host_unit, state=state)
    with pytest.raises(PermissionDenied, match="accepts no such entry"):
        grant(ws, staff)
    with pytest.raises(PermissionDenied):
        spend(ws, host_user, "1.00")


def test_a_certified_workstation_receives_the_city_grant_but_no_spending_yet(host_unit, staff, host_user, clerk):
    ws = operating_workstation(host_unit, state=State.CERTIFIED)
    grant(ws, staff)
    with pytest.raises(PermissionDenied):
        grant(ws, clerk, "100.00", kind=Kind.COUNTY_GRANT)
    with pytest.raises(PermissionDenied):
        spend(ws, host_user, "1.00")


def test_the_host_unit_hears_of_a_grant(ws, staff, host_user):
    grant(ws, staff)
    with translation.override("en"):
        assert any("City one-time grant" in n.display_subject for n in Notification.objects.filter(recipient=host_user))


def test_a_county_is_the_host_units_county_when_a_university_recommended(host_unit, clerk, staff):
    from tests.factories import UniversityFactory

    ws = operating_workstation(host_unit, recommender=UniversityFactory())
    grant(ws, clerk, "100.00", kind=Kind.COUNTY_GRANT)
    uni_clerk = UserFactory(organisation=ws.recommender)
    with pytest.raises(PermissionDenied):
        grant(ws, uni_clerk, "100.00", kind=Kind.COUNTY_GRANT)
