"""Evaluations (Art. 11(1), 11(3)) and rectification with a deadline (Art. 11(4)2).

An ``Evaluation`` is one round run by the city bureau for a year (annual, or end-of-term for workstations whose
three-year term ends that year), with its rubric. Each workstation in the round gets one ``EvaluationResult``.
A 不合格 result, when the round is closed, opens a ``Rectification`` and moves the workstation to ``rectifying``.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.roles import CITY_WIDE_ROLES
from workstations.models.outcomes import OutcomeQuerySet
from workstations.rules.compliance import periods_assessed


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class EvaluationKind(models.TextChoices):
    ANNUAL = "annual", _("Annual evaluation")
    END_OF_TERM = "end_of_term", _("End-of-term evaluation")


class EvaluationQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_authenticated and user.role in CITY_WIDE_ROLES:
            return self
        return self.none()


class Evaluation(models.Model):
    """One evaluation round. ``rubric`` is a list of items ``{"key", "label", "max", "auto"}``; ``auto`` names the
    Art. 10 requirement whose compliance fills the item in, or is empty for items scored by staff."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    year = models.PositiveSmallIntegerField(_("year evaluated"))
    kind = models.CharField(_("kind"), max_length=20, choices=EvaluationKind.choices, default=EvaluationKind.ANNUAL)
    title = models.CharField(_("title"), max_length=120)
    rubric = models.JSONField(_("rubric"))
    excellent_min = models.DecimalField(_("excellent from"), max_digits=5, decimal_places=1, default=Decimal("90"))
    good_min = models.DecimalField(_("good from"), max_digits=5, decimal_places=1, default=Decimal("80"))
    pass_min = models.DecimalField(_("pass from"), max_digits=5, decimal_places=1, default=Decimal("60"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"))
    # An evaluation of a year opens after the year ends; earlier only with the reason staff confirmed (issue 15).
    early_reason = models.TextField(_("reason for evaluating before the year ended"), blank=True)
    # Operating workstations in scope that are not graded, with the reason in words: [{"workstation", "name",
    # "reason"}] (recognised too late for any period of the year to have applied and ended).
    not_graded = models.JSONField(_("not graded"), default=list, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    measures_version = models.ForeignKey(
        "portal.MeasuresVersion",
        verbose_name=_("measures version applied"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-year", "kind"]
        constraints = [models.UniqueConstraint(fields=["year", "kind"], name="evaluation_unique_year_kind")]

    def __str__(self) -> str:
        return self.title

    @property
    def max_total(self) -> int:
        return sum(int(item["max"]) for item in self.rubric)

    def grade_for(self, total: Decimal) -> str:
        if total >= self.excellent_min:
            return Grade.EXCELLENT
        if total >= self.good_min:
            return Grade.GOOD
        if total >= self.pass_min:
            return Grade.PASS
        return Grade.FAIL


class EvaluationResult(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="results")
    workstation = models.ForeignKey(
        "workstations.Workstation",
        verbose_name=_("workstation"),
        on_delete=models.CASCADE,
        related_name="evaluation_results",
    )
    # {rubric key: "12.5"} — automatic items are filled when the round opens and refreshed when scored.
    scores = models.JSONField(_("scores"), default=dict)
    # The compliance counts behind the automatic items, as shown to staff: {key: {"met": n, "of": m}}.
    compliance = models.JSONField(_("compliance"), default=dict)
    total = models.DecimalField(_("total score"), max_digits=5, decimal_places=1, null=True, blank=True)
    # The points that applied (the rubric's total less automatic items with no ended, applicable period) and the
    # points scored on them; ``total`` is ``raw`` scaled to the rubric's total when ``base`` is smaller.
    base = models.PositiveSmallIntegerField(_("points that applied"), null=True, blank=True)
    raw = models.DecimalField(_("points scored"), max_digits=5, decimal_places=1, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    # Art. 11(3) 以奖代补: recorded here; the subsidies ledger entry is made when that app is linked.
    award_recommended = models.BooleanField(_("award in lieu of subsidy recommended"), default=False)
    award_amount = models.DecimalField(_("award amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scored by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    measures_version = models.ForeignKey(
        "portal.MeasuresVersion",
        verbose_name=_("measures version applied"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation result")
        verbose_name_plural = _("evaluation results")
        ordering = ["evaluation", "workstation_id"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "workstation"], name="evaluation_result_unique")]

    def __str__(self) -> str:
        return f"{self.evaluation_id}/{self.workstation_id}: {self.grade}"

    @property
    def is_scaled(self) -> bool:
        return self.base is not None and self.base < self.evaluation.max_total

    @property
    def left_out(self) -> list[str]:
        """Labels of the automatic items that left the base (no period of them applied and ended)."""
        return [
            item["label"]
            for item in self.evaluation.rubric
            if item.get("auto")
            and item["key"] in self.compliance
            and not periods_assessed(self.compliance[item["key"]])
        ]


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("Rectifying")
    REPORTED = "reported", _("Report filed, awaiting re-evaluation")
    PASSED = "passed", _("Passed re-evaluation")
    FAILED = "failed", _("Failed re-evaluation")
    MISSED = "missed", _("Deadline missed")


RECTIFICATION_PENDING = (RectificationStatus.OPEN, RectificationStatus.REPORTED)
RECTIFICATION_EXIT_GROUNDS = (RectificationStatus.FAILED, RectificationStatus.MISSED)


class Rectification(models.Model):
    """Art. 11(4)2: 限期整改 — a deadline to fix what a failed evaluation found."""

    workstation = models.ForeignKey(
        "workstations.Workstation",
        verbose_name=_("workstation"),
        on_delete=models.CASCADE,
        related_name="rectifications",
    )
    result = models.ForeignKey(
        EvaluationResult,
        verbose_name=_("evaluation result"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rectifications",
    )
    reason = models.TextField(_("what must be rectified"))
    ordered_on = models.DateField(_("ordered on"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    report_text = models.TextField(_("rectification report"), blank=True)
    report_file = models.ForeignKey(
        "portal.StoredFile",
        verbose_name=_("report file"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("report filed at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("re-evaluation remarks"), blank=True)
    measures_version = models.ForeignKey(
        "portal.MeasuresVersion",
        verbose_name=_("measures version applied"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["-ordered_on", "-id"]
        constraints = [
            # At most one pending rectification per workstation.
            models.UniqueConstraint(
                fields=["workstation"],
                condition=models.Q(status__in=["open", "reported"]),
                name="rectification_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.workstation_id} → {self.deadline}"

    @property
    def is_pending(self) -> bool:
        return self.status in RECTIFICATION_PENDING
