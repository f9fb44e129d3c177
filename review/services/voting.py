"""Casting, checking and re-counting secret ballots (Art. 6(3) 无记名票决; docs/ballot-secrecy.md).

Nothing here logs, caches, messages or raises anything that carries a choice or a receipt code; the functions that
hold them are marked ``sensitive_variables`` so that Django's error reports leave them out.
"""

import base64
import hashlib
import secrets

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from portal.models import User
from portal.roles import Role
from review import sealing
from review.models import Participation, Receipt, ReviewRound, RoundCandidate, RoundEvent, StagedBallot
from review.records import RecountResult, recount
from review.rules import UNOPENED, Choice
from review.services.base import ReviewError
from review.services.keys import rebuild_key


class AlreadyVoted(ReviewError):
    def __init__(self):
        super().__init__(_("You have already cast your ballot on this candidate; a cast ballot cannot be changed."))


def new_receipt_code() -> str:
    """80 random bits as four groups of base32 letters and digits, e.g. ``K7QD-3MZA-PXW2-HN4F``."""
    raw = base64.b32encode(secrets.token_bytes(10)).decode("ascii")
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def normalise_receipt_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


@sensitive_variables("code")
def receipt_hash(round_id: int, expert_id: int, code: str) -> str:
    """Bound to the expert: another expert's code, typed in one's own session, matches nothing (issue 13)."""
    text = f"review-receipt:{round_id}:{expert_id}:{normalise_receipt_code(code)}"
    return hashlib.sha256(text.encode("ascii")).hexdigest()


# One statement takes the round's lock and reads what the cast needs of it; the candidate's round comes from a
# subquery (its round never changes). On PostgreSQL the lock is ``FOR SHARE``: the close, voiding, recusals after the
# opening and the key holders take ``FOR UPDATE`` and so wait for every ballot in flight, while ballots wait for
# nothing but each other's unique index (a second ballot of the same expert on the same candidate). Before issue 9
# each ballot took ``FOR UPDATE`` and a panel of 50 voting at once went one at a time (benchmarks/RESULTS.md).
_LOCK_ROUND = (
    "SELECT r.id, r.status, r.public_key FROM review_reviewround r "
    "WHERE r.id = (SELECT c.round_id FROM review_roundcandidate c WHERE c.id = %s)"
)
# Every other condition of a cast in one statement, run after the lock so that it reads what a close, a void or a
# recusal committed while the cast waited for it (READ COMMITTED: a new snapshot per statement).
_CAST_CONDITIONS = """
SELECT c.voided,
    EXISTS (SELECT 1 FROM review_roundexpert e WHERE e.round_id = c.round_id AND e.expert_id = %(expert)s),
    EXISTS (SELECT 1 FROM review_recusal x WHERE x.candidate_id = c.id AND x.expert_id = %(expert)s),
    EXISTS (SELECT 1 FROM review_roundkeyholder k WHERE k.round_id = c.round_id AND k.taken_at IS NULL),
    EXISTS (SELECT 1 FROM review_participation p WHERE p.candidate_id = c.id AND p.expert_id = %(expert)s)
FROM review_roundcandidate c WHERE c.id = %(candidate)s
"""


def _lock_round_shared(candidate_id: int) -> tuple[int, str, bytes]:
    """(id, status, public key) of the candidate's round, locked against a close until the cast commits."""
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_ROUND + (" FOR SHARE" if connection.vendor == "postgresql" else ""), [candidate_id])
        row = cursor.fetchone()
    if row is None:
        raise RoundCandidate.DoesNotExist("RoundCandidate matching query does not exist.")
    return row[0], row[1], bytes(row[2])


@sensitive_variables("choice", "code")
def ballot_cast(*, candidate: RoundCandidate | int, choice: str, actor: User) -> str:
    """Art. 6(3): the expert casts one secret ballot on a candidate; returns the receipt code, shown once.

    The round is locked first, so that the ballot and the participation are written together in one transaction
    and a close cannot slip in between. No proxy (the actor is the logged-in expert), no late voting, no second
    ballot: the second of two simultaneous requests waits on the unique index and is refused.

    Issue 21: four statements a cast (the lock, the conditions, two inserts), where there were eleven and a
    savepoint; the second send of a ballot stops after two.
    """
    if not actor.has_role(Role.EXPERT):
        raise PermissionDenied(_("Only experts of the round vote."))
    candidate_id = candidate.pk if isinstance(candidate, RoundCandidate) else candidate
    if choice not in Choice.values:
        raise ReviewError(_("Please choose approve, disapprove or abstain."))
    try:
        with transaction.atomic():
            round_id, status, public_key = _lock_round_shared(candidate_id)
            with connection.cursor() as cursor:
                cursor.execute(_CAST_CONDITIONS, {"expert": actor.pk, "candidate": candidate_id})
                voided, on_round, recused, keys_pending, voted = cursor.fetchone()
            if not on_round:
                raise PermissionDenied(_("You are not an expert of this round."))
            if recused:
                raise PermissionDenied(_("You are recused from this candidate."))
            if status != ReviewRound.Status.OPEN:
                raise ReviewError(_("Voting in this round is not open."))
            if voided:
                raise ReviewError(_("The vote on this candidate has been voided; a new round will decide it."))
            if keys_pending:
                raise ReviewError(_("Voting starts once every key holder has taken their share of the ballot box key."))
            if voted:
                raise AlreadyVoted()
            code = new_receipt_code()
            envelope = sealing.seal(public_key, round_id=round_id, candidate_id=candidate_id, choice=choice)
            Participation.objects.create(round_id=round_id, candidate_id=candidate_id, expert=actor)
            StagedBallot.objects.create(
                candidate_id=candidate_id, envelope=envelope, receipt_hash=receipt_hash(round_id, actor.pk, code)
            )
    except IntegrityError:  # the unique index refused a second ballot that passed the check at the same moment
        raise AlreadyVoted() from None
    return code


class ReceiptStatus:
    """What a receipt check tells its holder: inclusion, never content."""

    NOT_FOUND = "not_found"
    IN_BOX = "in_box"  # the round is open: the sealed ballot is in the box
    COUNTED = "counted"  # closed: opened and counted
    NOT_OPENED = "not_opened"  # closed: the candidate's vote failed quorum or was voided; nothing was opened

    def __init__(self, status: str, candidate: RoundCandidate | None = None):
        self.status, self.candidate = status, candidate


@sensitive_variables("code")
def receipt_check(*, review_round: ReviewRound, code: str, actor: User) -> ReceiptStatus:
    """An expert of the round, in their own session, checks that their sealed ballot is in the round (while open)
    and was counted (after the close). The choice is never shown; the hash is bound to the expert, so a code of
    another expert matches nothing and gives the same answer as a typo."""
    review_round = ReviewRound.objects.get(pk=review_round.pk)
    if not (actor.has_role(Role.EXPERT) and review_round.experts.filter(expert=actor).exists()):
        raise PermissionDenied(_("Only experts of the round can check a receipt."))
    if review_round.is_draft:
        raise ReviewError(_("Receipts can be checked once the round is open."))
    digest = receipt_hash(review_round.pk, actor.pk, code)
    model = StagedBallot if review_round.is_open else Receipt
    found = (
        model.objects.select_related("candidate__workstation")
        .filter(candidate__round=review_round, receipt_hash=digest)
        .first()
    )
    if found is None:
        return ReceiptStatus(ReceiptStatus.NOT_FOUND)
    if review_round.is_open:
        return ReceiptStatus(ReceiptStatus.IN_BOX, found.candidate)
    if found.candidate.outcome in UNOPENED:
        return ReceiptStatus(ReceiptStatus.NOT_OPENED, found.candidate)
    return ReceiptStatus(ReceiptStatus.COUNTED, found.candidate)


@sensitive_variables("shares", "private_key")
def round_recount(*, review_round: ReviewRound, actor: User | None, shares: list[str] | None = None) -> RecountResult:
    """The supervisor (or staff) re-counts a closed round and compares with its record. With the key holders' shares
    (at least the threshold) every stored envelope is opened again in memory; without, the stored ballots and
    receipts are checked against the record and its hash only."""
    if not (actor is None or actor.has_role(Role.SUPERVISOR, Role.CITY_STAFF)):
        raise PermissionDenied(_("Only the supervisor and city staff can re-count."))
    review_round = ReviewRound.objects.get(pk=review_round.pk)
    if not review_round.is_closed:
        raise ReviewError(_("Only a closed round can be re-counted."))
    private_key = rebuild_key(review_round, shares) if shares else None
    result = recount(review_round, private_key)
    del private_key
    detail = _("matches the record") if result.matches else _("DOES NOT match the record")
    if result.opened:
        detail = _("sealed ballots opened with the key holders' shares: %(detail)s") % {"detail": detail}
    RoundEvent.objects.create(
        round=review_round, kind=RoundEvent.Kind.RECOUNT, actor=actor, detail=f"{detail} ({result.recomputed_hash})"
    )
    return result
