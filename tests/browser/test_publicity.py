"""The public reads a notice, files an objection and tracks it; staff dismiss it; the public reads the reason."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from portal.workdays.models import CalendarDay
from review.publicity import forms as publicity_forms
from review.publicity.services import publicity_publish
from tests.factories import WorkstationFactory
from tests.review.publicity.conftest import published_in_the_past
from workstations.models import State

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_objection_filed_tracked_and_dismissed(
    anon_page, login, screenshot, live_server, staff, host_unit, monkeypatch
):
    monkeypatch.setattr(publicity_forms, "MIN_FILL_SECONDS", 1)
    cache.clear()
    today = timezone.localdate()
    for offset in range(-5, 20):  # the seeded calendar ends with 2026; keep the test meaningful after that
        day = today + dt.timedelta(days=offset)
        CalendarDay.objects.get_or_create(date=day, defaults={"is_working_day": day.weekday() < 5})
    candidate = WorkstationFactory(host_unit=host_unit, lead_mentor_name="赵敏", state=State.REVIEW_PASSED)
    with published_in_the_past(1):  # the clock moves back; the publication time is never backdated
        publicity_list = publicity_publish(
            workstations=[candidate],
            title="2026年度第二批拟认定名单公示",
            intro="拟认定以下工作室，现予以公示。",
            contact_office="市人社局就业促进科",
            contact_phone="0375-2660000",
            actor=staff,
        )

    page = anon_page
    page.goto(f"{live_server.url}/public/publicity/")
    page.click("text=2026年度第二批拟认定名单公示")
    assert "赵敏大众创业指导大师工作室" in page.inner_text("[data-testid=candidates]")
    assert "个工作日" in page.inner_text("[data-testid=countdown]")
    assert "匿名反映不予受理" in page.inner_text("[data-testid=notice]")
    screenshot(page, "public-list")

    page.click("[data-testid=object]")
    page.fill("input[name=objector_name]", "陈刚")
    page.fill("input[name=objector_phone]", "159375")
    page.fill("textarea[name=facts]", "该工作室所在孵化基地的场地已于今年转租他用，实际没有固定办公场所。")
    page.wait_for_timeout(1100)
    page.click("[data-testid=objection-submit]")
    # The wrong phone number is reported and nothing typed is lost.
    assert page.input_value("input[name=objector_name]") == "陈刚"
    assert "转租他用" in page.input_value("textarea[name=facts]")
    screenshot(page, "objection-error")
    page.fill("input[name=objector_phone]", "15937501234")
    page.click("[data-testid=objection-submit]")
    code = page.inner_text("[data-testid=tracking-code]").strip()
    assert len(code) == 14
    screenshot(page, "objection-filed")

    page.goto(f"{live_server.url}/public/objections/track/")
    page.fill("input[name=code]", code)
    page.click("[data-testid=track-submit]")
    assert page.inner_text("[data-testid=track-status]") == "已受理"
    assert "陈刚" not in page.content() and "15937501234" not in page.content()

    staff_page = login(staff)
    staff_page.goto(f"{live_server.url}/publicity/")
    staff_page.click("[data-testid=open-objections] a")
    assert "陈刚" in staff_page.inner_text("[data-testid=objection]")
    staff_page.fill("textarea[name=investigation]", "实地查看孵化基地，场地仍由工作室使用。")
    staff_page.click("form[action$='/investigate/'] button[type=submit]")
    staff_page.check("input[name=decision][value=dismissed]")
    staff_page.fill("textarea[name=reason]", "经实地核查，该工作室场地仍在使用，反映问题不属实。")
    staff_page.click("[data-testid=decide-submit]")
    assert "赵敏" in staff_page.inner_text("[data-testid=decision-consequences]")
    staff_page.click("[data-testid=decide-confirm]")
    assert staff_page.inner_text("[data-testid=status]") == "异议不成立"
    screenshot(staff_page, "staff-dismissed")

    page.goto(f"{live_server.url}/public/objections/track/")
    page.fill("input[name=code]", code)
    page.click("[data-testid=track-submit]")
    assert page.inner_text("[data-testid=track-status]") == "异议不成立"
    assert "反映问题不属实" in page.inner_text("[data-testid=track-reason]")
    screenshot(page, "tracked-dismissed")
    assert publicity_list.pk
