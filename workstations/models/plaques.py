"""Art. 6(5): the uniform plaque (统一规格牌匾) of a recognised workstation, its handover and its removal.

One plaque per workstation: numbered when it is made (certified), handed over to the host unit (→ ``active``),
and removed on exit (Art. 11(4)). Writes are in ``workstations.services.plaques``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.uploads import _private_storage  # the migrations name it through this module

PLAQUE_SERIES = "plaque"


def format_plaque_number(year: int, seq: int) -> str:
    """平创导2026-001 by default: ``settings.PLAQUE_NUMBER_FORMAT`` with {year} and {seq}, per year of issue.

    The scheme is the bureau's to confirm (docs/decisions.md, issue 17), hence a setting rather than a literal.
    """
    return settings.PLAQUE_NUMBER_FORMAT.format(year=int(year), seq=int(seq))


class PlaqueQuerySet(models.QuerySet):
    def visible_to(self, user):
        from workstations.models.lifecycle import Workstation

        return self.filter(workstation__in=Workstation.objects.visible_to(user))


class Plaque(models.Model):
    workstation = models.OneToOneField(
        "workstations.Workstation", verbose_name=_("workstation"), on_delete=models.PROTECT, related_name="plaque"
    )
    number = models.CharField(_("plaque number"), max_length=40, unique=True)
    # The name as engraved (Art. 6(5) naming rule at the time of issue); it does not change with later edits.
    name = models.CharField(_("name on the plaque"), max_length=120)
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    pdf = models.FileField(_("plaque PDF"), storage=_private_storage, upload_to="plaques/%Y/", blank=True)
    handed_over_to = models.CharField(_("received by"), max_length=100, blank=True)
    handed_over_on = models.DateField(_("handed over on"), null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("removed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    removal_reason = models.TextField(_("reason for removal"), blank=True)

    objects = PlaqueQuerySet.as_manager()

    class Meta:
        verbose_name = _("plaque")
        verbose_name_plural = _("plaques")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def is_handed_over(self) -> bool:
        return self.handed_over_on is not None

    @property
    def is_removed(self) -> bool:
        return self.removed_on is not None


class PlaqueHandOverCorrection(models.Model):
    """A correction of a recorded handover (Art. 6(5)): the plaque shows the corrected facts, this row keeps what was
    recorded before, what replaced it, who corrected it and why. Rows are never changed or deleted."""

    plaque = models.ForeignKey(
        Plaque, verbose_name=_("plaque"), on_delete=models.PROTECT, related_name="hand_over_corrections"
    )
    previous_to = models.CharField(_("received by (as recorded)"), max_length=100)
    previous_on = models.DateField(_("handed over on (as recorded)"))
    corrected_to = models.CharField(_("received by (corrected)"), max_length=100)
    corrected_on = models.DateField(_("handed over on (corrected)"))
    reason = models.TextField(_("reason for the correction"))
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("corrected by"), on_delete=models.PROTECT, related_name="+"
    )
    corrected_at = models.DateTimeField(_("corrected at"), auto_now_add=True)

    class Meta:
        verbose_name = _("handover correction")
        verbose_name_plural = _("handover corrections")
        ordering = ["plaque", "corrected_at", "id"]

    def __str__(self) -> str:
        return f"{self.plaque_id}: {self.previous_on} → {self.corrected_on}"
