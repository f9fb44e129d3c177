"""Art. 11(3) "定期开展…工作成果评审，根据评审结果以奖代补": the host unit's self-evaluation (自评) and achievements
(工作成果申报) before a round is scored, and the round's grade cap and award bands. Written only by
``workstations.services.self_evaluation``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workstations.models.outcomes import OutcomeQuerySet


class RoundPolicy(models.Model):
    """A round's cap on 优秀 (e.g. at most 20 % of the results) and its award bands for excellent results:
    ``award_bands`` is a list of ``{"min_total": "95", "amount": "30000.00"}``; the highest band reached applies."""

    evaluation = models.OneToOneField(
        "workstations.Evaluation", verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="policy"
    )
    excellent_cap_percent = models.PositiveSmallIntegerField(
        _("at most this share excellent (%)"), null=True, blank=True
    )
    award_bands = models.JSONField(_("award bands"), default=list, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("set by"), on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        verbose_name = _("round policy")
        verbose_name_plural = _("round policies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(excellent_cap_percent__isnull=True) | models.Q(excellent_cap_percent__lte=100),
                name="round_policy_cap_percent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id}"


class SelfEvaluation(models.Model):
    """自评 and 工作成果申报 of one workstation in one round, filed before staff score it (then it is frozen)."""

    result = models.OneToOneField(
        "workstations.EvaluationResult",
        verbose_name=_("evaluation result"),
        on_delete=models.CASCADE,
        related_name="self_evaluation",
    )
    workstation = models.ForeignKey(
        "workstations.Workstation", verbose_name=_("workstation"), on_delete=models.CASCADE, related_name="+"
    )
    self_total = models.DecimalField(_("self-assessed total"), max_digits=5, decimal_places=1)
    summary = models.TextField(_("self-evaluation"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-evaluation")
        verbose_name_plural = _("self-evaluations")

    def __str__(self) -> str:
        return f"{self.result_id}"


class Achievement(models.Model):
    self_evaluation = models.ForeignKey(
        SelfEvaluation, verbose_name=_("self-evaluation"), on_delete=models.CASCADE, related_name="achievements"
    )
    title = models.CharField(_("achievement"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    evidence = models.ForeignKey(
        "portal.StoredFile", verbose_name=_("evidence"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title
