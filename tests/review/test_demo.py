"""The demo world of the review stage is consistent and idempotent."""

import pytest
from django.core.management import call_command

from portal.models import User
from review import services
from review.demo import demo_shares_path
from review.models import Ballot, Participation, ReviewRound, StagedBallot
from review.records import recount
from review.rules import Outcome
from workstations.models import State

pytestmark = pytest.mark.django_db


def test_seed_demo_twice_gives_one_closed_and_one_open_round(settings, tmp_path):
    settings.VAR_DIR = tmp_path  # the demo's key shares file, away from other test processes
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
    # Issue 13: the demo's key shares (written to var/ for the demo only) re-count the closed round by opening its
    # sealed ballots, and close the open one with the supervisor's share and one of staff's.
    shares = {}
    for line in demo_shares_path().read_text(encoding="utf-8").splitlines():
        title, login, code = line.split("\t")
        shares[(title, login)] = code
    pair = [shares[(closed.title, "jijian")], shares[(closed.title, "staff2")]]
    result = services.round_recount(review_round=closed, actor=None, shares=pair)
    assert result.matches and result.opened
    staff = User.objects.get(username="staff")
    with pytest.raises(services.ReviewError):  # staff alone
        services.round_close(
            review_round=opened,
            actor=staff,
            shares=[shares[(opened.title, "staff")], shares[(opened.title, "staff2")]],
            reason="演示",
        )
    services.round_close(
        review_round=opened,
        actor=staff,
        shares=[shares[(opened.title, "jijian")], shares[(opened.title, "staff")]],
        reason="演示提前结束",
    )
    assert ReviewRound.objects.get(pk=opened.pk).is_closed
