"""Issue 19 item 5: the supervisor reads the audit trail on a phone — in words, with names, no wider than the screen
and without accessibility violations; the kind filter narrows it to the voting events."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from portal.audit import audit_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def test_the_supervisor_reads_and_filters_the_trail_on_a_phone(login, screenshot, live_server, staff, supervisor):
    staff.full_name = "李娜"
    staff.save()
    for view in ("review:round_open", "review:round_close", "inbox_mark_all_read"):
        audit_record(actor=staff, action="http.post", after={"view": view, "path": "/x/", "args": {}}, outcome="302")
    audit_record(actor=staff, action="auth.login")

    page = login(supervisor)
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/audit/")
    table = page.inner_text("[data-testid=audit-events]")
    assert "开启投票" in table and "李娜" in table and "http.post" not in table
    assert "登录或退出未显示" in page.inner_text("[data-testid=audit-count]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    violations = Axe().run(page, options=WCAG).response["violations"]
    assert not violations, [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in violations]
    screenshot(page, "phone")

    page.fill("#audit-words", "投票")
    page.click("[data-testid=audit-filter-submit]")
    page.wait_for_load_state()
    table = page.inner_text("[data-testid=audit-events]")
    assert "开启投票" in table and "结束投票" in table and "全部消息标为已读" not in table
    assert page.input_value("#audit-words") == "投票"
    screenshot(page, "phone-voting")
