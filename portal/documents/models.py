"""Per-year counters and the official documents the city bureau issues."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.uploads import _private_storage  # the migrations name it through this module


class DocumentCounter(models.Model):
    """The last number used in a series for a year; locked with ``select_for_update`` while a number is taken."""

    series = models.CharField(_("series"), max_length=32)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("number counter")
        verbose_name_plural = _("number counters")
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="unique_counter_series_year")]

    def __str__(self) -> str:
        return f"{self.series} {self.year}: {self.last}"


class OfficialDocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Documents are public once issued (the confirmation list is published); their PDF is served by views."""
        return self

    def of_kind(self, kind: str):
        return self.filter(kind=kind)


class OfficialDocument(models.Model):
    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Confirmation of recognition")
        DEREGISTRATION = "deregistration", _("Deregistration")
        REVOCATION = "revocation", _("Revocation")

    number = models.CharField(_("document number"), max_length=40, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    seq = models.PositiveIntegerField(_("sequence number"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    addressees = models.CharField(_("addressees"), max_length=300)
    # What the body says: {"paragraphs": [...], "table": {"columns": [...], "rows": [[...]]}, "closing": [...]}.
    body = models.JSONField(_("body"), default=dict)
    issuer = models.CharField(_("issuing authority"), max_length=100)
    issued_on = models.DateField(_("issued on"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    pdf = models.FileField(_("PDF"), storage=_private_storage, upload_to="documents/%Y/", blank=True)

    objects = OfficialDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("official document")
        verbose_name_plural = _("official documents")
        ordering = ["-year", "-seq"]
        constraints = [models.UniqueConstraint(fields=["year", "seq"], name="unique_document_year_seq")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"
