"""The term of a recognised workstation (Art. 11(1) 期满评估): one row per term, from certification on.

Certification opens the first term; a renewal decision after a passed end-of-term evaluation opens the next one with
a new three-year plan due (Art. 11(2)). A term that ends with no decision is flagged to city staff 90 and 30 days
before its last day and on the day (``TermFlag``, one row per threshold, so each flag goes out once). Rows are
written only by ``workstations.services.terms``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TermBasis(models.TextChoices):
    CERTIFICATION = "certification", _("Certification")
    RENEWAL = "renewal", _("Renewal after the end-of-term evaluation")


class TermOutcome(models.TextChoices):
    OPEN = "", _("Running")
    RENEWED = "renewed", _("Renewed")


class TermQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Whoever may see the workstation may see its terms (the public sees the current one in the directory)."""
        from workstations.models.lifecycle import Workstation

        return self.filter(workstation__in=Workstation.objects.visible_to(user).values("pk"))


class Term(models.Model):
    workstation = models.ForeignKey(
        "workstations.Workstation", verbose_name=_("workstation"), on_delete=models.CASCADE, related_name="terms"
    )
    number = models.PositiveSmallIntegerField(_("term number"))
    starts_on = models.DateField(_("term starts on"))
    ends_on = models.DateField(_("term ends on"))
    years = models.PositiveSmallIntegerField(_("term length (years)"))
    basis = models.CharField(_("basis"), max_length=20, choices=TermBasis.choices)
    # The decision that opened the term: the confirmation document or the renewal decision (office-assigned number).
    decision_reference = models.CharField(_("decision document"), max_length=60, blank=True)
    decided_on = models.DateField(_("decided on"))
    # For a renewal: the end-of-term result it rests on (a pass, or a fail whose rectification passed).
    evaluation_result = models.ForeignKey(
        "workstations.EvaluationResult",
        verbose_name=_("end-of-term evaluation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    plan_due_on = models.DateField(_("three-year plan due on"))
    measures_version = models.ForeignKey(
        "portal.MeasuresVersion",
        verbose_name=_("measures version applied"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=TermOutcome.choices, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["workstation", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["workstation", "number"], name="term_unique_number"),
            models.CheckConstraint(condition=models.Q(ends_on__gt=models.F("starts_on")), name="term_ends_after_start"),
        ]
        indexes = [models.Index(fields=["outcome", "ends_on"], name="term_open_ending")]

    def __str__(self) -> str:
        return f"{self.workstation_id} #{self.number}: {self.starts_on} – {self.ends_on}"


class TermFlag(models.Model):
    """A term nearing its end with no decision, flagged to staff once per threshold (90, 30, 0 days)."""

    term = models.ForeignKey(Term, verbose_name=_("term"), on_delete=models.CASCADE, related_name="flags")
    days_before = models.PositiveSmallIntegerField(_("days before the end"))
    flagged_on = models.DateField(_("flagged on"))

    class Meta:
        verbose_name = _("term flag")
        verbose_name_plural = _("term flags")
        ordering = ["term", "-days_before"]
        constraints = [models.UniqueConstraint(fields=["term", "days_before"], name="term_flag_once")]

    def __str__(self) -> str:
        return f"{self.term_id} −{self.days_before}"
