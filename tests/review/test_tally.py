"""The ballot rule at its exact thresholds, in integers (Art. 6(3); SPEC §4)."""

import pytest

from review.rules import BallotRule, Base, Comparison, Counts, Outcome, candidate_outcome, meets, tally

TWO_THIRDS = BallotRule(min_eligible=1)
MORE_THAN_HALF = BallotRule(pass_numerator=1, pass_denominator=2, pass_comparison=Comparison.MORE_THAN, min_eligible=1)


def counts(panel, approve, disapprove=0, abstain=0, eligible=None):
    return Counts(
        panel=panel,
        eligible=panel if eligible is None else eligible,
        approve=approve,
        disapprove=disapprove,
        abstain=abstain,
    )


@pytest.mark.parametrize(
    ("voted", "pass_at", "fail_at"),
    # 2/3 "以上" of those who voted: the smallest passing approve count and the largest failing one.
    [(7, 5, 4), (8, 6, 5), (9, 6, 5), (10, 7, 6), (11, 8, 7), (12, 8, 7), (13, 9, 8), (14, 10, 9), (15, 10, 9)],
)
def test_two_thirds_at_least_for_panels_of_7_to_15(voted, pass_at, fail_at):
    assert candidate_outcome(TWO_THIRDS, counts(voted, pass_at, voted - pass_at)) == Outcome.PASSED
    assert candidate_outcome(TWO_THIRDS, counts(voted, fail_at, voted - fail_at)) == Outcome.FAILED


@pytest.mark.parametrize(
    ("voted", "pass_at", "fail_at"),
    # "过半数" excludes the half itself.
    [(7, 4, 3), (8, 5, 4), (9, 5, 4), (10, 6, 5), (11, 6, 5), (12, 7, 6), (13, 7, 6), (14, 8, 7), (15, 8, 7)],
)
def test_more_than_half_for_panels_of_7_to_15(voted, pass_at, fail_at):
    assert candidate_outcome(MORE_THAN_HALF, counts(voted, pass_at, voted - pass_at)) == Outcome.PASSED
    assert candidate_outcome(MORE_THAN_HALF, counts(voted, fail_at, voted - fail_at)) == Outcome.FAILED


def test_at_least_includes_the_number_and_more_than_excludes_it():
    assert meets(10, 2, 3, 15, Comparison.AT_LEAST)
    assert not meets(10, 2, 3, 15, Comparison.MORE_THAN)
    assert meets(11, 2, 3, 15, Comparison.MORE_THAN)
    assert not meets(4, 1, 2, 8, Comparison.MORE_THAN)
    assert meets(4, 1, 2, 8, Comparison.AT_LEAST)


@pytest.mark.parametrize(("panel", "quorum_voters"), [(7, 5), (9, 6), (10, 7), (12, 8), (15, 10)])
def test_quorum_two_thirds_of_eligible(panel, quorum_voters):
    ok = counts(panel, quorum_voters)  # all approve
    short = counts(panel, quorum_voters - 1)
    assert candidate_outcome(TWO_THIRDS, ok) == Outcome.PASSED
    assert candidate_outcome(TWO_THIRDS, short) == Outcome.NO_QUORUM


def test_recusals_shrink_the_base():
    # 9 experts, 3 recused: 6 eligible. 4 voted = 2/3 of 6 reaches the quorum; of 9 it would not.
    c = counts(9, 3, 1, eligible=6)
    assert candidate_outcome(TWO_THIRDS, c) == Outcome.PASSED
    assert candidate_outcome(BallotRule(quorum_base=Base.PANEL, min_eligible=1), c) == Outcome.NO_QUORUM
    # Pass taken of the eligible experts: 4 approve of 6 eligible passes 2/3, 3 does not.
    of_eligible = BallotRule(pass_base=Base.ELIGIBLE, min_eligible=1)
    assert candidate_outcome(of_eligible, counts(9, 4, 0, eligible=6)) == Outcome.PASSED
    assert candidate_outcome(of_eligible, counts(9, 3, 1, eligible=6)) == Outcome.FAILED


def test_abstentions_counted_or_not():
    c = counts(9, 5, 1, 3)  # 9 voted: 5 approve, 1 disapprove, 3 abstain
    assert candidate_outcome(BallotRule(min_eligible=1, abstentions_count=True), c) == Outcome.FAILED  # 5/9 < 2/3
    assert candidate_outcome(BallotRule(min_eligible=1, abstentions_count=False), c) == Outcome.PASSED  # 5/6 ≥ 2/3
    assert candidate_outcome(BallotRule(min_eligible=1, pass_base=Base.VALID), c) == Outcome.PASSED


def test_all_abstain_never_passes():
    rule = BallotRule(min_eligible=1, pass_base=Base.VALID)
    assert candidate_outcome(rule, counts(7, 0, 0, 7)) == Outcome.FAILED


def test_too_few_eligible_experts_and_voided():
    rule = BallotRule(min_eligible=5)
    assert candidate_outcome(rule, counts(7, 4, eligible=4)) == Outcome.TOO_FEW_EXPERTS
    assert candidate_outcome(rule, counts(7, 7), voided=True) == Outcome.VOIDED


def test_places_rank_by_share_and_report_a_tie_at_the_last_place():
    rule = BallotRule(min_eligible=1, places=2)
    result = tally(
        rule,
        {"a": counts(9, 9), "b": counts(9, 7, 2), "c": counts(9, 7, 2), "d": counts(9, 6, 3), "e": counts(9, 3, 6)},
    )
    assert result == {
        "a": Outcome.PASSED,
        "b": Outcome.TIE,
        "c": Outcome.TIE,
        "d": Outcome.NOT_WITHIN_PLACES,
        "e": Outcome.FAILED,
    }


def test_places_without_a_tie():
    rule = BallotRule(min_eligible=1, places=2)
    result = tally(rule, {"a": counts(9, 9), "b": counts(9, 8, 1), "c": counts(9, 7, 2)})
    assert result == {"a": Outcome.PASSED, "b": Outcome.PASSED, "c": Outcome.NOT_WITHIN_PLACES}


def test_rule_in_words_and_its_problems():
    words = " ".join(BallotRule(places=3).describe())
    assert "2/3" in words and "3" in words
    assert BallotRule(quorum_numerator=4, quorum_denominator=3).problems()
    assert BallotRule(pass_base=Base.PANEL).problems()
    assert not BallotRule().problems()
