"""Excel exports: totals read back with openpyxl equal the totals on screen, to the fen."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from subsidies.models import Kind
from subsidies.selectors import ledger_totals, overview_by_county, totals_by_ledger
from subsidies.services import audit_draw_sample, entry_reverse
from tests.subsidies.factories import grant, operating_workstation, spend

pytestmark = pytest.mark.django_db


def _workbook(response):
    assert response.status_code == 200
    return load_workbook(BytesIO(response.content))


def _money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


@pytest.fixture
def busy(funded, host_user, staff):
    spend(funded, host_user, "1234.56", category="training")
    spend(funded, host_user, "0.10", category="exchange", source="county")
    spend(funded, host_user, "0.20", category="exchange", source="county")
    mistake = spend(funded, host_user, "333.33")
    entry_reverse(entry=mistake, reason="录错", actor=host_user)
    grant(funded, staff, "7777.77", kind=Kind.AWARD, reference="2026年度评价优秀")
    grant(funded, staff, "100.01", kind=Kind.CLAWBACK, source="award")
    return funded


def test_ledger_export_totals_match_the_ledger(client, busy, host_user):
    client.force_login(host_user)
    wb = _workbook(client.get(reverse("subsidies:ledger_export", args=[busy.pk])))
    totals = ledger_totals(busy.ledger)
    entries = wb.worksheets[0]
    amounts = [_money(row[5]) for row in entries.iter_rows(min_row=3, values_only=True)]
    assert sum(amounts) == totals.total.balance
    sheet = wb.worksheets[1]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True) if row and row[0]}
    for label, t in totals.source_rows():
        assert [_money(v) for v in rows[str(label)][1:5]] == [t.received, t.spent, t.refunded, t.balance]
    assert _money(rows["合计"][4]) == totals.total.balance == Decimal("76442.90")
    assert _money(rows["技能交流"][1]) == Decimal("0.30")
    # The same figures are on the page.
    html = client.get(reverse("subsidies:ledger", args=[busy.pk])).content.decode()
    assert "76,442.90元" in html


def test_overview_export_matches_the_overview(client, busy, host_unit, staff):
    second = operating_workstation(host_unit)
    grant(second, staff, "50000.00")
    client.force_login(staff)
    wb = _workbook(client.get(reverse("subsidies:overview_export")))
    from subsidies.selectors import ledger_list_for

    _counties, grand = overview_by_county(ledger_list_for(staff))
    sheet = wb.worksheets[0]
    total_row = next(r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] == "合计")
    assert _money(total_row[-1]) == grand.total.balance == Decimal("126442.90")
    assert _money(total_row[-3]) == grand.total.spent
    html = client.get(reverse("subsidies:overview")).content.decode()
    assert "126,442.90元" in html
    per_ledger = list(wb.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert sum(_money(r[-1]) for r in per_ledger) == grand.total.balance


def test_audit_sample_export_matches(client, busy, host_unit, staff):
    grant(operating_workstation(host_unit), staff, "50000.00")
    audit = audit_draw_sample(title="抽检", sample_size=2, seed=11, actor=staff)
    client.force_login(staff)
    wb = _workbook(client.get(reverse("subsidies:audit_export", args=[audit.pk])))
    sheet = wb.worksheets[0]
    assert "11" in sheet.cell(row=1, column=1).value  # the seed is in the caption
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    totals = totals_by_ledger(audit.assignments.values("ledger"))
    expected = sum((t.total.balance for t in totals.values()), Decimal("0.00"))
    assert _money(rows[-1][5]) == expected
    assert len(rows) == 3


def test_a_formula_typed_into_a_description_stays_text(client, funded, host_user):
    spend(funded, host_user, "1.00", description='=HYPERLINK("http://evil")')
    client.force_login(host_user)
    wb = _workbook(client.get(reverse("subsidies:ledger_export", args=[funded.pk])))
    descriptions = [row[6] for row in wb.worksheets[0].iter_rows(min_row=3, values_only=True)]
    assert '\'=HYPERLINK("http://evil")' in descriptions
