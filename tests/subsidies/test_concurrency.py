"""PostgreSQL: two expenditures that together overdraw a source — exactly one is accepted (the ledger row lock)."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection

from subsidies.models import Entry, Kind
from subsidies.selectors import balances
from subsidies.services import LedgerRefused
from subsidies.services import ledger as ledger_services
from tests.subsidies.factories import grant, operating_workstation, spend

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_expenditures_that_together_overdraw_exactly_one_is_accepted(host_unit, staff, host_user, monkeypatch):
    ws = operating_workstation(host_unit)
    grant(ws, staff, "50000.00")

    # Widen the window between reading the balance and inserting, so that without the lock both would pass.
    real_balance_of = ledger_services.balance_of

    def slow_balance_of(ledger, source):
        value = real_balance_of(ledger, source)
        time.sleep(0.3)
        return value

    monkeypatch.setattr(ledger_services, "balance_of", slow_balance_of)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt():
        try:
            barrier.wait()
            spend(ws, host_user, "30000.00")
            outcomes.append("accepted")
        except LedgerRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(outcomes) == ["accepted", "refused"]
    assert Entry.objects.filter(kind=Kind.EXPENDITURE).count() == 1
    assert balances(ws.ledger)["city"] == Decimal("20000.00")
