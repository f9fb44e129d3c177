"""Ballots under concurrency, on PostgreSQL (SPEC §4; STYLE habit 6)."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.utils.translation import gettext as _

from review import services
from review.models import Ballot, Participation, Receipt, StagedBallot
from tests.review.factories import close_round, open_round

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(i, fn):
        try:
            barrier.wait()
            results[i] = ("ok", fn())
        except Exception as exc:
            results[i] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_same_expert_same_ballot_from_two_connections(staff):
    _review_round, experts, [cand] = open_round(staff, experts=3)
    expert = experts[0]
    results = run_together(
        lambda: services.ballot_cast(candidate=cand.pk, choice="approve", actor=expert),
        lambda: services.ballot_cast(candidate=cand.pk, choice="approve", actor=expert),
    )
    kinds = sorted(kind for kind, _ in results)
    assert kinds == ["error", "ok"]
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, services.AlreadyVoted)
    assert "已" in str(error) or "already" in str(error)
    assert Participation.objects.count() == 1
    assert StagedBallot.objects.count() == 1


def test_voting_racing_the_close(staff):
    review_round, experts, [a, b] = open_round(staff, experts=8, candidates=2)
    calls = [
        (lambda e=e, c=c: services.ballot_cast(candidate=c.pk, choice="approve", actor=e))
        for e in experts
        for c in (a, b)
    ]
    calls.insert(len(calls) // 2, lambda: close_round(review_round, staff))
    results = run_together(*calls)
    errors = [value for kind, value in results if kind == "error"]
    assert all(isinstance(e, services.ReviewError) for e in errors), errors
    assert StagedBallot.objects.count() == 0
    assert Receipt.objects.count() == Participation.objects.count()
    assert Receipt.objects.count() == len(results) - 1 - len(errors)
    assert Ballot.objects.count() <= Receipt.objects.count()
    # Every ballot and receipt of the round was written by the one closing transaction.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(DISTINCT x) FROM (SELECT xmin::text AS x FROM review_ballot "
            "UNION SELECT xmin::text FROM review_receipt) t"
        )
        assert cursor.fetchone()[0] <= 1


def _wait_for_a_lock_wait(seconds: float = 20) -> bool:
    """True once another connection of this database waits for a row lock (the cast queued behind the staff)."""
    with connection.cursor() as cursor:
        for _ in range(int(seconds / 0.05)):
            cursor.execute(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
            threading.Event().wait(0.05)
    return False


def test_a_cast_waiting_behind_a_void_is_refused_by_it(staff):
    """Issue 21: a cast reads its conditions after taking the round's lock, so a conflict recorded after the opening
    (which voids the vote) while the cast waited is seen, and no ballot goes into a voided vote."""
    review_round, experts, [cand] = open_round(staff, experts=3)
    voided, release = threading.Event(), threading.Event()

    def void():
        try:
            with transaction.atomic():
                services.recusal_record(
                    review_round=review_round, candidate=cand, expert=experts[0], reason="亲属", actor=staff
                )
                voided.set()
                release.wait(30)
        finally:
            connections.close_all()

    outcome = {}

    def cast():
        try:
            outcome["code"] = services.ballot_cast(candidate=cand.pk, choice="approve", actor=experts[1])
        except Exception as exc:
            outcome["error"] = exc
        finally:
            connections.close_all()

    staff_thread = threading.Thread(target=void)
    staff_thread.start()
    assert voided.wait(30)
    expert_thread = threading.Thread(target=cast)
    expert_thread.start()
    waited = _wait_for_a_lock_wait()
    release.set()
    staff_thread.join(30)
    expert_thread.join(30)
    assert waited, "the cast did not wait for the round's lock"
    assert isinstance(outcome.get("error"), services.ReviewError), outcome
    assert str(outcome["error"]) == str(_("The vote on this candidate has been voided; a new round will decide it."))
    assert Participation.objects.count() == 0 == StagedBallot.objects.count()
