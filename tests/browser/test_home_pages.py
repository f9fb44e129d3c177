"""Two roles log in and see their own home pages, in Chinese and then in English."""

import pytest

from tests.applications.factories import make_application
from workstations.models import State

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_roles_see_their_home_pages_in_both_languages(login, screenshot, staff, host_user, host_unit):
    make_application(host_unit=host_unit, state=State.RETURNED)

    page = login(host_user)
    assert "首页 · 申报单位用户" in page.inner_text("[data-testid=home-title]")
    assert "被退回的申报" in page.inner_text("[data-testid=panels]")
    screenshot(page, "host-zh")
    page.click("[data-testid=lang-en]")
    page.wait_for_load_state()
    assert "Home · Host-unit user" in page.inner_text("[data-testid=home-title]")
    assert "Applications returned to you" in page.inner_text("[data-testid=panels]")
    screenshot(page, "host-en")

    staff_page = login(staff)
    assert "首页 · 市人社局工作人员" in staff_page.inner_text("[data-testid=home-title]")
    assert "已推荐" in staff_page.inner_text("[data-testid=panels]")
    screenshot(staff_page, "staff-zh")
    staff_page.click("[data-testid=lang-en]")
    staff_page.wait_for_load_state()
    assert "Home · City bureau staff" in staff_page.inner_text("[data-testid=home-title]")
    # The host unit's choice of English did not leak into the staff member's session.
    assert "Recommended" in staff_page.inner_text("[data-testid=panels]")
