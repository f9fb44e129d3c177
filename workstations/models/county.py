"""Art. 11(3), 12: the county bureau's own annual opinion or score of a workstation of its county.

"各县（市、区）也应建立健全相应的评审制度" — the county evaluates too, for its matching grants. One row per workstation
and year, revised in place by the county (each revision is in the audit trail). Written only by
``workstations.services.county``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.roles import CITY_WIDE_ROLES, Role


class CountyOpinionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """City staff, supervisors and admins all; a county bureau its own; a host unit those on its workstations."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.role in CITY_WIDE_ROLES:
            return self
        if user.role == Role.RECOMMENDER:
            return self.filter(county_id=user.organisation_id)
        if user.role == Role.HOST_UNIT:
            return self.filter(workstation__host_unit_id=user.organisation_id)
        return self.none()


class CountyOpinion(models.Model):
    workstation = models.ForeignKey(
        "workstations.Workstation",
        verbose_name=_("workstation"),
        on_delete=models.CASCADE,
        related_name="county_opinions",
    )
    county = models.ForeignKey(
        "portal.Organisation", verbose_name=_("county bureau"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    score = models.DecimalField(_("county score"), max_digits=5, decimal_places=1, null=True, blank=True)
    opinion = models.TextField(_("county opinion"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    # Art. 12: the city's numbers and the county's stricter rules in force when the opinion was recorded.
    measures_version = models.ForeignKey(
        "portal.MeasuresVersion",
        verbose_name=_("measures version applied"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    county_rule = models.ForeignKey(
        "portal.CountyRule",
        verbose_name=_("county rule applied"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CountyOpinionQuerySet.as_manager()

    class Meta:
        verbose_name = _("county opinion")
        verbose_name_plural = _("county opinions")
        ordering = ["workstation", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["workstation", "year"], name="county_opinion_one_per_year"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=100),
                name="county_opinion_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workstation_id} {self.year}"

    @property
    def measures(self):
        from portal.measures.selectors import measures_of

        return measures_of(self.measures_version, self.county_rule, self.recorded_at.date())

    @property
    def grade(self) -> str:
        """Art. 12: the grade (its label) the county's score earns with the bands that applied — the county's, where
        stricter than the city's. Empty without a score."""
        from workstations.models.evaluations import Grade

        if self.score is None:
            return ""
        values = self.measures.values
        for grade, key in ((Grade.EXCELLENT, "excellent_min"), (Grade.GOOD, "good_min"), (Grade.PASS, "pass_min")):
            if self.score >= values[key]:
                return str(grade.label)
        return str(Grade.FAIL.label)
