"""Balances are sums over entries (no stored running total); random sequences never break that or overdraw."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from subsidies.models import Entry, Kind, Source
from subsidies.selectors import balance_of, balances, ledger_totals
from subsidies.services import LedgerRefused, entry_record, entry_reverse
from tests.factories import UserFactory
from tests.subsidies.factories import DAY, operating_workstation, png

pytestmark = pytest.mark.django_db

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("30000.00"), places=2)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("city_grant"), st.just("city"), amounts),
        st.tuples(st.just("county_grant"), st.just("county"), amounts),
        st.tuples(st.just("award"), st.just("award"), amounts),
        st.tuples(st.just("expenditure"), st.sampled_from(Source.values), amounts),
        st.tuples(st.just("clawback"), st.sampled_from(Source.values), amounts),
        st.tuples(st.just("reverse"), st.just(""), st.integers(min_value=0, max_value=50)),
    ),
    max_size=14,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_balances_equal_the_sum_of_entries_and_never_go_below_zero(ops, host_unit, staff, clerk):
    ws = operating_workstation(host_unit)
    host = UserFactory(organisation=host_unit)
    actor = {"city_grant": staff, "award": staff, "clawback": staff, "county_grant": clerk, "expenditure": host}
    expected = {s: Decimal("0.00") for s in Source.values}
    city_granted = False
    recorded: list[Entry] = []
    for op, source, value in ops:
        if op == "reverse":
            if not recorded:
                continue
            original = recorded[value % len(recorded)]
            by = actor[original.kind]
            would_overdraw = original.sign > 0 and expected[original.source] < original.amount
            already = Entry.objects.filter(reverses=original).exists()
            try:
                entry_reverse(entry=original, reason="更正", actor=by)
            except LedgerRefused:
                assert would_overdraw or already
            else:
                assert not (would_overdraw or already)
                expected[original.source] -= original.signed_amount
                if original.kind == Kind.CITY_GRANT:
                    city_granted = False
            continue
        outflow = op in ("expenditure", "clawback")
        extra = {"source": source, "category": "training"} if outflow else {}
        if op == "expenditure":
            extra["receipts"] = [png()]
        should_refuse = (outflow and value > expected[source]) or (op == "city_grant" and city_granted)
        try:
            entry = entry_record(
                workstation=ws, kind=op, amount=value, date=DAY, description="随机", actor=actor[op], **extra
            )
        except LedgerRefused:
            assert should_refuse, (op, source, value, expected)
        else:
            assert not should_refuse, (op, source, value, expected)
            recorded.append(entry)
            expected[source] += -value if outflow else value
            city_granted = city_granted or op == "city_grant"

    ws.refresh_from_db()
    ledger = getattr(ws, "ledger", None)
    if ledger is None:
        assert not any(expected.values())
        return
    entries = list(Entry.objects.filter(ledger=ledger))
    by_source = {s: sum((e.signed_amount for e in entries if e.source == s), Decimal("0.00")) for s in Source.values}
    assert balances(ledger) == by_source == expected
    assert all(balance_of(ledger, s) >= 0 for s in Source.values)
    totals = ledger_totals(ledger)
    for s in Source.values:
        assert totals.by_source[s].balance == expected[s]
    assert totals.total.balance == sum(expected.values())
