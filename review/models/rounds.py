"""Review rounds: the rule, the experts, the candidates, the recusals and the round's timeline (Art. 6(3)).

Everything a round decides is frozen when it opens: the services refuse to change the rule, the experts or the
recusals of a round that is not a draft, and ``freeze_hash`` (SHA-256 of the canonical freeze record) lets the
supervisor see that nothing moved.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.roles import Role
from review.rules import DECIDED_FAIL, DECIDED_PASS, NEEDS_DECISION, UNOPENED, BallotRule, Base, Comparison, Outcome


class RoundQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff and the supervisor see every round; an expert sees the rounds of its panels."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.role in (Role.CITY_STAFF, Role.SUPERVISOR):
            return self
        if user.role == Role.EXPERT:
            return self.filter(
                models.Q(status=ReviewRound.Status.DRAFT, panel__members=user) | models.Q(experts__expert=user)
            ).distinct()
        return self.none()


class ReviewRound(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        OPEN = "open", _("Open for voting")
        CLOSED = "closed", _("Closed")

    panel = models.ForeignKey("review.Panel", verbose_name=_("panel"), on_delete=models.PROTECT, related_name="rounds")
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    # The rule as data (SPEC §4); defaults follow the national rules for professional-title review panels.
    quorum_numerator = models.PositiveSmallIntegerField(_("quorum numerator"), default=2)
    quorum_denominator = models.PositiveSmallIntegerField(_("quorum denominator"), default=3)
    quorum_base = models.CharField(_("quorum taken of"), max_length=16, choices=Base.choices, default=Base.ELIGIBLE)
    quorum_comparison = models.CharField(
        _("quorum comparison"), max_length=16, choices=Comparison.choices, default=Comparison.AT_LEAST
    )
    pass_numerator = models.PositiveSmallIntegerField(_("pass numerator"), default=2)
    pass_denominator = models.PositiveSmallIntegerField(_("pass denominator"), default=3)
    pass_base = models.CharField(_("pass threshold taken of"), max_length=16, choices=Base.choices, default=Base.VOTED)
    pass_comparison = models.CharField(
        _("pass comparison"), max_length=16, choices=Comparison.choices, default=Comparison.AT_LEAST
    )
    abstentions_count = models.BooleanField(_("abstentions count as votes cast"), default=True)
    min_eligible = models.PositiveSmallIntegerField(_("minimum eligible experts per candidate"), default=5)
    places = models.PositiveSmallIntegerField(
        _("number of places"), null=True, blank=True, help_text=_("Leave empty when the places are not limited.")
    )
    key_threshold = models.PositiveSmallIntegerField(
        _("key holders needed to open the ballots"),
        default=2,
        help_text=_("How many of the key holders must enter their shares to close the round (at least 2)."),
    )
    closes_at = models.DateTimeField(
        _("voting scheduled to end at"),
        null=True,
        blank=True,
        help_text=_("Closing before this time while experts still have to vote is an early close and needs a reason."),
    )
    # The round's public key (X25519), made when it opens; the private key exists only in the key holders' shares.
    public_key = models.BinaryField(_("public key of the ballot box"), blank=True, default=b"")
    early_close_reason = models.TextField(_("why the round was closed early"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    freeze_record = models.TextField(_("freeze record"), blank=True)
    freeze_hash = models.CharField(_("freeze hash"), max_length=64, blank=True)
    result_record = models.TextField(_("result record"), blank=True)
    result_hash = models.CharField(_("result hash"), max_length=64, blank=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def rule(self) -> BallotRule:
        return BallotRule(
            quorum_numerator=self.quorum_numerator,
            quorum_denominator=self.quorum_denominator,
            quorum_base=self.quorum_base,
            quorum_comparison=self.quorum_comparison,
            pass_numerator=self.pass_numerator,
            pass_denominator=self.pass_denominator,
            pass_base=self.pass_base,
            pass_comparison=self.pass_comparison,
            abstentions_count=self.abstentions_count,
            min_eligible=self.min_eligible,
            places=self.places,
            key_threshold=self.key_threshold,
        )

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class RoundExpert(models.Model):
    """An expert of the round, copied from the panel when the round opens (frozen from then on)."""

    round = models.ForeignKey(ReviewRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="experts")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="review_seats"
    )

    class Meta:
        verbose_name = _("expert of a round")
        verbose_name_plural = _("experts of a round")
        constraints = [models.UniqueConstraint(fields=["round", "expert"], name="review_roundexpert_unique")]

    def __str__(self) -> str:
        return str(self.expert)


class RoundCandidate(models.Model):
    """A recommended workstation put to the vote in a round, with its counts once the round is closed."""

    round = models.ForeignKey(ReviewRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="candidates")
    workstation = models.ForeignKey(
        "workstations.Workstation",
        verbose_name=_("workstation"),
        on_delete=models.PROTECT,
        related_name="review_candidacies",
    )
    voided = models.BooleanField(_("vote voided"), default=False)
    # Sealed ballots received on the candidate: the attendance count, public to staff and the supervisor.
    ballots_cast = models.PositiveSmallIntegerField(_("ballots cast"), default=0)
    void_reason = models.TextField(_("why the vote was voided"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=24, choices=Outcome.choices, default=Outcome.PENDING)
    panel_size = models.PositiveSmallIntegerField(_("experts of the round"), default=0)
    eligible = models.PositiveSmallIntegerField(_("eligible experts"), default=0)
    approve = models.PositiveSmallIntegerField(_("approve"), default=0)
    disapprove = models.PositiveSmallIntegerField(_("disapprove"), default=0)
    abstain = models.PositiveSmallIntegerField(_("abstain"), default=0)
    # The staff decision on an outcome that needed one (a new round): when and why.
    requeued_at = models.DateTimeField(_("sent to a new round at"), null=True, blank=True)
    requeue_reason = models.TextField(_("why sent to a new round"), blank=True)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["round", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "workstation"], name="review_candidate_unique")]

    def __str__(self) -> str:
        return str(self.workstation)

    @property
    def voted(self) -> int:
        return self.ballots_cast

    @property
    def counts_shown(self) -> bool:
        """Counts of a candidate whose vote failed quorum, was voided or lacked experts were never opened: no counts
        are shown to anyone (issue 13)."""
        return self.round.status == ReviewRound.Status.CLOSED and self.outcome not in UNOPENED

    @property
    def review_decision(self) -> str:
        """Pass or fail once a closed round decided this candidate, empty otherwise.

        Read by workstations.rules.conditions.
        """
        if self.round.status != ReviewRound.Status.CLOSED:
            return ""
        if self.outcome in DECIDED_PASS:
            return "pass"
        if self.outcome in DECIDED_FAIL:
            return "fail"
        return ""

    @property
    def in_open_round(self) -> bool:
        return self.round.status == ReviewRound.Status.OPEN

    @property
    def needs_decision(self) -> bool:
        return (
            self.round.status == ReviewRound.Status.CLOSED and self.outcome in NEEDS_DECISION and not self.requeued_at
        )


class Recusal(models.Model):
    """A conflict of interest (回避): the expert does not see the candidate's ballot form and leaves its base."""

    class Source(models.TextChoices):
        DECLARED = "declared", _("Declared by the expert")
        STAFF = "staff", _("Recorded by staff")
        AUTO = "auto", _("Flagged automatically (the expert works for the host unit)")

    round = models.ForeignKey(ReviewRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="recusals")
    candidate = models.ForeignKey(
        RoundCandidate, verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="recusals"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="review_recusals"
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    reason = models.TextField(_("reason"), blank=True)
    # Found after the round opened: the candidate's vote is void and a new round decides (SPEC §4).
    after_opening = models.BooleanField(_("found after opening"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")
        ordering = ["round", "candidate", "expert"]
        constraints = [models.UniqueConstraint(fields=["candidate", "expert"], name="review_recusal_unique")]

    def __str__(self) -> str:
        return f"{self.expert} / {self.candidate}"


class RoundEvent(models.Model):
    """The round's timeline for the supervisor. Never records a ballot or a vote: only procedural steps."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Round created")
        RULE_SET = "rule_set", _("Rule set")
        CANDIDATES = "candidates", _("Candidates changed")
        RECUSAL = "recusal", _("Conflict of interest recorded")
        OPENED = "opened", _("Round opened; rule, experts and recusals frozen")
        VOIDED = "voided", _("Candidate's vote voided")
        SHARE = "share", _("Key holder took their share")
        CLOSED = "closed", _("Round closed and tallied")
        CLOSED_EARLY = "closed_early", _("Round closed early")
        REQUEUED = "requeued", _("Candidate sent to a new round")
        RECOUNT = "recount", _("Re-count")

    round = models.ForeignKey(ReviewRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        verbose_name = _("round event")
        verbose_name_plural = _("round events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.kind}"


class RoundKeyHolder(models.Model):
    """A person who holds a share of the round's private key (issue 13). Part of the frozen rule.

    When the round opens the holder gets an index and a share, kept encrypted here only until the holder takes it
    (once: a printable code and a download); then it is erased. The fingerprint (a hash of the 256-bit share) lets
    the close tell whose share was typed; it does not help anyone rebuild the share.
    """

    round = models.ForeignKey(
        ReviewRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="key_holders"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("key holder"), on_delete=models.PROTECT, related_name="+"
    )
    index = models.PositiveSmallIntegerField(_("share number"), null=True, blank=True)
    fingerprint = models.CharField(_("share fingerprint"), max_length=64, blank=True)
    pending_share = models.TextField(_("share waiting to be taken"), blank=True)
    taken_at = models.DateTimeField(_("share taken at"), null=True, blank=True)

    class Meta:
        verbose_name = _("key holder")
        verbose_name_plural = _("key holders")
        ordering = ["round", "index", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "holder"], name="review_keyholder_unique")]

    def __str__(self) -> str:
        return str(self.holder)
