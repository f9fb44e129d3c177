"""Issue 21 item 1: one summary row per workstation and year for the Art. 10 compliance board's totals and the city
staff home's missed-consultation count (``workstations.services.compliance_summary`` keeps them,
``workstations.selectors.compliance_summary`` reads them).

Each row holds, for the six cells of the year (four quarterly consultations, the themed activities, the backbone staff
trained), what the cell asks (``need``, from ``compliance.required``) and the accepted activity counted (``count``; for
training the distinct people of the year). The status is not stored: it depends on today.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplianceSummary(models.Model):
    workstation = models.ForeignKey(
        "workstations.Workstation",
        verbose_name=_("workstation"),
        on_delete=models.CASCADE,
        related_name="compliance_summaries",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    need_q1 = models.PositiveSmallIntegerField(default=0)
    need_q2 = models.PositiveSmallIntegerField(default=0)
    need_q3 = models.PositiveSmallIntegerField(default=0)
    need_q4 = models.PositiveSmallIntegerField(default=0)
    need_themed = models.PositiveSmallIntegerField(default=0)
    need_training = models.PositiveSmallIntegerField(default=0)
    count_q1 = models.PositiveIntegerField(default=0)
    count_q2 = models.PositiveIntegerField(default=0)
    count_q3 = models.PositiveIntegerField(default=0)
    count_q4 = models.PositiveIntegerField(default=0)
    count_themed = models.PositiveIntegerField(default=0)
    count_training = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("compliance summary")
        verbose_name_plural = _("compliance summaries")
        constraints = [
            models.UniqueConstraint(fields=["year", "workstation"], name="compliance_summary_year_workstation"),
        ]

    def __str__(self) -> str:
        return f"{self.workstation_id}: {self.year}"
