"""Issue 21: the city subsidy overview reads summary rows kept current by the ledger services, which always equal
what the entries give, and ``rebuild_ledger_sums`` recomputes them from scratch."""

import threading
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from subsidies import selectors, summaries
from subsidies.models import Kind, Ledger, LedgerSum
from subsidies.services import LedgerRefused, entry_reverse
from tests import factories
from tests.subsidies.factories import grant, operating_workstation, spend


def _norm(rows):
    return [{**row, "total": Decimal(row["total"]).quantize(Decimal("0.01"))} for row in rows]


@pytest.fixture
def mixed(funded, host_unit, staff, clerk, host_user):
    """Two counties, two years, grants, expenditures of several categories, reversals and a refused overdraft."""
    other_county = factories.CountyFactory()
    other = operating_workstation(factories.HostUnitFactory(county=other_county))
    host2 = factories.UserFactory(organisation=other.host_unit, username="host2")
    clerk2 = factories.UserFactory(organisation=other_county, username="clerk2")
    grant(other, staff, "30000.00")
    grant(other, clerk2, "1000.00", kind="county_grant", date=date(2025, 11, 3))
    spend(funded, host_user, "1200.50", category="training")
    wrong = spend(funded, host_user, "300.00", source="county", category="equipment")
    entry_reverse(entry=wrong, reason="录入错误", actor=host_user)
    spend(funded, host_user, "99.99", category="other", explanation="茶歇", date=date(2026, 4, 1))
    spend(other, host2, "450.00")
    with pytest.raises(LedgerRefused):
        spend(other, host2, "31000.00")  # refused: the sums must not count it
    city_grant = grant(operating_workstation(host_unit), staff, "20000.00")
    entry_reverse(entry=city_grant, reason="重复拨付", actor=staff)
    return funded, other


def test_live_sums_equal_the_entries_and_the_rebuild(mixed):
    live = _norm(summaries.stored_rows())
    assert live == _norm(summaries.computed_rows())
    assert len(live) >= 8
    call_command("rebuild_ledger_sums", stdout=StringIO())
    assert _norm(summaries.stored_rows()) == live


def test_the_overview_from_sums_equals_the_overview_from_every_entry(mixed):
    counties, grand = summaries.overview_by_county()
    old_counties, old_grand = selectors.overview_by_county(Ledger.objects.select_related("workstation"))
    assert [(r.county, r.ledgers) for r in counties] == [(r.county, r.ledgers) for r in old_counties]
    assert [r.totals for r in counties] == [r.totals for r in old_counties]
    assert grand == old_grand
    assert grand.total.received == Decimal("101000.00")  # the reversed city grant of 20,000 counts for nothing
    # A year's sums: only the county grant dated 2025 (everything else is dated 2026).
    _counties, year_2025 = summaries.overview_by_county(2025)
    assert year_2025.total.received == Decimal("1000.00")


def test_the_overview_page_shows_the_sums(client, mixed, staff):
    client.force_login(staff)
    page = client.get("/subsidies/overview/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    _counties, grand = summaries.overview_by_county()
    from portal.formatting import format_yuan

    assert format_yuan(grand.total.spent) in page and format_yuan(grand.total.balance) in page
    LedgerSum.objects.all().delete()  # the page reads the summary rows, not the entries
    emptied = client.get("/subsidies/overview/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert format_yuan(grand.total.balance) not in emptied


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_entries_recorded_at_once_in_one_county_all_count(host_unit, staff):
    workstations = [operating_workstation(host_unit) for _ in range(6)]
    barrier = threading.Barrier(len(workstations))
    errors = []

    def record(ws):
        try:
            barrier.wait()
            grant(ws, staff, "1000.00")
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(ws,)) for ws in workstations]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    row = LedgerSum.objects.get(base_kind=Kind.CITY_GRANT)
    assert (row.total, row.entries) == (Decimal("6000.00"), 6)
    assert _norm(summaries.stored_rows()) == _norm(summaries.computed_rows())
