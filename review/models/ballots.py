"""Participation and ballots, stored apart with no link between them (Art. 6(3) 无记名票决; docs/ballot-secrecy.md).

- ``Participation`` says that an expert voted on a candidate. It never says how.
- ``StagedBallot`` holds a choice while the round is open; ``Ballot`` holds it after the close, copied in a shuffled
  order with fresh ids, and the staging rows are deleted in the same transaction.

Neither ballot model has a relation to users, experts or participation, a date, time or address field, a sequential
or time-ordered key (uuid4 only) or a default ordering, and neither is registered in the admin or with
django-simple-history. ``tests/review/test_schema.py`` keeps it so.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from review.rules import Choice


class Participation(models.Model):
    """ "Expert X voted on candidate Y in round R", once: the unique constraint refuses a second ballot."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(
        "review.ReviewRound", verbose_name=_("round"), on_delete=models.PROTECT, related_name="participations"
    )
    candidate = models.ForeignKey(
        "review.RoundCandidate", verbose_name=_("candidate"), on_delete=models.PROTECT, related_name="participations"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(fields=["candidate", "expert"], name="review_participation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.expert_id} @ {self.candidate_id}"


class _BallotFields(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    candidate = models.ForeignKey(
        "review.RoundCandidate", verbose_name=_("candidate"), on_delete=models.PROTECT, related_name="+"
    )
    choice = models.CharField(_("choice"), max_length=16, choices=Choice.choices)
    # SHA-256 of the round and the receipt code the expert was shown once; the code itself is never stored.
    receipt_hash = models.CharField(_("receipt hash"), max_length=64, unique=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.receipt_hash[:12]


class StagedBallot(_BallotFields):
    """A ballot of a round that is still open. Emptied when the round closes."""

    class Meta:
        verbose_name = _("staged ballot")
        verbose_name_plural = _("staged ballots")


class Ballot(_BallotFields):
    """A counted ballot of a closed round."""

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
