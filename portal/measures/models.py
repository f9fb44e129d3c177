"""The measures' numbers as data (issue 18 part 6): versions entered by the city bureau, county rules (Art. 12).

平人社办〔2024〕44号 is 试行 (Art. 14, "自下发之日起试行"): the bureau will revise its numbers. A version is a full copy
of every parameter (``portal.measures.params``) with the day it takes effect and the document that changed it; once
entered it is never edited (a correction is a new version). Each decision records the version it used, so a later
version never rewrites a past decision. A county bureau may add stricter rules for its own matching grants and
evaluations (Art. 12 "可根据本办法，结合本地实际情况，制定具体的实施管理办法及细则").
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.roles import OrgKind, Role


class MeasuresVersionQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_authenticated and user.is_active and user.role in (Role.CITY_STAFF, Role.SUPERVISOR):
            return self
        return self.none()


class MeasuresVersion(models.Model):
    number = models.PositiveSmallIntegerField(_("version"), unique=True)
    effective_on = models.DateField(_("in force from"), unique=True)
    document_number = models.CharField(_("document number"), max_length=40)
    document_title = models.CharField(_("document title"), max_length=200)
    values = models.JSONField(_("parameters"))
    note = models.TextField(_("what changed and why"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"))

    objects = MeasuresVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("version of the measures")
        verbose_name_plural = _("versions of the measures")
        ordering = ["-effective_on", "-number"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        from django.utils.translation import gettext

        return gettext("Version %(n)d (%(doc)s)") % {"n": self.number, "doc": self.document_number}


class CountyRuleQuerySet(models.QuerySet):
    def visible_to(self, user):
        """City staff and supervisors read every county's rules; a county clerk only its own county's."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.role in (Role.CITY_STAFF, Role.SUPERVISOR):
            return self
        if user.role == Role.RECOMMENDER and user.organisation and user.organisation.kind == OrgKind.COUNTY_BUREAU:
            return self.filter(county_id=user.organisation_id)
        return self.none()


class CountyRule(models.Model):
    """Art. 12: one version of a county bureau's stricter rules; the newest in force replaces the county's earlier
    ones. ``values`` holds only what the county tightens (``params.COUNTY_KEYS`` and ``matching_min_grade``)."""

    county = models.ForeignKey(
        "portal.Organisation",
        verbose_name=_("county bureau"),
        on_delete=models.PROTECT,
        related_name="measures_rules",
        limit_choices_to={"kind": OrgKind.COUNTY_BUREAU},
    )
    number = models.PositiveSmallIntegerField(_("version"))
    effective_on = models.DateField(_("in force from"))
    document_number = models.CharField(_("document number"), max_length=40)
    document_title = models.CharField(_("document title"), max_length=200)
    values = models.JSONField(_("stricter rules"))
    note = models.TextField(_("what changed and why"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered at"))

    objects = CountyRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("county rule")
        verbose_name_plural = _("county rules")
        ordering = ["county", "-effective_on", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["county", "number"], name="county_rule_unique_number"),
            models.UniqueConstraint(fields=["county", "effective_on"], name="county_rule_unique_day"),
            models.CheckConstraint(condition=~Q(document_number=""), name="county_rule_has_document"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        from django.utils.translation import gettext

        return gettext("%(county)s rules, version %(n)d (%(doc)s)") % {
            "county": self.county.display_short,
            "n": self.number,
            "doc": self.document_number,
        }
