"""Issue 14 item 3: tampering by someone with full database access is reported, because the chains are keyed with a
key the database never holds and their heads are checkpointed outside it.

Each scenario is what ``verify_audit_trail`` reported as "intact" before: the administrator switches the guards off
(``tests/support/dbroles.tamper``) and rewrites rows; the command must now exit 1.
"""

import hashlib
import io
import json

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from portal.audit import AuditEvent, audit_record, chain_mac
from portal.checkpoints import read_checkpoints, write_checkpoints
from portal.models import Notification
from tests.support.dbroles import tamper

pytestmark = pytest.mark.django_db(transaction=True)


def _verify() -> str:
    """Run the command; return its complaints (it must fail)."""
    err = io.StringIO()
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("verify_audit_trail", stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def _records(actor, n):
    return [audit_record(actor=actor, action=f"test.{i}", after={"n": i}) for i in range(n)]


def test_checkpoints_are_sealed_into_a_file_and_sent_to_the_supervisors(staff, supervisor, settings):
    _records(staff, 3)
    written = write_checkpoints()
    assert [(c.chain, c.seq) for c in written] == [("audit", 3), ("ledger", 0)]
    lines = [json.loads(line) for line in settings.AUDIT_CHECKPOINT_FILE.read_text().splitlines()]
    assert lines[0]["hash"] == AuditEvent.objects.get(seq=3).hash and lines[0]["mac"]
    assert Notification.objects.filter(recipient=supervisor, body__contains=lines[0]["hash"]).exists()
    assert any(lines[0]["hash"] in m.body for m in mail.outbox if supervisor.email in m.to)
    assert write_checkpoints() == []  # nothing new: no second line, no second e-mail
    out = io.StringIO()
    call_command("verify_audit_trail", stdout=out)
    assert "intact" in out.getvalue() and "checkpoints 1" in out.getvalue()


def test_a_forged_checkpoint_line_is_reported(staff, settings):
    _records(staff, 2)
    write_checkpoints()
    line = json.loads(settings.AUDIT_CHECKPOINT_FILE.read_text().splitlines()[0])
    settings.AUDIT_CHECKPOINT_FILE.write_text(json.dumps({**line, "seq": 1}) + "\n")
    assert "not genuine" in _verify()


def test_a_truncated_trail_without_its_head_row_is_reported(staff):
    _records(staff, 4)
    write_checkpoints()
    tamper("DELETE FROM portal_auditevent", "DELETE FROM portal_auditchainhead WHERE id = 1")
    assert "records were removed" in _verify()


@pytest.mark.postgres  # SQLite has no TRUNCATE
def test_truncate_itself_is_refused_even_to_the_owner_with_the_guards_on(staff):
    from django.db import DatabaseError, connection, transaction

    _records(staff, 1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE portal_auditevent CASCADE")
    assert AuditEvent.objects.count() == 1


def test_deleting_the_newest_records_and_resetting_the_head_is_reported(staff):
    events = _records(staff, 5)
    write_checkpoints()
    tamper(
        "DELETE FROM portal_auditevent WHERE seq > 3",
        ("UPDATE portal_auditchainhead SET seq = 3, hash = %s WHERE id = 1", [events[2].hash]),
    )
    assert "saw record 5, but the chain now ends at 3" in _verify()


def _rechain(edit_seq: int, mac) -> list:
    """Edit one record and recompute every link after it, as a forger would; return the statements."""
    statements, prev = [], "0" * 64
    for event in AuditEvent.objects.order_by("seq"):
        if event.seq == edit_seq:
            event.after = {"n": "forged"}
        event.prev_hash = prev
        event.hash = mac(prev, event.payload())
        statements.append(
            (
                "UPDATE portal_auditevent SET after = %s, prev_hash = %s, hash = %s WHERE seq = %s",
                [json.dumps(event.after), event.prev_hash, event.hash, event.seq],
            )
        )
        prev = event.hash
    statements.append(("UPDATE portal_auditchainhead SET hash = %s WHERE id = 1", [prev]))
    return statements


def test_a_chain_recomputed_without_the_key_is_reported_even_without_checkpoints(staff):
    _records(staff, 3)

    def sha256(prev, payload):  # the old, unkeyed formula: all a forger without the key can compute
        body = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256((prev + body).encode()).hexdigest()

    tamper(*_rechain(2, sha256))
    problems = _verify()
    assert "record 2 was altered" in problems and "record 3 was altered" in problems


def test_a_chain_recomputed_with_the_key_is_caught_by_the_checkpoint(staff):
    _records(staff, 3)
    write_checkpoints()
    tamper(*_rechain(2, chain_mac))  # an insider who also stole the key
    assert "record 3 differs from the checkpoint" in _verify()
    assert read_checkpoints()[0].seq == 3


def test_the_supervisor_page_verifies_against_the_checkpoints_and_offers_them(client, staff, supervisor):
    events = _records(staff, 3)
    write_checkpoints()
    client.force_login(supervisor)
    page = client.get(reverse("audit_trail"), {"verify": "1"}).content.decode()
    assert 'data-testid="chain-ok"' in page and events[-1].hash[:12] in page
    download = client.get(reverse("audit_checkpoints"))
    assert download["Content-Disposition"].startswith("attachment") and events[-1].hash.encode() in download.content
    tamper(
        "DELETE FROM portal_auditevent WHERE seq > 1",
        ("UPDATE portal_auditchainhead SET seq = 1, hash = %s WHERE id = 1", [events[0].hash]),
    )
    page = client.get(reverse("audit_trail"), {"verify": "1"}).content.decode()
    assert 'data-testid="chain-broken"' in page and "records were removed" in page


def test_the_checkpoint_job_raises_the_alarm_when_a_chain_is_broken(staff, supervisor):
    _records(staff, 3)
    tamper(("UPDATE portal_auditevent SET outcome = %s WHERE seq = 2", ["forged"]))
    write_checkpoints()
    alarm = Notification.objects.get(recipient=supervisor, body__contains="record 2 was altered")
    assert alarm.url == "/audit/?verify=1"
