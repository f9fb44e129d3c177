"""Art. 7(3): scans of ID cards, certificates, awards and honours, per person, stored privately with versions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.terms import CITY_OR_HIGHER, LEVELLED_KINDS, MaterialKind, MaterialLevel
from portal.uploads import StoredFile


class MaterialQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Whoever may see the application may see its materials (experts of its review round included)."""
        from applications.models.applications import Application

        return self.filter(application__in=Application.objects.visible_to(user))


class Material(models.Model):
    Kind = MaterialKind
    Level = MaterialLevel
    # Kinds that need a level (the commendations of Art. 5(2)7).
    LEVELLED_KINDS = LEVELLED_KINDS
    CITY_OR_HIGHER = CITY_OR_HIGHER

    application = models.ForeignKey(
        "applications.Application", verbose_name=_("application"), on_delete=models.CASCADE, related_name="materials"
    )
    mentor = models.ForeignKey(
        "applications.Mentor",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="materials",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    level = models.CharField(
        _("level"),
        max_length=20,
        choices=Level.choices,
        blank=True,
        help_text=_("For awards and honours: the level of the body that gave it (Art. 5(2)7: city level or above)."),
    )
    # 原件已核: the recommender has seen the original of this copy (Art. 7 asks for copies).
    original_checked_at = models.DateTimeField(_("original checked at"), null=True, blank=True)
    original_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("original checked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The current version; replacing a file stores a new StoredFile that points to this one (the old stays).
    file = models.OneToOneField(StoredFile, verbose_name=_("file"), on_delete=models.PROTECT, related_name="material")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MaterialQuerySet.as_manager()

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["application", "mentor__name", "kind", "id"]

    def __str__(self) -> str:
        return self.title
