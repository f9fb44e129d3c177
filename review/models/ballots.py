"""Participation and ballots, stored apart with no link between them (Art. 6(3) 无记名票决; docs/ballot-secrecy.md).

- ``Participation`` says that an expert voted on a candidate. It never says how.
- ``StagedBallot`` holds a *sealed* ballot while the round is open: an envelope encrypted to the round's public key
  (``review.sealing``), never a choice. It is written in the same transaction as the participation and so can be
  joined to it (xmin, WAL): that is why it holds nothing that opens without the key holders' shares.
- At the close the key holders' shares open the envelopes in memory; ``Ballot`` rows (choice and a fresh envelope of
  it, for the re-count) and ``Receipt`` rows (which receipt was counted) are written in two independently shuffled
  orders with fresh ids in the closing transaction, and the staging rows are deleted. Ballots of a candidate whose
  vote failed quorum or was voided are never opened.

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

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(self.id)[:8]


class StagedBallot(_BallotFields):
    """A sealed ballot of a round that is still open (a libsodium sealed box of fixed length). Emptied at the close."""

    envelope = models.BinaryField(_("sealed envelope"))
    # SHA-256 of the round, the expert and the receipt code the expert was shown once; the code is never stored.
    receipt_hash = models.CharField(_("receipt hash"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("sealed ballot")
        verbose_name_plural = _("sealed ballots")


class Ballot(_BallotFields):
    """An opened, counted ballot of a closed round, anonymous, with a fresh envelope of it for the re-count."""

    choice = models.CharField(_("choice"), max_length=16, choices=Choice.choices)
    envelope = models.BinaryField(_("sealed envelope"))

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")


class Receipt(_BallotFields):
    """A receipt hash whose sealed ballot reached the close, for the expert's inclusion check. No choice."""

    receipt_hash = models.CharField(_("receipt hash"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
