"""Review rounds from preparation to close (Art. 6(3); SPEC §4 "Expert review").

Lock order, everywhere: the round first (``select_for_update``), then the workstations in ascending id (through
``workstation_transition``). Casting a ballot locks the round too, so a close and a vote never interleave.
"""

import logging
import secrets
import uuid

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import User
from portal.notifications import notify
from portal.permissions import require_role
from portal.roles import OrgKind, Role
from review.models import (
    Ballot,
    Recusal,
    ReviewRound,
    RoundCandidate,
    RoundEvent,
    RoundExpert,
    StagedBallot,
)
from review.records import canonical_json, freeze_record, result_record, sha256_hex
from review.rules import DECIDED_FAIL, DECIDED_PASS, NEEDS_DECISION, BallotRule
from workstations.models import State, Workstation
from workstations.services import workstation_transition

logger = logging.getLogger(__name__)


class ReviewError(Exception):
    """A review action that cannot be done now; ``problems`` say why, in the user's language."""

    def __init__(self, *problems: str):
        self.problems = [str(p) for p in problems]
        super().__init__("; ".join(self.problems))


RULE_FIELDS = tuple(BallotRule.__dataclass_fields__)


def _lock(review_round: ReviewRound | int) -> ReviewRound:
    pk = review_round.pk if isinstance(review_round, ReviewRound) else review_round
    return ReviewRound.objects.select_for_update().select_related("panel").get(pk=pk)


def _require_draft(locked: ReviewRound) -> None:
    if not locked.is_draft:
        raise ReviewError(_("The round has been opened: its rule, experts and recusals are frozen."))


def _event(review_round, kind, actor, detail: str = "") -> None:
    RoundEvent.objects.create(round=review_round, kind=kind, actor=actor, detail=detail)


@transaction.atomic
def round_create(*, panel, title: str, actor, **rule) -> ReviewRound:
    """Art. 6(3): city staff create a review round for a panel; the rule is set before it opens."""
    require_role(actor, Role.CITY_STAFF)
    review_round = ReviewRound(panel=panel, title=title, created_by=actor)
    _apply_rule(review_round, rule)
    review_round.save()
    _event(review_round, RoundEvent.Kind.CREATED, actor, title)
    return review_round


def _apply_rule(review_round: ReviewRound, rule: dict) -> None:
    unknown = set(rule) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"unknown rule fields {sorted(unknown)}")
    for name, value in rule.items():
        setattr(review_round, name, value)
    problems = review_round.rule.problems()
    if problems:
        raise ReviewError(*problems)


@transaction.atomic
def round_update_rule(*, review_round: ReviewRound, actor, **rule) -> ReviewRound:
    """Set the rule of a round that has not opened yet."""
    require_role(actor, Role.CITY_STAFF)
    locked = _lock(review_round)
    _require_draft(locked)
    _apply_rule(locked, rule)
    locked.save()
    _event(locked, RoundEvent.Kind.RULE_SET, actor, "; ".join(locked.rule.describe()))
    return locked


@transaction.atomic
def round_set_candidates(*, review_round: ReviewRound, workstations, actor) -> ReviewRound:
    """Put recommended workstations on the round (and take others off) while it is being prepared. When the panel
    is formed for a call, only that call's recommended applications may be put to the vote (Art. 6(1)–(3))."""
    require_role(actor, Role.CITY_STAFF)
    locked = _lock(review_round)
    _require_draft(locked)
    wanted = {ws.pk: ws for ws in Workstation.objects.filter(pk__in=[w.pk for w in workstations]).order_by("pk")}
    problems = []
    busy = set(
        RoundCandidate.objects.filter(
            workstation_id__in=wanted, round__status__in=[ReviewRound.Status.DRAFT, ReviewRound.Status.OPEN]
        )
        .exclude(round=locked)
        .values_list("workstation_id", flat=True)
    )
    call_id = locked.panel.call_id
    of_call = (
        set(Workstation.objects.filter(pk__in=wanted, application__call_id=call_id).values_list("pk", flat=True))
        if call_id
        else set(wanted)
    )
    for ws in wanted.values():
        if ws.state != State.QUALIFIED:  # issue 16: only candidates that passed the city's 资格审查
            problems.append(_("%(ws)s has not passed the qualification check.") % {"ws": ws.name})
        elif ws.pk not in of_call:
            problems.append(_("%(ws)s was not recommended in this panel's call.") % {"ws": ws.name})
        elif ws.pk in busy:
            problems.append(_("%(ws)s is already in another round.") % {"ws": ws.name})
    if problems:
        raise ReviewError(*problems)
    locked.candidates.exclude(workstation_id__in=wanted).delete()
    existing = set(locked.candidates.values_list("workstation_id", flat=True))
    RoundCandidate.objects.bulk_create(
        [RoundCandidate(round=locked, workstation_id=pk) for pk in sorted(wanted) if pk not in existing]
    )
    _auto_flag_conflicts(locked, locked.panel.members.all())
    _event(locked, RoundEvent.Kind.CANDIDATES, actor, "、".join(ws.name for ws in wanted.values()))
    return locked


def _auto_flag_conflicts(review_round: ReviewRound, experts) -> int:
    """Flag a conflict where the expert works for the candidate's host unit (SPEC §4, 回避)."""
    employer_of = {
        e.pk: e.expert_profile.employer_id for e in experts.select_related("expert_profile") if _has_profile(e)
    }
    created = 0
    for candidate in review_round.candidates.select_related("workstation"):
        for expert_id, employer_id in employer_of.items():
            if employer_id and employer_id == candidate.workstation.host_unit_id:
                _obj, made = Recusal.objects.get_or_create(
                    candidate=candidate,
                    expert_id=expert_id,
                    defaults={
                        "round": review_round,
                        "source": Recusal.Source.AUTO,
                        "reason": _("The expert works for the candidate's host unit."),
                    },
                )
                created += made
    return created


def _has_profile(user) -> bool:
    try:
        return user.expert_profile is not None
    except User.expert_profile.RelatedObjectDoesNotExist:
        return False


def _get_candidate(locked: ReviewRound, candidate) -> RoundCandidate:
    pk = candidate.pk if isinstance(candidate, RoundCandidate) else candidate
    try:
        return locked.candidates.select_related("workstation").get(pk=pk)
    except RoundCandidate.DoesNotExist as exc:
        raise ReviewError(_("This candidate is not in the round.")) from exc


@transaction.atomic
def recusal_declare(*, review_round: ReviewRound, candidate, reason: str, actor) -> Recusal:
    """An expert of the panel declares a conflict of interest with a candidate before the round opens."""
    require_role(actor, Role.EXPERT)
    locked = _lock(review_round)
    if not locked.panel.members.filter(pk=actor.pk).exists():
        raise PermissionDenied(_("You are not on this round's panel."))
    _require_draft(locked)
    cand = _get_candidate(locked, candidate)
    recusal, _created = Recusal.objects.get_or_create(
        candidate=cand,
        expert=actor,
        defaults={"round": locked, "source": Recusal.Source.DECLARED, "reason": reason.strip(), "recorded_by": actor},
    )
    _event(locked, RoundEvent.Kind.RECUSAL, actor, f"{actor} / {cand.workstation.name}")
    return recusal


@transaction.atomic
def recusal_record(*, review_round: ReviewRound, candidate, expert, reason: str, actor) -> Recusal:
    """Staff record a conflict. Before opening the expert leaves the candidate's base; found after opening, the
    candidate's vote is void and a new round decides it (SPEC §4)."""
    require_role(actor, Role.CITY_STAFF)
    locked = _lock(review_round)
    if locked.is_closed:
        raise ReviewError(_("The round is closed: its tally stands. Record the finding and decide on the candidate."))
    if not reason.strip():
        raise ReviewError(_("Please give a reason."))
    cand = _get_candidate(locked, candidate)
    on_round = (
        locked.experts.filter(expert=expert).exists()
        if locked.is_open
        else locked.panel.members.filter(pk=expert.pk).exists()
    )
    if not on_round:
        raise ReviewError(_("%(expert)s is not an expert of this round.") % {"expert": expert})
    recusal, created = Recusal.objects.get_or_create(
        candidate=cand,
        expert=expert,
        defaults={
            "round": locked,
            "source": Recusal.Source.STAFF,
            "reason": reason.strip(),
            "recorded_by": actor,
            "after_opening": locked.is_open,
        },
    )
    if not created and not locked.is_open:
        raise ReviewError(_("This conflict is already recorded."))
    _event(locked, RoundEvent.Kind.RECUSAL, actor, f"{expert} / {cand.workstation.name}: {reason.strip()}")
    if locked.is_open and not cand.voided:
        cand.voided = True
        cand.void_reason = reason.strip()
        cand.save(update_fields=["voided", "void_reason"])
        _event(locked, RoundEvent.Kind.VOIDED, actor, f"{cand.workstation.name}: {reason.strip()}")
    return recusal


@transaction.atomic
def round_open(*, review_round: ReviewRound, actor) -> ReviewRound:
    """Art. 6(3): open the vote. Freezes the rule, the experts and the recusals, with a hash shown to the supervisor,
    and moves every candidate to ``under_review``."""
    require_role(actor, Role.CITY_STAFF)
    locked = _lock(review_round)
    _require_draft(locked)
    members = list(locked.panel.members.filter(is_active=True).order_by("pk"))
    candidates = list(locked.candidates.select_related("workstation").order_by("workstation_id"))
    problems = list(locked.rule.problems())
    if not members:
        problems.append(_("The panel has no experts."))
    if not candidates:
        problems.append(_("The round has no candidates."))
    if problems:
        raise ReviewError(*problems)
    RoundExpert.objects.bulk_create([RoundExpert(round=locked, expert=m) for m in members])
    locked.recusals.exclude(expert__in=members).delete()
    _auto_flag_conflicts(locked, locked.panel.members.filter(pk__in=[m.pk for m in members]))
    recused = {}
    for candidate_id in locked.recusals.values_list("candidate_id", flat=True):
        recused[candidate_id] = recused.get(candidate_id, 0) + 1
    for cand in candidates:
        eligible = len(members) - recused.get(cand.pk, 0)
        if eligible < locked.min_eligible:
            problems.append(
                _("%(ws)s has only %(n)d eligible experts; the rule needs %(min)d.")
                % {"ws": cand.workstation.name, "n": eligible, "min": locked.min_eligible}
            )
    if problems:
        raise ReviewError(*problems)
    locked.status = ReviewRound.Status.OPEN
    locked.opened_at = timezone.now()
    locked.opened_by = actor
    locked.freeze_record = canonical_json(freeze_record(locked))
    locked.freeze_hash = sha256_hex(locked.freeze_record)
    locked.save()
    for cand in candidates:
        workstation_transition(workstation=cand.workstation_id, transition="start_review", actor=actor)
    _event(locked, RoundEvent.Kind.OPENED, actor, locked.freeze_hash)
    notify(
        recipients=members,
        subject=_("Review round open: %(title)s") % {"title": locked.title},
        body=_("Please cast your ballots on the candidates of the round."),
        url=reverse("review:round_detail", args=[locked.pk]),
    )
    return locked


@transaction.atomic
def round_close(*, review_round: ReviewRound, actor) -> ReviewRound:
    """Art. 6(3): close the vote, count, and move each decided candidate to ``review_passed`` / ``review_failed``.

    The staged ballots are copied into the final table in a shuffled order with fresh uuid4 ids and the staging rows
    are deleted, all in this one transaction, so that neither physical order nor transaction ids tell who cast what.
    A failed quorum, too few eligible experts, a voided vote or a tie for the last place stays for a staff decision.
    """
    require_role(actor, Role.CITY_STAFF)
    locked = _lock(review_round)
    if not locked.is_open:
        raise ReviewError(_("Only an open round can be closed."))
    staged = StagedBallot.objects.filter(candidate__round=locked)
    rows = list(staged.values_list("candidate_id", "choice", "receipt_hash"))
    secrets.SystemRandom().shuffle(rows)
    Ballot.objects.bulk_create(
        [Ballot(id=uuid.uuid4(), candidate_id=c, choice=choice, receipt_hash=receipt) for c, choice, receipt in rows]
    )
    staged.delete()
    transaction.on_commit(_vacuum_staging)
    locked.status = ReviewRound.Status.CLOSED
    locked.closed_at = timezone.now()
    locked.closed_by = actor
    record, counts, outcomes = result_record(locked, rows)
    locked.result_record = canonical_json(record)
    locked.result_hash = sha256_hex(locked.result_record)
    locked.save()
    candidates = list(locked.candidates.order_by("workstation_id"))
    for cand in candidates:
        c = counts[cand.pk]
        cand.panel_size, cand.eligible = c.panel, c.eligible
        cand.approve, cand.disapprove, cand.abstain = c.approve, c.disapprove, c.abstain
        cand.outcome = outcomes[cand.pk]
    RoundCandidate.objects.bulk_update(
        candidates, ["panel_size", "eligible", "approve", "disapprove", "abstain", "outcome"]
    )
    for cand in candidates:
        if cand.outcome in DECIDED_PASS:
            workstation_transition(workstation=cand.workstation_id, transition="pass_review", actor=actor)
        elif cand.outcome in DECIDED_FAIL:
            workstation_transition(workstation=cand.workstation_id, transition="fail_review", actor=actor)
    _event(locked, RoundEvent.Kind.CLOSED, actor, locked.result_hash)
    supervisors = User.objects.filter(organisation__kind=OrgKind.DISCIPLINE_GROUP, is_active=True)
    notify(
        recipients=supervisors,
        subject=_("Review round closed: %(title)s") % {"title": locked.title},
        body=_("The tally can be verified on the round's oversight page."),
        url=reverse("review:round_oversight", args=[locked.pk]),
    )
    return locked


def _vacuum_staging() -> None:
    """Reclaim the deleted staging rows at once, so that their dead tuples do not linger on disk (ballot-secrecy.md).

    VACUUM cannot run inside a transaction; when the close was itself nested in one, autovacuum does it later.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM review_stagedballot")
    except DatabaseError:
        logger.warning("could not vacuum the staging ballot table; autovacuum will")


@transaction.atomic
def candidate_requeue(*, candidate: RoundCandidate, reason: str, actor) -> RoundCandidate:
    """Staff decide on a failed quorum, a tie or a voided vote: the candidate goes back to the recommended list for
    a new round (never decided by id, time or chance)."""
    require_role(actor, Role.CITY_STAFF)
    locked = _lock(candidate.round_id)
    cand = RoundCandidate.objects.select_for_update().get(pk=candidate.pk)
    if not locked.is_closed or cand.outcome not in NEEDS_DECISION:
        raise ReviewError(_("Only a candidate left undecided by a closed round can go to a new round."))
    if cand.requeued_at:
        raise ReviewError(_("This candidate has already been sent to a new round."))
    if not reason.strip():
        raise ReviewError(_("Please give a reason."))
    workstation_transition(
        workstation=cand.workstation_id, transition="requeue_review", actor=actor, reason=reason.strip()
    )
    cand.requeued_at = timezone.now()
    cand.requeue_reason = reason.strip()
    cand.save(update_fields=["requeued_at", "requeue_reason"])
    _event(locked, RoundEvent.Kind.REQUEUED, actor, f"{Workstation.objects.get(pk=cand.workstation_id).name}: {reason}")
    return cand
