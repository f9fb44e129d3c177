"""Mentors (创业导师, reusable across calls) and the staff (工作人员) of one application."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from applications.terms import DECLARATIONS, claims
from portal.crypto import EncryptedTextField, blind_index
from portal.formatting import mask_id_number, mask_phone
from portal.models import Organisation
from portal.roles import CITY_WIDE_ROLES, Role


class MentorQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A host unit manages its own mentor records; reviewers reach mentors through applications."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.role == Role.HOST_UNIT:
            return self.filter(host_unit_id=user.organisation_id)
        if user.role in CITY_WIDE_ROLES:
            return self
        if user.role == Role.RECOMMENDER:
            from applications.models.applications import Application

            return self.filter(
                models.Q(led_applications__in=Application.objects.visible_to(user))
                | models.Q(applications__in=Application.objects.visible_to(user))
            ).distinct()
        return self.none()


class Mentor(models.Model):
    host_unit = models.ForeignKey(
        Organisation, verbose_name=_("host unit"), on_delete=models.PROTECT, related_name="mentors"
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=60)
    id_number = EncryptedTextField(_("ID number"))
    # Keyed hash of the ID number: finds a duplicate without storing or comparing the plaintext.
    id_number_index = models.CharField(max_length=64, editable=False, db_index=True)
    phone = EncryptedTextField(_("mobile phone"), blank=True)
    position = models.CharField(_("position"), max_length=100, blank=True)
    years_of_service = models.PositiveSmallIntegerField(
        _("years of entrepreneurship-service work"), validators=[MaxValueValidator(70)]
    )
    certificates = models.TextField(
        _("qualification certificates"),
        blank=True,
        help_text=_("Art. 5(2)6: e.g. entrepreneurship-training lecturer, HR professional, psychological counsellor."),
    )
    commendations = models.TextField(
        _("city-level or higher commendations"),
        blank=True,
        help_text=_("Art. 5(2)7: commendations for entrepreneurship work at city level or above."),
    )
    achievements = models.TextField(
        _("outstanding results"),
        blank=True,
        help_text=_("Art. 5(2)8: a written case of outstanding results, judged by the reviewers."),
    )
    declares_constitution = models.BooleanField(DECLARATIONS[0][1], default=False)
    declares_conduct = models.BooleanField(DECLARATIONS[1][1], default=False)
    declares_lawful = models.BooleanField(DECLARATIONS[2][1], default=False)
    declares_voluntary = models.BooleanField(DECLARATIONS[3][1], default=False)
    declares_fit = models.BooleanField(DECLARATIONS[4][1], default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Every change is kept: a submitted application points to the version it declared (its snapshot).
    history = HistoricalRecords(excluded_fields=["id_number_index"])

    objects = MentorQuerySet.as_manager()

    class Meta:
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")
        ordering = ["host_unit", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["host_unit", "id_number_index"], name="mentor_unique_id_per_host_unit")
        ]

    def __str__(self) -> str:
        return self.name

    def set_id_number(self, value: str) -> None:
        self.id_number = value.strip().upper()
        self.id_number_index = blind_index(self.id_number)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def missing_declarations(self) -> list[str]:
        return [str(label) for name, label in DECLARATIONS if not getattr(self, name)]

    @property
    def certificate_claims(self) -> list[str]:
        return claims(self.certificates)

    @property
    def commendation_claims(self) -> list[str]:
        return claims(self.commendations)


class StaffMember(models.Model):
    """One of the at least five staff of Art. 5(3)1."""

    application = models.ForeignKey(
        "applications.Application", verbose_name=_("application"), on_delete=models.CASCADE, related_name="staff"
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=60)
    position = models.CharField(_("position"), max_length=100)
    phone = EncryptedTextField(_("phone"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["application", "order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)
