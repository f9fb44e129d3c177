"""SPEC §4: entries are never edited or deleted — the database itself refuses, not only the UI."""

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from subsidies.models import Entry, EntryReceipt, Kind
from subsidies.selectors import balances
from subsidies.services import LedgerRefused, entry_reverse
from tests.subsidies.factories import spend

pytestmark = pytest.mark.django_db


def _refused(sql: str, params: list) -> None:
    with (
        pytest.raises(DatabaseError, match=r"append-only|permission denied"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def test_the_database_refuses_to_update_an_entry(funded):
    entry = Entry.objects.filter(kind=Kind.CITY_GRANT).get()
    with pytest.raises(DatabaseError, match=r"append-only|permission denied"), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(amount=Decimal("99999.00"))
    _refused("UPDATE subsidies_entry SET description = %s WHERE id = %s", ["改过", entry.pk])
    entry.refresh_from_db()
    assert entry.amount == Decimal("50000.00")
    assert entry.description == "补助"


def test_the_database_refuses_to_delete_an_entry_or_its_receipts(funded, host_user):
    expense = spend(funded, host_user, "100.00")
    grant_entry = Entry.objects.filter(kind=Kind.CITY_GRANT).get()
    with pytest.raises(DatabaseError, match=r"append-only|permission denied"), transaction.atomic():
        grant_entry.delete()  # no receipt protects it at the ORM level: only the trigger stops this
    _refused("DELETE FROM subsidies_entryreceipt WHERE entry_id = %s", [expense.pk])
    _refused("DELETE FROM subsidies_entry WHERE id = %s", [expense.pk])
    assert Entry.objects.filter(pk__in=[expense.pk, grant_entry.pk]).count() == 2
    assert EntryReceipt.objects.filter(entry=expense).count() == 1


def test_a_reversal_points_to_the_original_and_restores_the_balance(funded, host_user):
    before = balances(funded.ledger)
    mistake = spend(funded, host_user, "3000.00", source="county")
    assert balances(funded.ledger)["county"] == Decimal("17000.00")

    reversal = entry_reverse(entry=mistake, reason="金额录错", actor=host_user)

    assert reversal.reverses == mistake
    assert reversal.description == "金额录错"
    assert reversal.sign == 1 and reversal.amount == mistake.amount
    assert balances(funded.ledger) == before
    mistake.refresh_from_db()
    assert mistake.amount == Decimal("3000.00")  # the original is still there, untouched


def test_an_entry_is_reversed_once_and_a_reversal_is_never_reversed(funded, host_user):
    mistake = spend(funded, host_user, "10.00")
    reversal = entry_reverse(entry=mistake, reason="录错", actor=host_user)
    with pytest.raises(LedgerRefused, match="already been reversed"):
        entry_reverse(entry=mistake, reason="再冲一次", actor=host_user)
    with pytest.raises(LedgerRefused, match="cannot itself be reversed"):
        entry_reverse(entry=reversal, reason="冲销冲销", actor=host_user)


def test_a_reversal_needs_a_reason(funded, host_user):
    mistake = spend(funded, host_user, "10.00")
    with pytest.raises(LedgerRefused, match="reason"):
        entry_reverse(entry=mistake, reason="  ", actor=host_user)
