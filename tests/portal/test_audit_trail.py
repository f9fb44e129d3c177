"""The append-only, hash-chained audit trail: what goes in, what the database refuses, what verification finds."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from portal.audit import AuditEvent, audit_record, verify_chain
from tests.support.dbroles import superuser_cursor
from workstations.models import State, Workstation
from workstations.services.lifecycle import workstation_transition


def _tamper(sql: str, params=()) -> None:
    """What an administrator with full database access could do: switch the triggers off, then change rows."""
    with superuser_cursor() as cursor:
        if cursor is None:
            pytest.skip("needs the database administrator (DATABASE_SUPERUSER_URL)")
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
            cursor.execute(sql, params)
            cursor.execute("SET session_replication_role = DEFAULT")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS portal_auditevent_append_only_u")
            cursor.execute("DROP TRIGGER IF EXISTS portal_auditevent_append_only_d")
            cursor.execute(sql, params)


@pytest.mark.django_db
def test_a_state_change_is_recorded_with_before_and_after(host_unit, clerk):
    ws = Workstation.objects.create(host_unit=host_unit, recommender=host_unit.county, state=State.SUBMITTED)
    workstation_transition(workstation=ws, transition="decline", actor=clerk, reason="名额已满")
    event = AuditEvent.objects.get(action="workstation.decline")
    assert (event.actor, event.object_id, event.before, event.after) == (
        clerk,
        str(ws.pk),
        {"state": "submitted"},
        {"state": "not_recommended", "reason": "名额已满"},
    )


@pytest.mark.django_db
def test_every_user_action_is_recorded_without_the_form_content(client, host_user):
    client.force_login(host_user)
    client.post(reverse("inbox_mark_all_read"), {"secret": "不应进入审计"})
    event = AuditEvent.objects.get(action="http.post")
    assert event.actor == host_user and event.outcome == "302"
    assert event.after["view"] == "inbox_mark_all_read"
    assert "不应进入审计" not in str(event.payload())


@pytest.mark.django_db
def test_failed_logins_are_recorded(client, host_user):
    client.post(reverse("login"), {"username": host_user.username, "password": "wrong"})
    assert AuditEvent.objects.filter(action="auth.login_failed", after__username=host_user.username).exists()


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_to_change_or_remove_a_record(staff):
    event = audit_record(actor=staff, action="test.event")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(outcome="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).outcome == "ok"


@pytest.mark.django_db(transaction=True)
def test_verification_finds_an_altered_record(staff):
    for i in range(3):
        audit_record(actor=staff, action=f"test.{i}", after={"n": i})
    assert verify_chain().ok
    _tamper("UPDATE portal_auditevent SET after = %s WHERE seq = 2", ['{"n": 99}'])
    report = verify_chain()
    assert not report.ok and "record 2 was altered" in report.problems
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("verify_audit_trail", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_verification_finds_a_removed_record(staff):
    for i in range(4):
        audit_record(actor=staff, action=f"test.{i}")
    _tamper("DELETE FROM portal_auditevent WHERE seq = 2")
    assert "records 2–2 are missing" in verify_chain().problems
    _tamper("DELETE FROM portal_auditevent WHERE seq = 4")
    assert any("newest records" in p for p in verify_chain().problems)


@pytest.mark.django_db
def test_supervisor_verifies_on_a_page_and_host_units_cannot_open_it(client, supervisor, host_user, staff):
    audit_record(actor=staff, action="test.event")
    client.force_login(supervisor)
    response = client.get(reverse("audit_trail"), {"verify": "1"})
    assert "审计记录完整" in response.content.decode()
    client.force_login(host_user)
    assert client.get(reverse("audit_trail")).status_code == 403
    out = io.StringIO()
    call_command("verify_audit_trail", stdout=out)
    assert "intact" in out.getvalue()
