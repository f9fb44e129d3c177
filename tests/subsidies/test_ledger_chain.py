"""Issue 14 item 3: ledger entries are chained with their amounts; an amount changed behind a disabled trigger is
reported by ``verify_audit_trail``."""

import io
import itertools

import pytest
from django.core.management import CommandError, call_command

from portal.checkpoints import read_checkpoints, write_checkpoints
from subsidies.chain_verify import verify_ledger_chain
from subsidies.models import Entry
from tests.subsidies.factories import spend
from tests.support.dbroles import tamper

pytestmark = pytest.mark.django_db(transaction=True)


def test_entries_are_chained_in_order_of_recording(funded, host_user):
    spend(funded, host_user, "100.00")
    entries = list(Entry.objects.order_by("chain_seq"))
    assert [e.chain_seq for e in entries] == list(range(1, len(entries) + 1))
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(entries))
    report = verify_ledger_chain()
    assert report.ok and report.checked == len(entries)


def test_an_amount_changed_behind_a_disabled_trigger_is_reported(funded, host_user):
    expense = spend(funded, host_user, "100.00")
    write_checkpoints()
    tamper(("UPDATE subsidies_entry SET amount = %s WHERE id = %s", ["1.00", expense.pk]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("verify_audit_trail", stdout=io.StringIO(), stderr=err)
    assert f"ledger: ledger entry {expense.chain_seq} was altered" in err.getvalue()


def test_a_removed_newest_entry_is_reported_by_the_checkpoint(funded, host_user):
    expense = spend(funded, host_user, "100.00")
    write_checkpoints()
    tamper(
        ("DELETE FROM subsidies_entryreceipt WHERE entry_id = %s", [expense.pk]),
        ("DELETE FROM subsidies_entry WHERE id = %s", [expense.pk]),
        ("UPDATE portal_auditchainhead SET seq = seq - 1, hash = %s WHERE id = 2", [expense.prev_hash]),
    )
    assert "were removed" in " ".join(verify_ledger_chain(checkpoints=read_checkpoints()).problems)
