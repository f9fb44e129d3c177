"""The ballot rule as data, and the tally in integers (Art. 6(3); SPEC §4 "Expert review").

A round carries its rule: two fractions (quorum and pass threshold), the base each is taken of, whether the comparison
includes the number ("以上", at least) or excludes it ("超过"/"过半数", more than), whether abstentions stay in the base
of "those who voted", a minimum number of eligible experts per candidate and, optionally, a limited number of places.
Everything here is pure: no database, no floats. ``a/b of n`` is compared as ``count * b`` against ``a * n``.
"""

from dataclasses import asdict, dataclass
from fractions import Fraction

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Base(models.TextChoices):
    PANEL = "panel", gettext_lazy("all experts of the round")
    ELIGIBLE = "eligible", gettext_lazy("the experts eligible for the candidate (not recused)")
    VOTED = "voted", gettext_lazy("the experts who voted on the candidate")
    VALID = "valid", gettext_lazy("the valid ballots (approve or disapprove)")


QUORUM_BASES = (Base.PANEL, Base.ELIGIBLE)
PASS_BASES = (Base.ELIGIBLE, Base.VOTED, Base.VALID)


class Comparison(models.TextChoices):
    AT_LEAST = "at_least", gettext_lazy("at least (以上: the number itself counts)")
    MORE_THAN = "more_than", gettext_lazy("more than (超过/过半数: the number itself does not count)")


class Choice(models.TextChoices):
    APPROVE = "approve", gettext_lazy("Approve")
    DISAPPROVE = "disapprove", gettext_lazy("Disapprove")
    ABSTAIN = "abstain", gettext_lazy("Abstain")


class Outcome(models.TextChoices):
    PENDING = "pending", gettext_lazy("Not yet tallied")
    PASSED = "passed", gettext_lazy("Passed")
    FAILED = "failed", gettext_lazy("Failed")
    NO_QUORUM = "no_quorum", gettext_lazy("Quorum not reached")
    TOO_FEW_EXPERTS = "too_few_experts", gettext_lazy("Too few eligible experts")
    TIE = "tie", gettext_lazy("Tied for the last place")
    NOT_WITHIN_PLACES = "not_within_places", gettext_lazy("Passed the threshold but not within the places")
    VOIDED = "voided", gettext_lazy("Vote voided (conflict found after opening)")


# Outcomes that decide the candidate in this round; the others wait for a staff decision (a new round).
DECIDED_PASS = frozenset({Outcome.PASSED})
DECIDED_FAIL = frozenset({Outcome.FAILED, Outcome.NOT_WITHIN_PLACES})
NEEDS_DECISION = frozenset({Outcome.NO_QUORUM, Outcome.TOO_FEW_EXPERTS, Outcome.TIE, Outcome.VOIDED})
# Outcomes decided without opening a single ballot: those ballots stay sealed and are destroyed at the close, and no
# counts are shown (issue 13: a failed quorum or a voided vote must not reveal how the few voted).
UNOPENED = frozenset({Outcome.NO_QUORUM, Outcome.TOO_FEW_EXPERTS, Outcome.VOIDED})


@dataclass(frozen=True)
class BallotRule:
    quorum_numerator: int = 2
    quorum_denominator: int = 3
    quorum_base: str = Base.ELIGIBLE
    quorum_comparison: str = Comparison.AT_LEAST
    pass_numerator: int = 2
    pass_denominator: int = 3
    pass_base: str = Base.VOTED
    pass_comparison: str = Comparison.AT_LEAST
    abstentions_count: bool = True
    min_eligible: int = 5
    places: int | None = None
    key_threshold: int = 2

    def as_dict(self) -> dict:
        return asdict(self)

    def problems(self) -> list[str]:
        """What makes this rule unusable, in words (empty when fine)."""
        found = []
        for label, num, den in (
            (_("quorum"), self.quorum_numerator, self.quorum_denominator),
            (_("pass threshold"), self.pass_numerator, self.pass_denominator),
        ):
            if den <= 0 or num <= 0 or num > den:
                found.append(_("The %(what)s must be a fraction between 0 and 1, such as 2/3.") % {"what": label})
        if self.quorum_base not in QUORUM_BASES:
            found.append(_("The quorum is taken of all experts of the round or of the eligible experts."))
        if self.pass_base not in PASS_BASES:
            found.append(_("The pass threshold is taken of the eligible experts, those who voted or valid ballots."))
        if self.min_eligible < 1:
            found.append(_("At least one eligible expert per candidate is needed."))
        if self.places is not None and self.places < 1:
            found.append(_("The number of places must be at least 1, or left empty."))
        if self.key_threshold < 2:
            found.append(_("At least two key holders must be needed to open the ballots."))
        return found

    def quorum_needed(self, panel: int, eligible: int) -> int:
        """The smallest number of ballots that reaches the quorum for a candidate."""
        base = panel if self.quorum_base == Base.PANEL else eligible
        return next(
            (
                n
                for n in range(base + 1)
                if meets(n, self.quorum_numerator, self.quorum_denominator, base, self.quorum_comparison)
            ),
            base + 1,
        )

    def describe(self) -> list[str]:
        """The rule in words, as shown on the round page and the results sheet."""
        quorum = (
            _("Quorum: at least %(num)d/%(den)d of %(base)s cast a ballot on the candidate.")
            if self.quorum_comparison == Comparison.AT_LEAST
            else _("Quorum: more than %(num)d/%(den)d of %(base)s cast a ballot on the candidate.")
        )
        passing = (
            _("Pass: approve votes at least %(num)d/%(den)d of %(base)s.")
            if self.pass_comparison == Comparison.AT_LEAST
            else _("Pass: approve votes more than %(num)d/%(den)d of %(base)s.")
        )
        lines = [
            quorum
            % {"num": self.quorum_numerator, "den": self.quorum_denominator, "base": Base(self.quorum_base).label},
            passing % {"num": self.pass_numerator, "den": self.pass_denominator, "base": Base(self.pass_base).label},
        ]
        if self.pass_base == Base.VOTED:
            lines.append(
                _("Abstentions count as votes cast (they stay in the base).")
                if self.abstentions_count
                else _("Abstentions do not count as votes cast (they leave the base).")
            )
        lines.append(_("Each candidate needs at least %(n)d eligible experts.") % {"n": self.min_eligible})
        if self.places:
            lines.append(
                _(
                    "At most %(n)d places: candidates that pass are ranked by their share of approve votes; a tie "
                    "for the last place goes to a new round among the tied."
                )
                % {"n": self.places}
            )
        lines.append(_("Recused experts leave the base of the candidate they are recused from."))
        lines.append(
            _("The ballots are sealed; %(n)d key holders must enter their shares to open them at the close.")
            % {"n": self.key_threshold}
        )
        return lines


def meets(count: int, numerator: int, denominator: int, base: int, comparison: str) -> bool:
    """``count`` reaches ``numerator/denominator`` of ``base``, in integers.

    "以上" (at least) includes the number: 10 of 15 is at least 2/3. "超过"/"过半数" (more than) excludes it: 4 of 8 is
    not more than half.
    """
    if comparison == Comparison.AT_LEAST:
        return count * denominator >= numerator * base
    return count * denominator > numerator * base


@dataclass(frozen=True)
class Counts:
    """One candidate's numbers: experts of the round, eligible (not recused), and ballots by choice."""

    panel: int
    eligible: int
    approve: int = 0
    disapprove: int = 0
    abstain: int = 0
    # Ballots cast when they are not (yet) opened: the quorum needs only their number.
    cast: int | None = None

    @property
    def voted(self) -> int:
        return self.cast if self.cast is not None else self.approve + self.disapprove + self.abstain

    @property
    def valid(self) -> int:
        return self.approve + self.disapprove

    def quorum_base(self, rule: BallotRule) -> int:
        return self.panel if rule.quorum_base == Base.PANEL else self.eligible

    def pass_base(self, rule: BallotRule) -> int:
        if rule.pass_base == Base.ELIGIBLE:
            return self.eligible
        if rule.pass_base == Base.VALID:
            return self.valid
        return self.voted if rule.abstentions_count else self.valid

    def as_dict(self) -> dict:
        return {
            "panel": self.panel,
            "eligible": self.eligible,
            "approve": self.approve,
            "disapprove": self.disapprove,
            "abstain": self.abstain,
            "voted": self.voted,
        }


def unopened_outcome(rule: BallotRule, counts: Counts, *, voided: bool = False) -> str | None:
    """The outcome decided without reading a choice (voided, too few experts, no quorum), or None: open the ballots.

    Only the number of ballots cast (``counts.voted``) is used, never their content.
    """
    if voided:
        return Outcome.VOIDED
    if counts.eligible < rule.min_eligible:
        return Outcome.TOO_FEW_EXPERTS
    if not meets(
        counts.voted, rule.quorum_numerator, rule.quorum_denominator, counts.quorum_base(rule), rule.quorum_comparison
    ):
        return Outcome.NO_QUORUM
    return None


def candidate_outcome(rule: BallotRule, counts: Counts, *, voided: bool = False) -> str:
    """Art. 6(3): the outcome of one candidate under ``rule``, before places are applied."""
    early = unopened_outcome(rule, counts, voided=voided)
    if early is not None:
        return early
    base = counts.pass_base(rule)
    if base > 0 and meets(counts.approve, rule.pass_numerator, rule.pass_denominator, base, rule.pass_comparison):
        return Outcome.PASSED
    return Outcome.FAILED


def tally(rule: BallotRule, candidates: dict, voided: frozenset = frozenset()) -> dict:
    """Outcomes for every candidate (``{key: Counts}`` → ``{key: outcome}``), with limited places applied.

    When more candidates pass than there are places, they are ranked by their share of approve votes (an exact
    fraction of the pass base). Those above the last place pass; those tied at the last place, when the tie crosses
    it, are reported as a tie for a staff decision; the rest did not come within the places. Never decided by id,
    time or chance.
    """
    outcomes = {key: candidate_outcome(rule, counts, voided=key in voided) for key, counts in candidates.items()}
    passed = [key for key, outcome in outcomes.items() if outcome == Outcome.PASSED]
    if rule.places is None or len(passed) <= rule.places:
        return outcomes
    share = {key: Fraction(candidates[key].approve, candidates[key].pass_base(rule)) for key in passed}
    ranked = sorted(share.values(), reverse=True)
    last = ranked[rule.places - 1]
    above = [key for key in passed if share[key] > last]
    at_last = [key for key in passed if share[key] == last]
    for key in passed:
        if share[key] < last:
            outcomes[key] = Outcome.NOT_WITHIN_PLACES
    if len(above) + len(at_last) > rule.places:
        for key in at_last:
            outcomes[key] = Outcome.TIE
    return outcomes
