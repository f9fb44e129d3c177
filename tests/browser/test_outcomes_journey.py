"""A host unit files one report of each type, staff accept them, and the board turns green for that quarter."""

from datetime import date

import pytest
from django.utils import timezone

from tests.workstations.factories import OperatingWorkstationFactory, accepted
from workstations.models.outcomes import ActivityKind
from workstations.rules import compliance

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reports_of_each_type_accepted_turn_the_board_green(
    login, screenshot, live_server, staff, host_user, host_unit
):
    today = timezone.localdate()
    ws = OperatingWorkstationFactory(
        host_unit=host_unit, recommender=host_unit.county, lead_mentor_name="张伟", certified_on=date(2025, 1, 1)
    )
    accepted(ws, ActivityKind.THEMED, today)  # one themed activity already accepted this year; a second is due
    quarter = compliance.quarter_of(today)

    host = login(host_user)
    host.goto(f"{live_server.url}/workstations/{ws.pk}/outcomes/")
    screenshot(host, "host-outcomes-before")
    filings = [
        ("consultation", "区域创业政策咨询会", {}),
        ("themed", "创业导师进校园主题活动", {"select[name=setting]": "campus"}),
        ("training", "创业服务工作骨干培训班", {"textarea[name=trainees]": "李明 鹰城创业孵化基地\n王芳 平顶山学院"}),
    ]
    for kind, title, extra in filings:
        host.click(f"[data-testid=new-report-{kind}]")
        host.fill("input[name=title]", title)
        host.fill("input[name=held_on]", today.isoformat())
        host.fill("input[name=place]", "新华区创业服务中心")
        host.fill("input[name=participant_count]", "35")
        host.fill("textarea[name=description]", "政策解读与一对一创业指导。")
        for selector, value in extra.items():
            if selector.startswith("select"):
                host.select_option(selector, value)
            else:
                host.fill(selector, value)
        host.click("[data-testid=report-submit]")
        host.wait_for_load_state()
        assert "待审核" in host.inner_text("[data-testid=report-status]")
        host.goto(f"{live_server.url}/workstations/{ws.pk}/outcomes/")
    screenshot(host, "host-filed")

    staff_page = login(staff)
    staff_page.goto(f"{live_server.url}/workstations/board/?year={today.year}")
    cell = f"[data-testid=cell-{ws.pk}-consultation-{quarter.key}]"
    assert staff_page.get_attribute(cell, "data-status") == "not_yet"
    screenshot(staff_page, "board-before")
    for _ in filings:
        staff_page.goto(f"{live_server.url}/workstations/reports/")
        staff_page.click("[data-testid=report-list] tbody a")
        staff_page.click("[data-testid=report-accept]")
        staff_page.wait_for_load_state()
    staff_page.goto(f"{live_server.url}/workstations/board/?year={today.year}")
    screenshot(staff_page, "board-after")
    assert staff_page.get_attribute(cell, "data-status") == "met"
    assert "heat-met" in staff_page.get_attribute(cell, "class")
    for requirement in ("themed", "training"):
        assert (
            staff_page.get_attribute(f"[data-testid=cell-{ws.pk}-{requirement}-{today.year}]", "data-status") == "met"
        )
