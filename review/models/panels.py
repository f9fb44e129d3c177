"""The expert pool and the panels formed from it (Art. 6(3))."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.roles import OrgKind, Role


class ExpertProfile(models.Model):
    """What staff need to know about an expert to form a panel and find conflicts of interest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("expert"),
        on_delete=models.CASCADE,
        related_name="expert_profile",
        limit_choices_to={"organisation__kind": OrgKind.EXPERT_POOL},
    )
    field = models.CharField(_("field of expertise"), max_length=100)
    title = models.CharField(_("professional title"), max_length=60, blank=True)
    # The employer, when it is an organisation of the portal, makes conflicts with its own candidates automatic.
    employer = models.ForeignKey(
        "portal.Organisation",
        verbose_name=_("employer (in the portal)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="employed_experts",
    )
    employer_text = models.CharField(_("employer"), max_length=200, blank=True)
    active = models.BooleanField(_("available for panels"), default=True)

    class Meta:
        verbose_name = _("expert profile")
        verbose_name_plural = _("expert profiles")
        ordering = ["user__username"]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def employer_name(self) -> str:
        return self.employer.name if self.employer_id else self.employer_text


class PanelQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.role in (Role.CITY_STAFF, Role.SUPERVISOR):
            return self
        if user.role == Role.EXPERT:
            return self.filter(members=user)
        return self.none()


class Panel(models.Model):
    """A panel of experts set up by the city bureau for one call (Art. 6(3)).

    ``call`` is a string reference to ``applications.Call`` (no Python import: stage apps import only portal and
    workstations). A panel with a call puts that call's recommended applications to the vote; the call may be left
    empty for a panel formed before its call is published.
    """

    name = models.CharField(_("panel name"), max_length=120)
    call = models.ForeignKey(
        "applications.Call",
        verbose_name=_("call"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_panels",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members"),
        related_name="review_panels",
        blank=True,
        limit_choices_to={"organisation__kind": OrgKind.EXPERT_POOL},
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PanelQuerySet.as_manager()

    class Meta:
        verbose_name = _("panel")
        verbose_name_plural = _("panels")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def call_reference(self) -> str:
        """The call's document number (平人社〔2026〕9号), or empty when the panel has no call."""
        return self.call.document_number if self.call_id else ""
