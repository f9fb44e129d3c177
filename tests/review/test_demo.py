"""The demo world of the review stage is consistent and idempotent."""

import pytest
from django.core.management import call_command

from review.models import Ballot, Participation, ReviewRound, StagedBallot
from review.records import recount
from review.rules import Outcome
from workstations.models import State

pytestmark = pytest.mark.django_db


def test_seed_demo_twice_gives_one_closed_and_one_open_round():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    closed = ReviewRound.objects.get(status=ReviewRound.Status.CLOSED)
    opened = ReviewRound.objects.get(status=ReviewRound.Status.OPEN)
    outcomes = {c.workstation.lead_mentor_name: (c.outcome, c.workstation.state) for c in closed.candidates.all()}
    assert outcomes == {
        "黄磊": (Outcome.PASSED, State.REVIEW_PASSED),
        "胡斌": (Outcome.FAILED, State.REVIEW_FAILED),
    }
    assert recount(closed).matches
    assert Ballot.objects.count() == Participation.objects.filter(round=closed).count() == 14
    [cand] = opened.candidates.all()
    assert cand.workstation.lead_mentor_name == "周强" and cand.workstation.state == State.UNDER_REVIEW
    assert cand.recusals.get().expert.username == "expert5"  # works for 周强's host unit
    assert StagedBallot.objects.count() == Participation.objects.filter(round=opened).count() == 2
