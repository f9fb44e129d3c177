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


class DocumentNumber(models.Model):
    """A number the bureau's office (OA) assigned, as a member of staff entered it: 平人社〔2026〕12号.

    The portal does not count; it keeps every number it was given so that a number is never used twice in its
    series and year, and it can suggest the next free one. Calls register their numbers here as well.
    """

    series = models.CharField(_("series"), max_length=20)
    year = models.PositiveSmallIntegerField(_("year"))
    seq = models.PositiveIntegerField(_("sequence number"))
    number = models.CharField(_("document number"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document number")
        verbose_name_plural = _("document numbers")
        ordering = ["series", "-year", "-seq"]
        constraints = [models.UniqueConstraint(fields=["series", "year", "seq"], name="unique_number_series_year_seq")]

    def __str__(self) -> str:
        return self.number


class Verification(models.Model):
    """What the public verification page (扫码验真) shows for an issued document or plaque.

    One row per issued item, found by its short code (printed and in the QR code); it holds the SHA-256 of the
    issued PDF so an uploaded copy can be checked, and the item's standing (valid, or revoked by which document).
    """

    class Subject(models.TextChoices):
        DOCUMENT = "document", _("Official document")
        PLAQUE = "plaque", _("Plaque")

    code = models.CharField(_("verification code"), max_length=16, unique=True)
    subject = models.CharField(_("subject"), max_length=12, choices=Subject.choices)
    number = models.CharField(_("number"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issuing authority"), max_length=100)
    issued_on = models.DateField(_("issued on"))
    sha256 = models.CharField(_("SHA-256 of the issued PDF"), max_length=64, blank=True, db_index=True)
    revoked_by = models.CharField(_("revoked by"), max_length=40, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("verification record")
        verbose_name_plural = _("verification records")

    def __str__(self) -> str:
        return f"{self.code} {self.number}"

    @property
    def is_valid(self) -> bool:
        return not self.revoked_by


class OfficialDocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Documents are public once issued (the confirmation list is published); their PDF is served by views."""
        return self


class OfficialDocument(models.Model):
    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Confirmation of recognition")
        DEREGISTRATION = "deregistration", _("Deregistration")
        REVOCATION = "revocation", _("Revocation")

    number = models.CharField(_("document number"), max_length=40, unique=True)
    series = models.CharField(_("series"), max_length=20, default="")
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
    # The member of staff who entered the office's number and issued the document.
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    # The date of the decision the document records (the end of publicity, the exit proposal); issued_on >= it.
    decided_on = models.DateField(_("decision recorded of"), null=True, blank=True)
    published = models.BooleanField(_("published"), default=True)
    verification = models.OneToOneField(
        Verification, verbose_name=_("verification"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pdf = models.FileField(_("PDF"), storage=_private_storage, upload_to="documents/%Y/", blank=True)

    objects = OfficialDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("official document")
        verbose_name_plural = _("official documents")
        ordering = ["-year", "-seq"]
        constraints = [
            models.UniqueConstraint(fields=["series", "year", "seq"], name="unique_document_series_year_seq")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"
