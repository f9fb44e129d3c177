"""Closing a review round (Art. 6(3)): what a close would do, the close itself with the key holders' shares, and
the staff's decision on a candidate the round left undecided.

Casting a ballot locks the round too, so a close and a vote never interleave.
"""

import secrets
import uuid
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from portal.models import User
from portal.notifications import notify
from portal.permissions import require_role
from portal.roles import OrgKind, Role
from review import sealing
from review.models import (
    Ballot,
    Participation,
    Receipt,
    ReviewRound,
    RoundCandidate,
    RoundEvent,
    RoundKeyHolder,
    StagedBallot,
)
from review.records import canonical_json, result_record, sha256_hex, unopened_candidates
from review.rules import DECIDED_FAIL, DECIDED_PASS, NEEDS_DECISION, UNOPENED
from review.services.base import ReviewError, _event, _lock, _vacuum
from review.services.keys import rebuild_key
from workstations.models import Workstation
from workstations.services.lifecycle import workstation_transition


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
        _insert_ballots(
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
        _update_counts(candidates)
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


COUNT_FIELDS = ("panel_size", "eligible", "ballots_cast", "approve", "disapprove", "abstain")


def _update_counts(candidates: list[RoundCandidate]) -> None:
    """Write every candidate's counts and outcome in one statement.

    ``bulk_update`` writes a ``CASE WHEN`` per field and row (seven fields × 100 candidates: a quarter of a second of
    building and planning inside the close); on PostgreSQL the values go as arrays joined through ``UNNEST``.
    """
    if connection.vendor != "postgresql" or not candidates:
        RoundCandidate.objects.bulk_update(candidates, [*COUNT_FIELDS, "outcome"])
        return
    table = RoundCandidate._meta.db_table
    sets = ", ".join(f"{f} = v.{f}" for f in (*COUNT_FIELDS, "outcome"))
    arrays = ", ".join(["%s::bigint[]", *["%s::integer[]"] * len(COUNT_FIELDS), "%s::varchar[]"])
    columns = ", ".join(["id", *COUNT_FIELDS, "outcome"])
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS c SET {sets} FROM UNNEST({arrays}) AS v({columns}) WHERE c.id = v.id",  # noqa: S608  # nosec B608
            [
                [c.pk for c in candidates],
                *[[getattr(c, f) for c in candidates] for f in COUNT_FIELDS],
                [c.outcome for c in candidates],
            ],
        )


def _insert_ballots(ballots: list[Ballot]) -> None:
    """Write the opened ballots in the (shuffled) order given, in one statement.

    Django's ``bulk_create`` writes a binary field as one placeholder per row (``VALUES`` with 20,000 parameters at
    5,000 ballots, most of a 2-second close in planning and Python); on PostgreSQL the rows go as four arrays through
    ``UNNEST``, the way ``bulk_create`` writes the receipts (issue 21). The statement's only interpolation is the
    model's own table name; every value is a parameter.
    """
    if connection.vendor != "postgresql" or not ballots:
        Ballot.objects.bulk_create(ballots)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Ballot._meta.db_table} (id, candidate_id, choice, envelope) "  # noqa: S608  # nosec B608
            "SELECT * FROM UNNEST(%s::uuid[], %s::bigint[], %s::varchar[], %s::bytea[])",
            [
                [b.id for b in ballots],
                [b.candidate_id for b in ballots],
                [b.choice for b in ballots],
                [bytes(b.envelope) for b in ballots],
            ],
        )


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
