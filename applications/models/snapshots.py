"""What was declared: a frozen copy of the application at each submission, and the city's qualification check.

``ApplicationSnapshot.data`` holds the application, its team (each mentor with the history row of the version that
was declared), its staff and the exact stored version of each material. Phone and ID numbers are kept masked only,
as every page shows them (the full numbers stay in the encrypted mentor records and their history).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.uploads import StoredFile, _private_storage


class ApplicationSnapshot(models.Model):
    application = models.ForeignKey(
        "applications.Application", verbose_name=_("application"), on_delete=models.CASCADE, related_name="snapshots"
    )
    version = models.PositiveSmallIntegerField(_("version"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    data = models.JSONField(_("declared data"))
    # The 申报表 of this version, rendered once and stored like an issued document (issue 19 item 8).
    pdf = models.FileField(_("PDF"), storage=_private_storage, upload_to="application-forms/%Y/", blank=True)

    class Meta:
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        ordering = ["application", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["application", "version"], name="snapshot_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} v{self.version}"

    def file_ids(self) -> set[int]:
        return {m["file_id"] for m in self.data.get("materials", [])} | (
            {self.data["recommendation_letter_id"]} if self.data.get("recommendation_letter_id") else set()
        )


class SiteVisit(models.Model):
    """实地考察: the city's visit to a candidate's site during the qualification check."""

    application = models.ForeignKey(
        "applications.Application", verbose_name=_("application"), on_delete=models.CASCADE, related_name="site_visits"
    )
    visited_on = models.DateField(_("visited on"))
    people = models.CharField(_("visited by"), max_length=300, help_text=_("Names of the staff who visited."))
    findings = models.TextField(_("findings"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("site visit")
        verbose_name_plural = _("site visits")
        ordering = ["application", "-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.visited_on}"


class SiteVisitPhoto(models.Model):
    visit = models.ForeignKey(SiteVisit, verbose_name=_("site visit"), on_delete=models.CASCADE, related_name="photos")
    file = models.OneToOneField(StoredFile, verbose_name=_("file"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("site visit photo")
        verbose_name_plural = _("site visit photos")
        ordering = ["visit", "id"]

    def __str__(self) -> str:
        return f"{self.visit_id}: {self.file_id}"
