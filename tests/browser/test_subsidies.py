"""A whole journey in Chromium: the host unit records an expenditure with a receipt, city staff see it in the
overview, and an auditor records a finding on it."""

import pytest

from subsidies.demo import png_bytes
from subsidies.models import Entry, Finding, Kind
from subsidies.services import audit_assign
from tests.subsidies.factories import grant, operating_workstation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_expenditure_overview_and_finding(
    login, screenshot, live_server, host_unit, host_user, staff, clerk, auditor, tmp_path
):
    ws = operating_workstation(host_unit, lead_mentor_name="张伟")
    grant(ws, staff)
    receipt = tmp_path / "培训发票.png"
    receipt.write_bytes(png_bytes())

    page = login(host_user)
    page.click("[data-testid=nav-subsidies]")
    page.click(f"text={ws.name}")
    page.click("[data-testid=record-expenditure]")
    page.select_option("select[name=source]", "city")
    page.select_option("select[name=category]", "training")
    page.fill("input[name=amount]", "60000")
    page.fill("input[name=date]", "2026-03-05")
    page.fill("textarea[name=description]", "创业服务骨干培训班讲课费")
    page.set_input_files("input[name=receipts]", str(receipt))
    page.click("[data-testid=entry-submit]")
    # Overdraft refused in Chinese; what was typed is still there.
    assert "低于零" in page.inner_text("[data-testid=entry-form]")
    assert page.input_value("textarea[name=description]") == "创业服务骨干培训班讲课费"
    screenshot(page, "overdraft-refused")
    page.fill("input[name=amount]", "8600.00")
    page.set_input_files("input[name=receipts]", str(receipt))
    page.click("[data-testid=entry-submit]")
    entries = page.inner_text("[data-testid=entries]")
    assert "8,600.00元" in entries and "培训发票.png" in entries
    assert "41,400.00元" in page.inner_text("[data-testid=totals-by-source]")
    assert page.locator("[data-testid=spending-chart] svg rect").count() == 1
    screenshot(page, "ledger")

    staff_page = login(staff)
    staff_page.goto(f"{live_server.url}/subsidies/overview/")
    assert "创业服务骨干培训班讲课费" in staff_page.inner_text("[data-testid=recent-expenditures]")
    assert "8,600.00元" in staff_page.inner_text("[data-testid=grand-spent]")
    screenshot(staff_page, "overview")

    expense = Entry.objects.get(kind=Kind.EXPENDITURE)
    audit = audit_assign(title="2026年第三方审计", firm=auditor.organisation, ledgers=[ws.ledger], actor=staff)
    auditor_page = login(auditor)
    auditor_page.click(f"[data-testid=panels] >> text={ws.name}")
    form = auditor_page.locator(f"[data-testid=finding-form-{expense.pk}]")
    form.locator(f"select[name=verdict_{expense.pk}]").select_option("question")
    form.locator(f"input[name=note_{expense.pk}]").fill("讲课费标准需说明")
    auditor_page.click("[data-testid=findings-save]")  # one form for every row (issue 15)
    assert "存疑" in auditor_page.inner_text(f"[data-testid=finding-{expense.pk}]")
    screenshot(auditor_page, "finding")
    assert Finding.objects.get().assignment.audit == audit
