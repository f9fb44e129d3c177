"""What every write of the review stage shares: the refusal, the round's lock, its event log, the vacuum after
deleting secrets. Lock order, everywhere: the round first (``select_for_update``), then the workstations in ascending
id (through ``workstation_transition``)."""

import logging

from django.db import DatabaseError, connection
from django.utils.translation import gettext as _

from portal.models import User
from portal.refusals import Refusal
from review.models import ReviewRound, RoundEvent

logger = logging.getLogger(__name__)


class ReviewError(Refusal):
    """A review action that cannot be done now; ``problems`` say why, in the user's language."""

    def __init__(self, *problems: str):
        super().__init__(problems)


def _lock(review_round: ReviewRound | int) -> ReviewRound:
    pk = review_round.pk if isinstance(review_round, ReviewRound) else review_round
    return ReviewRound.objects.select_for_update().select_related("panel").get(pk=pk)


def _require_draft(locked: ReviewRound) -> None:
    if not locked.is_draft:
        raise ReviewError(_("The round has been opened: its rule, experts and recusals are frozen."))


def _event(review_round, kind, actor: User, detail: str = "") -> None:
    RoundEvent.objects.create(round=review_round, kind=kind, actor=actor, detail=detail)


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
