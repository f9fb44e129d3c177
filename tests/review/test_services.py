"""A round from preparation to close, through the services (Art. 6(3))."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from review import services
from review.models import Ballot, Participation, Receipt, Recusal, RoundEvent, StagedBallot
from review.rules import Outcome
from tests import factories
from tests.review.factories import (
    ExpertProfileFactory,
    close_round,
    draft_round,
    open_round,
    recommended_workstation,
    supervisor_and_one,
    take_shares,
)
from tests.support.dbroles import tamper
from workstations.models import State
from workstations.services.lifecycle import TransitionRefused, workstation_transition

pytestmark = pytest.mark.django_db


def vote_all(candidate, experts, choices):
    return [
        services.ballot_cast(candidate=candidate, choice=c, actor=e) for e, c in zip(experts, choices, strict=False)
    ]


def test_open_moves_candidates_under_review_and_freezes(staff):
    review_round, experts, [cand] = open_round(staff)
    cand.workstation.refresh_from_db()
    assert cand.workstation.state == State.UNDER_REVIEW
    assert review_round.experts.count() == 7
    assert len(review_round.freeze_hash) == 64
    frozen = json.loads(review_round.freeze_record)
    assert [e["id"] for e in frozen["experts"]] == sorted(e.pk for e in experts)
    # The ballot box's public key and its key holders are frozen with the rule (issue 13).
    assert frozen["public_key"] == bytes(review_round.public_key).hex() and len(frozen["public_key"]) == 64
    assert {h["id"] for h in frozen["key_holders"]} == set(review_round.key_holders.values_list("holder_id", flat=True))
    with pytest.raises(services.ReviewError):
        services.round_update_rule(review_round=review_round, actor=staff, pass_numerator=1)
    with pytest.raises(services.ReviewError):
        services.recusal_declare(review_round=review_round, candidate=cand, reason="x", actor=experts[0])
    # Changing the panel afterwards does not change the round's experts.
    services.panel_set_members(panel=review_round.panel, members=experts[:2], actor=staff)
    assert review_round.experts.count() == 7


def test_start_review_only_through_an_open_round(staff):
    ws = recommended_workstation()
    with pytest.raises(TransitionRefused):
        workstation_transition(workstation=ws, transition="start_review", actor=staff)


def test_close_passes_and_fails_by_the_tally(staff, supervisor):
    review_round, experts, [a, b] = open_round(staff, candidates=2)
    vote_all(a, experts, ["approve"] * 5 + ["disapprove"] * 2)  # 5/7 ≥ 2/3
    vote_all(b, experts, ["approve"] * 4 + ["disapprove"] * 3)  # 4/7 < 2/3
    assert StagedBallot.objects.count() == 14 and not Ballot.objects.exists()
    close_round(review_round, staff)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.outcome, a.approve, a.disapprove, a.eligible) == (Outcome.PASSED, 5, 2, 7)
    assert b.outcome == Outcome.FAILED
    assert a.workstation.__class__.objects.get(pk=a.workstation_id).state == State.REVIEW_PASSED
    assert b.workstation.__class__.objects.get(pk=b.workstation_id).state == State.REVIEW_FAILED
    assert StagedBallot.objects.count() == 0 and Ballot.objects.count() == 14 == Participation.objects.count()
    review_round.refresh_from_db()
    record = json.loads(review_round.result_record)
    assert [x[0] for x in record["receipts"]] == sorted(x[0] for x in record["receipts"])
    assert "ballots" not in record  # no receipt is paired with a choice anywhere
    assert record["freeze_hash"] == review_round.freeze_hash
    assert services.round_recount(review_round=review_round, actor=supervisor).matches
    opened = services.round_recount(
        review_round=review_round, actor=supervisor, shares=supervisor_and_one(review_round)
    )
    assert opened.matches and opened.opened
    # The supervisor was told.
    assert supervisor.notifications.filter(subject__contains=review_round.title).exists()


def test_no_late_voting_no_second_ballot_no_proxy(staff):
    review_round, experts, [cand] = open_round(staff)
    services.ballot_cast(candidate=cand, choice="approve", actor=experts[0])
    with pytest.raises(services.AlreadyVoted):
        services.ballot_cast(candidate=cand, choice="disapprove", actor=experts[0])
    with pytest.raises(PermissionDenied):
        services.ballot_cast(candidate=cand, choice="approve", actor=staff)
    outsider = ExpertProfileFactory().user
    with pytest.raises(PermissionDenied):
        services.ballot_cast(candidate=cand, choice="approve", actor=outsider)
    close_round(review_round, staff)
    with pytest.raises(services.ReviewError):
        services.ballot_cast(candidate=cand, choice="approve", actor=experts[1])
    assert Receipt.objects.count() == 1 == Participation.objects.count()
    assert Ballot.objects.count() == 0  # one ballot of seven is no quorum: it was destroyed unopened


def test_a_cast_is_two_reads_and_two_writes(staff, django_assert_num_queries):
    """Issue 21: fifty experts vote at once. A cast locks its round and reads every condition (expert of the round,
    not recused, round open, vote not voided, key shares taken, not voted yet) in two statements and writes the
    participation and the sealed ballot; the second send stops after the two reads. It was eleven statements and a
    savepoint (nine for a second send)."""
    _round, experts, [cand] = open_round(staff)
    with django_assert_num_queries(6):  # + the savepoint of the test's transaction and its release
        services.ballot_cast(candidate=cand.pk, choice="approve", actor=experts[0])
    with django_assert_num_queries(5), pytest.raises(services.AlreadyVoted):  # + savepoint, rollback to it, release
        services.ballot_cast(candidate=cand.pk, choice="disapprove", actor=experts[0])
    assert Participation.objects.count() == 1 == StagedBallot.objects.count()


def test_failed_quorum_waits_for_a_staff_decision(staff):
    review_round, experts, [cand] = open_round(staff)
    vote_all(cand, experts, ["approve"] * 4)  # 4 of 7 < 2/3
    close_round(review_round, staff)
    cand.refresh_from_db()
    assert cand.outcome == Outcome.NO_QUORUM
    assert cand.workstation.__class__.objects.get(pk=cand.workstation_id).state == State.UNDER_REVIEW
    with pytest.raises(TransitionRefused):
        workstation_transition(workstation=cand.workstation_id, transition="pass_review", actor=staff)
    services.candidate_requeue(candidate=cand, reason="未达到法定人数，另行组织评审。", actor=staff)
    assert cand.workstation.__class__.objects.get(pk=cand.workstation_id).state == State.QUALIFIED
    # ... and it can go to a new round.
    review_round2, _e, _c = draft_round(staff, workstations=[cand.workstation])
    assert review_round2.candidates.count() == 1


def test_auto_flagged_and_declared_recusals_shrink_the_base(staff, host_unit):
    colleague = ExpertProfileFactory(employer=host_unit).user
    others = [ExpertProfileFactory().user for _ in range(6)]
    ws = recommended_workstation(host_unit=host_unit)
    review_round, _experts, [cand] = draft_round(staff, experts_list=[colleague, *others], workstations=[ws])
    assert Recusal.objects.get(expert=colleague).source == Recusal.Source.AUTO
    services.recusal_declare(review_round=review_round, candidate=cand, reason="曾为其提供咨询", actor=others[0])
    review_round = services.round_open(review_round=review_round, actor=staff)
    take_shares(review_round)
    with pytest.raises(PermissionDenied):
        services.ballot_cast(candidate=cand, choice="approve", actor=colleague)
    vote_all(cand, others[1:], ["approve"] * 4 + ["disapprove"])  # 5 eligible, 5 voted, 4/5 approve
    close_round(review_round, staff)
    cand.refresh_from_db()
    assert (cand.eligible, cand.outcome) == (5, Outcome.PASSED)
    assert json.loads(review_round.__class__.objects.get(pk=review_round.pk).freeze_record)["recusals"]


def test_open_refused_when_recusals_leave_too_few_experts(staff, host_unit):
    experts = [ExpertProfileFactory(employer=host_unit).user for _ in range(3)] + [ExpertProfileFactory().user]
    ws = recommended_workstation(host_unit=host_unit)
    review_round, _e, _c = draft_round(staff, experts_list=experts, workstations=[ws], min_eligible=3)
    with pytest.raises(services.ReviewError, match="1"):
        services.round_open(review_round=review_round, actor=staff)
    ws.refresh_from_db()
    assert ws.state == State.QUALIFIED


def test_conflict_found_after_opening_voids_the_vote(staff):
    review_round, experts, [cand] = open_round(staff)
    vote_all(cand, experts, ["approve"] * 7)
    services.recusal_record(
        review_round=review_round, candidate=cand, expert=experts[2], reason="发现其为候选人亲属", actor=staff
    )
    close_round(review_round, staff)
    cand.refresh_from_db()
    assert cand.outcome == Outcome.VOIDED
    assert RoundEvent.objects.filter(round=review_round, kind=RoundEvent.Kind.VOIDED).exists()


def test_receipt_check_proves_inclusion_not_content(staff):
    review_round, experts, [cand] = open_round(staff)
    codes = vote_all(cand, experts, ["abstain"] + ["approve"] * 6)
    status = services.receipt_check(review_round=review_round, code=codes[0], actor=experts[0])
    assert (status.status, status.candidate.pk) == (services.ReceiptStatus.IN_BOX, cand.pk)
    close_round(review_round, staff)
    typed = codes[0].lower().replace("-", " ")
    status = services.receipt_check(review_round=review_round, code=typed, actor=experts[0])
    assert (status.status, status.candidate.pk) == (services.ReceiptStatus.COUNTED, cand.pk)
    assert not hasattr(status, "choice")
    missing = services.receipt_check(review_round=review_round, code="AAAA-BBBB-CCCC-DDDD", actor=experts[0])
    assert missing.status == services.ReceiptStatus.NOT_FOUND
    # Another expert's code, typed in one's own session, tells nothing: the same answer as a typo.
    other = services.receipt_check(review_round=review_round, code=codes[1], actor=experts[0])
    assert other.status == services.ReceiptStatus.NOT_FOUND and other.candidate is None
    with pytest.raises(PermissionDenied):
        services.receipt_check(review_round=review_round, code=codes[0], actor=staff)


@pytest.mark.django_db(transaction=True)  # the administrator's separate connection must see the ballots
def test_a_ballot_altered_in_the_database_is_caught_by_the_recount(staff, supervisor, capsys):
    review_round, experts, [cand] = open_round(staff)
    vote_all(cand, experts, ["approve"] * 5 + ["disapprove"] * 2)
    close_round(review_round, staff)
    assert services.round_recount(review_round=review_round, actor=supervisor).matches
    call_command("review_recount", str(review_round.pk))
    assert "OK" in capsys.readouterr().out
    call_command("review_recount", str(review_round.pk), *[f"--share={c}" for c in supervisor_and_one(review_round)])
    assert "sealed ballots opened" in capsys.readouterr().out
    # Done behind the portal's back, by the database administrator with the append-only guards off (issue 14).
    tamper("UPDATE review_ballot SET choice = 'approve' WHERE choice = 'disapprove'")
    result = services.round_recount(review_round=review_round, actor=supervisor)
    assert not result.matches
    assert result.problems
    with pytest.raises(SystemExit):
        call_command("review_recount", str(review_round.pk))


def test_only_staff_run_the_round(staff, supervisor, expert, host_user):
    review_round, _experts, _c = draft_round(staff)
    for actor in (supervisor, expert, host_user):
        with pytest.raises(PermissionDenied):
            services.round_open(review_round=review_round, actor=actor)


def test_candidate_must_be_recommended(staff):
    ws = factories.WorkstationFactory()  # draft
    with pytest.raises(services.ReviewError):
        draft_round(staff, workstations=[ws])
