"""Review rounds from preparation to close (Art. 6(3); SPEC §4 "Expert review").

Lock order, everywhere: the round first (``select_for_update``), then the workstations in ascending id (through
``workstation_transition``). Casting a ballot locks the round too, so a close and a vote never interleave.
"""

import logging
import secrets
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from portal import crypto
from portal.models import User
from portal.notifications import notify
from portal.permissions import require_role
from portal.refusals import Refusal
from portal.roles import OrgKind, Role
from review import sealing
from review.models import (
    Ballot,
    Participation,
    Receipt,
    Recusal,
    ReviewRound,
    RoundCandidate,
    RoundEvent,
    RoundExpert,
    RoundKeyHolder,
    StagedBallot,
)
from review.records import canonical_json, freeze_record, result_record, sha256_hex, unopened_candidates
from review.rules import DECIDED_FAIL, DECIDED_PASS, NEEDS_DECISION, UNOPENED, BallotRule
from workstations.models import State, Workstation
from workstations.services.lifecycle import workstation_transition

logger = logging.getLogger(__name__)


class ReviewError(Refusal):
    """A review action that cannot be done now; ``problems`` say why, in the user's language."""

    def __init__(self, *problems: str):
        super().__init__(problems)


RULE_FIELDS = tuple(BallotRule.__dataclass_fields__)


def _lock(review_round: ReviewRound | int) -> ReviewRound:
    pk = review_round.pk if isinstance(review_round, ReviewRound) else review_round
    return ReviewRound.objects.select_for_update().select_related("panel").get(pk=pk)


def _require_draft(locked: ReviewRound) -> None:
    if not locked.is_draft:
        raise ReviewError(_("The round has been opened: its rule, experts and recusals are frozen."))


def _event(review_round, kind, actor: User, detail: str = "") -> None:
    RoundEvent.objects.create(round=review_round, kind=kind, actor=actor, detail=detail)


@transaction.atomic
def round_create(*, panel, title: str, actor: User, key_holders=None, closes_at=None, **rule) -> ReviewRound:
    """Art. 6(3): city staff create a review round for a panel; the rule is set before it opens."""
    require_role(actor, Role.CITY_STAFF)
    review_round = ReviewRound(panel=panel, title=title, created_by=actor, closes_at=closes_at)
    _apply_rule(review_round, rule)
    review_round.save()
    _set_key_holders(review_round, key_holders if key_holders is not None else default_key_holders(actor))
    _event(review_round, RoundEvent.Kind.CREATED, actor, title)
    return review_round


def default_key_holders(actor: User) -> list[User]:
    """Issue 13's default: the supervisor and two members of city staff (the creator and one colleague)."""
    supervisor = User.objects.filter(organisation__kind=OrgKind.DISCIPLINE_GROUP, is_active=True).order_by("pk")
    colleague = (
        User.objects.filter(organisation__kind=OrgKind.CITY_BUREAU, is_active=True).exclude(pk=actor.pk).order_by("pk")
    )
    return [u for u in (supervisor.first(), actor, colleague.first()) if u is not None]


def _set_key_holders(review_round: ReviewRound, holders) -> None:
    holders = list(dict.fromkeys(holders))
    problems = []
    for user in holders:
        if not (user.is_active and user.has_role(Role.CITY_STAFF, Role.SUPERVISOR)):
            problems.append(_("%(user)s cannot hold a key: only city staff and the supervisor can.") % {"user": user})
    if problems:
        raise ReviewError(*problems)
    review_round.key_holders.exclude(holder__in=holders).delete()
    for user in holders:
        RoundKeyHolder.objects.get_or_create(round=review_round, holder=user)


def key_holder_problems(review_round: ReviewRound) -> list[str]:
    """Why the key holders cannot guard the round's ballot box (checked when the round opens)."""
    holders = [kh.holder for kh in review_round.key_holders.select_related("holder")]
    found = []
    if len(holders) < review_round.key_threshold:
        found.append(
            _("The rule needs %(k)d key holders to open the ballots but only %(n)d are named.")
            % {"k": review_round.key_threshold, "n": len(holders)}
        )
    if not any(h.has_role(Role.SUPERVISOR) for h in holders):
        found.append(_("The supervisor must be one of the key holders: city staff alone cannot open the ballots."))
    return found


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
def round_update_rule(
    *, review_round: ReviewRound, actor: User, key_holders=None, closes_at=..., **rule
) -> ReviewRound:
    """Set the rule (with the key holders and the scheduled end) of a round that has not opened yet."""
    require_role(actor, Role.CITY_STAFF)
    locked = _lock(review_round)
    _require_draft(locked)
    _apply_rule(locked, rule)
    if closes_at is not ...:
        locked.closes_at = closes_at
    locked.save()
    if key_holders is not None:
        _set_key_holders(locked, key_holders)
    _event(locked, RoundEvent.Kind.RULE_SET, actor, "; ".join(locked.rule.describe()))
    return locked


@transaction.atomic
def round_set_candidates(*, review_round: ReviewRound, workstations, actor: User) -> ReviewRound:
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
def recusal_declare(*, review_round: ReviewRound, candidate, reason: str, actor: User) -> Recusal:
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
def recusal_record(*, review_round: ReviewRound, candidate, expert, reason: str, actor: User) -> Recusal:
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
def round_open(*, review_round: ReviewRound, actor: User) -> ReviewRound:
    """Art. 6(3): open the vote. Freezes the rule, the experts and the recusals, with a hash shown to the supervisor,
    and moves every candidate to ``under_review``."""
    require_role(actor, Role.CITY_STAFF)
    locked = _lock(review_round)
    _require_draft(locked)
    members = list(locked.panel.members.filter(is_active=True).order_by("pk"))
    candidates = list(locked.candidates.select_related("workstation").order_by("workstation_id"))
    problems = list(locked.rule.problems()) + key_holder_problems(locked)
    if not members:
        problems.append(_("The panel has no experts."))
    if not candidates:
        problems.append(_("The round has no candidates."))
    if problems:
        raise ReviewError(*problems)
    RoundExpert.objects.bulk_create([RoundExpert(round=locked, expert=m) for m in members])
    locked.recusals.exclude(expert__in=members).delete()
    _auto_flag_conflicts(locked, locked.panel.members.filter(pk__in=[m.pk for m in members]))
    recused: dict[int, int] = {}
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
    locked.public_key = _issue_shares(locked)
    locked.freeze_record = canonical_json(freeze_record(locked))
    locked.freeze_hash = sha256_hex(locked.freeze_record)
    locked.save()
    for cand in candidates:
        workstation_transition(workstation=cand.workstation_id, transition="start_review", actor=actor)
    _event(locked, RoundEvent.Kind.OPENED, actor, locked.freeze_hash)
    notify(
        recipients=[kh.holder for kh in locked.key_holders.select_related("holder")],
        message="review.key_share",
        params={"title": locked.title},
        url=reverse("review:key_share", args=[locked.pk]),
    )
    notify(
        recipients=members,
        message="review.open",
        params={"title": locked.title},
        url=reverse("review:round_detail", args=[locked.pk]),
    )
    return locked


@sensitive_variables("private_key", "shares")
def _issue_shares(locked: ReviewRound) -> bytes:
    """Make the round's key pair, split the private key among the key holders and forget it; returns the public key.

    Each share waits, encrypted with the portal's field key, until its holder takes it (once); then it is erased.
    """
    holders = list(locked.key_holders.order_by("pk"))
    private_key, public_key = sealing.new_round_key()
    shares = sealing.split_key(private_key, threshold=locked.key_threshold, holders=len(holders))
    del private_key
    for holder, (index, share) in zip(holders, shares, strict=True):
        holder.index = index
        holder.fingerprint = sealing.share_fingerprint(locked.pk, index, share)
        holder.pending_share = crypto.encrypt(sealing.share_code(locked.pk, index, share))
        holder.save(update_fields=["index", "fingerprint", "pending_share"])
    return public_key


@sensitive_variables("code")
def key_share_take(*, review_round: ReviewRound, actor: User) -> tuple[RoundKeyHolder, str]:
    """A key holder takes their share, once: the code is returned and the server's copy erased in the same step."""
    with transaction.atomic():
        locked = _lock(review_round)
        holder = locked.key_holders.select_for_update().filter(holder=actor).first()
        if holder is None:
            raise PermissionDenied(_("You are not a key holder of this round."))
        if not locked.is_open:
            raise ReviewError(_("Shares are handed out while the round is open."))
        if not holder.pending_share:
            raise ReviewError(_("You have already taken your share; the portal keeps no copy of it."))
        code = crypto.decrypt(holder.pending_share)
        holder.pending_share = ""
        holder.taken_at = timezone.now()
        holder.save(update_fields=["pending_share", "taken_at"])
        _event(locked, RoundEvent.Kind.SHARE, actor, _("share %(n)d") % {"n": holder.index})
        transaction.on_commit(lambda: _vacuum("review_roundkeyholder"))
    return holder, code


@sensitive_variables("shares", "parsed", "private_key")
def rebuild_key(review_round: ReviewRound, shares: list[str], *, need_supervisor: bool = True) -> bytes:
    """The round's private key from the typed share codes, in memory only. Refuses too few shares, a share that is
    not one of this round's, and (for the close) a set without the supervisor's share: staff alone cannot open."""
    parsed, owners, problems = [], [], []
    holders = {kh.fingerprint: kh for kh in review_round.key_holders.select_related("holder") if kh.fingerprint}
    for code in shares:
        if not code.strip():
            continue
        try:
            index, share = sealing.parse_share_code(review_round.pk, code)
        except sealing.BadShare:
            problems.append(_("A share code is mistyped or belongs to another round."))
            continue
        holder = holders.get(sealing.share_fingerprint(review_round.pk, index, share))
        if holder is None:
            problems.append(_("A share code is not one of this round's shares."))
            continue
        parsed.append((index, share))
        owners.append(holder.holder)
    if problems:
        raise ReviewError(*problems)
    if len({i for i, _s in parsed}) < review_round.key_threshold:
        raise ReviewError(
            _("The ballots open with %(k)d shares of different key holders; %(n)d were entered.")
            % {"k": review_round.key_threshold, "n": len({i for i, _s in parsed})}
        )
    if need_supervisor and not any(owner.has_role(Role.SUPERVISOR) for owner in owners):
        raise ReviewError(_("The supervisor's share is needed: city staff alone cannot open the ballots."))
    try:
        return sealing.combine_shares(list(dict(parsed).items()), bytes(review_round.public_key))
    except sealing.BadShare as exc:
        raise ReviewError(_("The shares do not open this round's ballot box.")) from exc


@dataclass
class CloseLine:
    candidate: RoundCandidate
    eligible: int
    cast: int
    needed: int
    outcome_without_opening: str  # "" when the ballots will be opened

    @property
    def reaches_quorum(self) -> bool:
        return not self.outcome_without_opening


@dataclass
class ClosePreview:
    lines: list[CloseLine]
    panel: int
    voters: int  # experts who cast at least one ballot
    missing: int  # (expert, candidate) pairs still to vote
    early: bool
    holders: list[RoundKeyHolder]


def round_close_preview(review_round: ReviewRound) -> ClosePreview:
    """What closing now would do, in numbers and names, for the confirmation page (issue 15 item 5)."""
    cast = dict(
        Participation.objects.filter(round=review_round)
        .values_list("candidate_id")
        .annotate(n=models.Count("id"))
        .values_list("candidate_id", "n")
    )
    unopened = unopened_candidates(review_round, cast)
    rule = review_round.rule
    from review.records import base_counts

    bases = base_counts(review_round)
    lines, missing = [], 0
    for cand in review_round.candidates.select_related("workstation").order_by("workstation_id"):
        base = bases[cand.pk]
        n = cast.get(cand.pk, 0)
        if not cand.voided:
            missing += max(base.eligible - n, 0)
        lines.append(
            CloseLine(
                candidate=cand,
                eligible=base.eligible,
                cast=n,
                needed=rule.quorum_needed(base.panel, base.eligible),
                outcome_without_opening=unopened.get(cand.pk, ""),
            )
        )
    panel = review_round.experts.count()
    voters = Participation.objects.filter(round=review_round).values("expert").distinct().count()
    scheduled = review_round.closes_at
    early = missing > 0 and (scheduled is None or timezone.now() < scheduled)
    return ClosePreview(
        lines=lines,
        panel=panel,
        voters=voters,
        missing=missing,
        early=early,
        holders=list(review_round.key_holders.select_related("holder").order_by("index", "pk")),
    )


@sensitive_variables("shares", "private_key", "opened", "rows")
def round_close(*, review_round: ReviewRound, actor: User, shares: list[str], reason: str = "") -> ReviewRound:
    """Art. 6(3): the key holders open the ballot box. Their shares rebuild the round's key in memory; the sealed
    ballots of each candidate that reached quorum are opened and counted; the anonymous final ballots (with fresh
    envelopes for the re-count) and the receipts are written in two shuffled orders with fresh ids, the staging rows
    deleted, and the key forgotten, all in this one transaction. Ballots of a candidate whose vote failed quorum or
    was voided are destroyed unopened.

    City staff perform it, always with the supervisor's share among at least ``key_threshold`` shares. A
    close before the scheduled end while experts still have to vote is an early close: it needs a reason, recorded
    for the supervisor. A failed quorum, too few eligible experts, a voided vote or a tie stays for a staff decision.
    """
    require_role(actor, Role.CITY_STAFF)
    with transaction.atomic():
        locked = _lock(review_round)
        if not locked.is_open:
            raise ReviewError(_("Only an open round can be closed."))
        preview = round_close_preview(locked)
        reason = (reason or "").strip()
        if preview.early and not reason:
            raise ReviewError(
                _("%(n)d ballots are still to be cast: closing now is an early close and needs a reason.")
                % {"n": preview.missing}
            )
        private_key = rebuild_key(locked, shares)
        staged = StagedBallot.objects.filter(candidate__round=locked)
        rows = list(staged.values_list("candidate_id", "envelope", "receipt_hash"))
        cast: dict[int, int] = {}
        for candidate_id, _envelope, _receipt in rows:
            cast[candidate_id] = cast.get(candidate_id, 0) + 1
        unopened = unopened_candidates(locked, cast)
        opened = []
        open_one = sealing.opener(private_key)
        for candidate_id, envelope, _receipt in rows:
            if candidate_id in unopened:
                continue
            try:
                choice = open_one(envelope, round_id=locked.pk, candidate_id=candidate_id)
            except sealing.BadEnvelope as exc:
                raise ReviewError(
                    _("A sealed ballot does not open with the round's key; the round stays open.")
                ) from exc
            opened.append((candidate_id, choice))
        del private_key, open_one
        public_key = sealing.SealedBox(sealing.PublicKey(bytes(locked.public_key)))
        rng = secrets.SystemRandom()
        rng.shuffle(opened)
        Ballot.objects.bulk_create(
            [
                Ballot(
                    id=uuid.uuid4(),
                    candidate_id=c,
                    choice=choice,
                    envelope=sealing.seal(public_key, round_id=locked.pk, candidate_id=c, choice=choice),
                )
                for c, choice in opened
            ]
        )
        receipts = [(receipt, candidate_id) for candidate_id, _envelope, receipt in rows]
        rng.shuffle(receipts)
        Receipt.objects.bulk_create(
            [Receipt(id=uuid.uuid4(), candidate_id=c, receipt_hash=receipt) for receipt, c in receipts]
        )
        staged.delete()
        transaction.on_commit(lambda: _vacuum("review_stagedballot"))
        locked.status = ReviewRound.Status.CLOSED
        locked.closed_at = timezone.now()
        locked.closed_by = actor
        locked.early_close_reason = reason if preview.early else ""
        record, counts, outcomes = result_record(locked, opened, receipts)
        del opened, rows
        locked.result_record = canonical_json(record)
        locked.result_hash = sha256_hex(locked.result_record)
        locked.save()
        candidates = list(locked.candidates.order_by("workstation_id"))
        for cand in candidates:
            c = counts[cand.pk]
            cand.panel_size, cand.eligible, cand.ballots_cast = c.panel, c.eligible, c.voted
            cand.approve, cand.disapprove, cand.abstain = c.approve, c.disapprove, c.abstain
            cand.outcome = outcomes[cand.pk]
            if cand.outcome in UNOPENED:
                cand.approve = cand.disapprove = cand.abstain = 0
        RoundCandidate.objects.bulk_update(
            candidates, ["panel_size", "eligible", "ballots_cast", "approve", "disapprove", "abstain", "outcome"]
        )
        for cand in candidates:
            if cand.outcome in DECIDED_PASS:
                workstation_transition(workstation=cand.workstation_id, transition="pass_review", actor=actor)
            elif cand.outcome in DECIDED_FAIL:
                workstation_transition(workstation=cand.workstation_id, transition="fail_review", actor=actor)
        if preview.early:
            _event(
                locked,
                RoundEvent.Kind.CLOSED_EARLY,
                actor,
                _("%(missing)d ballots still to be cast; reason: %(reason)s")
                % {"missing": preview.missing, "reason": reason},
            )
        _event(locked, RoundEvent.Kind.CLOSED, actor, locked.result_hash)
        supervisors = User.objects.filter(organisation__kind=OrgKind.DISCIPLINE_GROUP, is_active=True)
        notify(
            recipients=supervisors,
            message="review.closed_early" if preview.early else "review.closed",
            params={"title": locked.title},
            url=reverse("review:round_oversight", args=[locked.pk]),
        )
    return locked


@transaction.atomic
def round_delete(*, review_round: ReviewRound, actor: User) -> str:
    """Delete a round that never opened (an empty or mistaken one): no ballot, no frozen rule, no workstation moved.
    Its candidates are free for another round. Returns the title, for the message."""
    require_role(actor, Role.CITY_STAFF)
    locked = _lock(review_round)
    if not locked.is_draft:
        raise ReviewError(
            _("Only a round that has not been opened can be deleted; an opened round is part of the record.")
        )
    title = locked.title
    locked.recusals.all().delete()
    locked.key_holders.all().delete()
    locked.events.all().delete()
    locked.candidates.all().delete()
    locked.delete()
    return title


def _vacuum(table: str) -> None:
    """Reclaim deleted rows at once, so that their dead tuples do not linger on disk (ballot-secrecy.md): the staged
    envelopes after the close, the erased pending shares after a holder takes theirs.

    VACUUM cannot run inside a transaction; when the step was itself nested in one, autovacuum does it later.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {table}")
    except DatabaseError:
        logger.warning("could not vacuum %s; autovacuum will", table)


@transaction.atomic
def candidate_requeue(*, candidate: RoundCandidate, reason: str, actor: User) -> RoundCandidate:
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
