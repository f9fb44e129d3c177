"""Art. 11(4): a host unit applies to exit, staff confirm, the document downloads, the public directory shows it."""

from datetime import date

import pytest

from tests.portal.test_infrastructure import PDF
from tests.workstations.factories import OperatingWorkstationFactory
from workstations.models import State, Workstation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_host_unit_applies_to_exit_staff_confirm_and_the_public_sees_it(
    login, anon_page, live_server, screenshot, tmp_path, host_unit, host_user, staff
):
    ws = OperatingWorkstationFactory(
        host_unit=host_unit, recommender=host_unit.county, lead_mentor_name="何军", certified_on=date(2024, 3, 1)
    )
    signed = tmp_path / "注销申请.pdf"
    signed.write_bytes(PDF)

    host = login(host_user)
    host.goto(f"{live_server.url}/workstations/{ws.pk}/")
    host.click("[data-testid=exit-request-link]")
    with host.expect_navigation():
        host.click("[data-testid=exit-request-submit]")  # nothing filled in: the form says what is missing
    assert "这个字段是必填项" in host.content()
    host.fill("textarea[name=reason]", "单位业务调整，申请注销工作室。")
    host.set_input_files("input[name=signature_page]", str(signed))
    screenshot(host, "request")
    with host.expect_navigation():
        host.click("[data-testid=exit-request-submit]")
    assert "已报送市人社局" in host.content()
    assert "已提出" in host.inner_text("[data-testid=exit-status]")

    clerk_of_city = login(staff)
    clerk_of_city.goto(f"{live_server.url}/workstations/exits/")
    clerk_of_city.click(f"text={ws.name}")
    with clerk_of_city.expect_navigation():
        clerk_of_city.click("[data-testid=exit-confirm]")
    clerk_of_city.fill("textarea[name=note]", "同意注销。")
    with clerk_of_city.expect_navigation():
        clerk_of_city.click("[data-testid=exit-preview]")
    assert "平人社〔" in clerk_of_city.inner_text("[data-testid=preview-number]")
    assert Workstation.objects.get(pk=ws.pk).state == State.ACTIVE  # nothing issued before the last click
    screenshot(clerk_of_city, "preview")
    with clerk_of_city.expect_navigation():
        clerk_of_city.click("[data-testid=exit-confirm-issue]")
    assert "决定已记录" in clerk_of_city.content()
    assert "已确认" in clerk_of_city.inner_text("[data-testid=exit-status]")
    screenshot(clerk_of_city, "confirmed")
    assert Workstation.objects.get(pk=ws.pk).state == State.DEREGISTERED

    host.reload()
    with host.expect_download() as download:
        host.click("[data-testid=exit-document]")
    pdf_path = tmp_path / "decision.pdf"
    download.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")

    anon_page.goto(f"{live_server.url}/public/workstations/")
    exits = anon_page.inner_text("[data-testid=directory-exits]")
    assert ws.name in exits and "已注销" in exits and "平人社〔" in exits
    assert ws.name not in anon_page.inner_text("[data-testid=directory]")
    screenshot(anon_page, "public-directory")
