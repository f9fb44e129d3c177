"""Two members of staff renew the same term at once, or one closes the ledger while another records a claw-back:
the row locks let one win, and the other is refused or lands before the closure (PostgreSQL only)."""

import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from django.db import connections, transaction
from django.utils import timezone

from subsidies.models import Kind
from subsidies.models.trail import LedgerClosure
from subsidies.services import entry_record
from subsidies.services.trail import ledger_close
from tests.subsidies.factories import grant
from tests.workstations.factories import OperatingWorkstationFactory
from workstations.models import State, Workstation
from workstations.models.evaluations import EvaluationKind
from workstations.models.terms import Term
from workstations.services.evaluations import evaluation_close, evaluation_open, result_score
from workstations.services.outcomes import OutcomeRefused
from workstations.services.terms import term_open_first, term_renew

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]
RUBRIC = [{"key": "all", "label": "综合", "max": 100, "auto": ""}]


def _race(first_fn, second_fn):
    holds = threading.Event()
    outcomes = {}

    def first():
        try:
            with transaction.atomic():
                first_fn()
                holds.set()
                time.sleep(0.5)  # the second click arrives while this transaction still holds the rows
            outcomes["first"] = "ok"
        except Exception as exc:
            outcomes["first"] = type(exc).__name__
        finally:
            holds.set()
            connections.close_all()

    def second():
        holds.wait(5)
        try:
            second_fn()
            outcomes["second"] = "ok"
        except Exception as exc:
            outcomes["second"] = type(exc).__name__
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return outcomes


def test_two_renewals_of_one_term_record_one_new_term(host_unit, staff, staff2):
    ws = OperatingWorkstationFactory(host_unit=host_unit, certified_on=date(2023, 6, 1))
    term_open_first(workstation=ws, starts_on=date(2023, 6, 1), decision_reference="平人社〔2023〕5号", actor=staff)
    evaluation = evaluation_open(
        year=2026,
        kind=EvaluationKind.END_OF_TERM,
        actor=staff,
        today=date(2026, 5, 1),
        rubric=RUBRIC,
        early_reason="任期于本年届满，期满评估须在届满前完成。",  # the year is still running (issue 15)
    )
    result_score(
        result=evaluation.results.get(), actor=staff, staff_scores={"all": Decimal(88)}, today=date(2026, 5, 1)
    )
    evaluation_close(evaluation=evaluation, actor=staff, today=date(2026, 5, 1))
    outcomes = _race(
        lambda: term_renew(workstation=ws.pk, actor=staff, decision_reference="平人社〔2026〕30号"),
        lambda: term_renew(workstation=ws.pk, actor=staff2, decision_reference="平人社〔2026〕31号"),
    )
    assert outcomes == {"first": "ok", "second": OutcomeRefused.__name__}
    assert list(Term.objects.filter(workstation=ws).values_list("number", flat=True).order_by("number")) == [1, 2]


def test_a_clawback_racing_the_closure_lands_before_it_or_is_refused(host_unit, staff, staff2):
    ws = OperatingWorkstationFactory(host_unit=host_unit, recommender=host_unit.county)
    grant(ws, staff)
    Workstation.objects.filter(pk=ws.pk).update(state=State.REVOKED)

    outcomes = _race(
        lambda: ledger_close(workstation=ws.pk, actor=staff, note="结账"),
        lambda: entry_record(
            workstation=ws.pk,
            kind=Kind.CLAWBACK,
            source="city",
            amount=Decimal("100.00"),
            date=timezone.localdate(),
            description="收回",
            actor=staff2,
        ),
    )
    assert outcomes["first"] == "ok" and outcomes["second"] == "PermissionDenied"
    closure = LedgerClosure.objects.get()
    assert closure.outstanding == Decimal("50000.00")  # nothing slipped in after the amount was stated
