"""Issue 14: the supervisor verifies the audit trail in the browser, against the checkpoints kept outside the
database, and sees the tampering an administrator did behind the portal's back."""

import pytest

from portal.audit import audit_record
from portal.checkpoints import write_checkpoints
from tests.support.dbroles import tamper

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_supervisor_sees_an_intact_trail_then_the_removed_records(
    login, screenshot, live_server, staff, supervisor
):
    events = [audit_record(actor=staff, action=f"test.{i}", after={"n": i}) for i in range(4)]
    write_checkpoints()

    page = login(supervisor)
    page.goto(f"{live_server.url}/audit/")
    assert events[-1].hash[:12] in page.inner_text("[data-testid=checkpoints]")
    page.click("[data-testid=verify-chain]")
    page.wait_for_load_state()
    assert "审计记录完整" in page.inner_text("[data-testid=chain-ok]")
    assert "已与保存在数据库之外的 2 个检查点比对" in page.inner_text("[data-testid=chain-ok]")
    screenshot(page, "intact")

    tamper(
        "DELETE FROM portal_auditevent WHERE seq > 2",
        ("UPDATE portal_auditchainhead SET seq = 2, hash = %s WHERE id = 1", [events[1].hash]),
    )
    page.click("[data-testid=verify-chain]")
    page.wait_for_load_state()
    broken = page.inner_text("[data-testid=chain-broken]")
    assert "records were removed" in broken
    screenshot(page, "tampered")
    with page.expect_download() as download:
        page.click("text=下载检查点")
    assert download.value.suggested_filename == "chain-checkpoints.jsonl"
