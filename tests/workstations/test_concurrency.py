"""Two clerks click at once: the row lock lets exactly one transition win (PostgreSQL only)."""

import threading
import time

import pytest
from django.db import connections, transaction

from workstations.models import State, TransitionLog, Workstation
from workstations.services.lifecycle import TransitionRefused, workstation_transition

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def test_two_simultaneous_transitions_cannot_both_succeed(host_unit, clerk):
    ws = Workstation.objects.create(host_unit=host_unit, recommender=host_unit.county, state=State.SUBMITTED)
    first_holds_lock = threading.Event()
    outcomes = {}

    def first():
        try:
            with transaction.atomic():
                workstation_transition(workstation=ws.pk, transition="decline", actor=clerk, reason="名额已满")
                first_holds_lock.set()
                time.sleep(0.5)  # the second click arrives while this transaction still holds the row
            outcomes["first"] = "ok"
        finally:
            first_holds_lock.set()
            connections.close_all()

    def second():
        first_holds_lock.wait(5)
        try:
            workstation_transition(workstation=ws.pk, transition="return_for_revision", actor=clerk, reason="补充")
            outcomes["second"] = "ok"
        except TransitionRefused:
            outcomes["second"] = "refused"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert outcomes == {"first": "ok", "second": "refused"}
    assert Workstation.objects.get(pk=ws.pk).state == State.NOT_RECOMMENDED
    assert TransitionLog.objects.filter(workstation=ws).count() == 1


def test_racing_clicks_of_the_same_transition_log_once(host_unit, clerk):
    ws = Workstation.objects.create(host_unit=host_unit, recommender=host_unit.county, state=State.SUBMITTED)
    barrier = threading.Barrier(4)
    results = []

    def click():
        barrier.wait(5)
        try:
            workstation_transition(workstation=ws.pk, transition="decline", actor=clerk, reason="重复点击")
            results.append("ok")
        except TransitionRefused:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(results) == ["ok", "refused", "refused", "refused"]
    assert TransitionLog.objects.filter(workstation=ws).count() == 1
