"""The demo world grows ledgers, a reversal and an audit with findings; building twice gives the same world."""

import pytest
from django.core.management import call_command

from subsidies.models import Audit, Entry, Finding, Kind, Ledger
from subsidies.selectors import balances, misuse_findings_for
from workstations.demo.lifecycle import DEMO_WORKSTATIONS
from workstations.models import OPERATING_STATES, Workstation

pytestmark = pytest.mark.django_db


def test_demo_ledgers_and_audit(tmp_path):
    call_command("seed_demo", stdout=open(tmp_path / "out.txt", "w"))  # noqa: SIM115
    counts = (Ledger.objects.count(), Entry.objects.count(), Audit.objects.count(), Finding.objects.count())
    # The workstations of workstations.demo.lifecycle (issue 18's term demo adds two more, without spending).
    operating = Workstation.objects.filter(
        state__in=OPERATING_STATES, lead_mentor_name__in=[lead for lead, _login, _state in DEMO_WORKSTATIONS]
    )
    assert Ledger.objects.filter(workstation__in=operating).count() == operating.count() == 4
    for ws in operating:
        ledger = ws.ledger
        assert ledger.entries.filter(kind=Kind.CITY_GRANT, amount=50000).exists()
        assert ledger.entries.filter(kind=Kind.COUNTY_GRANT).exists()
        assert ledger.entries.filter(kind=Kind.REVERSAL).count() == 1
        assert all(e.receipts.exists() for e in ledger.entries.filter(kind=Kind.EXPENDITURE))
        assert all(v >= 0 for v in balances(ledger).values())
    audit = Audit.objects.get()
    assert audit.reproduces and audit.firm.users.filter(username="auditor").exists()
    assert Finding.objects.filter(verdict="misuse").exists()
    misused = Finding.objects.filter(verdict="misuse").first().entry.ledger.workstation
    assert misuse_findings_for(misused).exists()

    call_command("seed_demo", stdout=open(tmp_path / "out2.txt", "w"))  # noqa: SIM115
    assert (Ledger.objects.count(), Entry.objects.count(), Audit.objects.count(), Finding.objects.count()) == counts
