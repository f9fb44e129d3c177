"""Organisations, users and roles (SPEC §2), and the in-app inbox."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.roles import ORG_KIND_ROLE, OrgKind, Role


class OrganisationQuerySet(models.QuerySet):
    def recommenders(self):
        return self.filter(kind__in=[OrgKind.COUNTY_BUREAU, OrgKind.UNIVERSITY])

    def host_units(self):
        return self.filter(kind=OrgKind.HOST_UNIT)


class Organisation(models.Model):
    """Any body that has users: city bureau, recommender, host unit, expert pool, supervisor or audit firm."""

    class HostType(models.TextChoices):
        # Art. 3: workstations are recognised in these three kinds of institution.
        STARTUP_SERVICE = "startup_service", _("Entrepreneurship service institution")
        UNIVERSITY = "university", _("Higher-education institution")
        HR_SERVICE = "hr_service", _("Human-resources service institution")
        # None of the three kinds of Art. 3: allowed to apply, flagged to the recommender and the panel.
        OTHER = "other", _("Other (none of the kinds of Art. 3)")

    kind = models.CharField(_("kind"), max_length=32, choices=OrgKind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    code = models.CharField(
        _("code"),
        max_length=32,
        blank=True,
        help_text=_("Administrative code or unified social credit code."),
    )
    # A host unit belongs to a county (the recommender it normally applies through).
    county = models.ForeignKey(
        "self",
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="host_units",
        limit_choices_to={"kind": OrgKind.COUNTY_BUREAU},
    )
    host_type = models.CharField(_("host unit type"), max_length=32, choices=HostType.choices, blank=True)
    # Art. 6(2): a university's own host unit (创新创业园, 就业处 …) belongs to that university.
    university = models.ForeignKey(
        "self",
        verbose_name=_("university"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="university_host_units",
        limit_choices_to={"kind": OrgKind.UNIVERSITY},
        help_text=_("For a host unit of a university: the university it belongs to."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_legal_person = models.BooleanField(
        _("holds legal-person status"),
        default=True,
        help_text=_("Art. 11(4)1: losing legal-person status is a ground for natural exit."),
    )
    history = HistoricalRecords()

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "code", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def role(self) -> str:
        return ORG_KIND_ROLE[self.kind]

    @property
    def is_recommender(self) -> bool:
        return self.kind in (OrgKind.COUNTY_BUREAU, OrgKind.UNIVERSITY)

    @property
    def display_short(self) -> str:
        return self.short_name or self.name


class User(AbstractUser):
    """A person with a login. The role follows from the organisation; administrators have none."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # The language inbox messages and e-mails are written in for this person (issue 19): set when they switch.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def role(self) -> str:
        if self.organisation_id is None:
            return Role.ADMIN if self.is_superuser else Role.NONE
        return self.organisation.role

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    def has_role(self, *roles: str) -> bool:
        return self.is_authenticated and self.is_active and self.role in roles

    def recent_unread(self, limit: int = 5) -> list:
        """The home page's unread messages (issue 19), newest first."""
        return list(self.notifications.filter(read_at__isnull=True)[:limit])


class EmailState(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    NO_ADDRESS = "no_address", _("no e-mail address")


class Notification(models.Model):
    """An in-app inbox message; e-mail is sent alongside by ``portal.notifications.notify``."""

    recipient = models.ForeignKey(
        User, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # Issue 19: a key of ``portal.messages.MESSAGES`` and its parameters, rendered in the reader's language; the
    # words a person typed (a reason) kept as typed. ``subject``/``body`` hold the text as first written (in the
    # recipient's language): shown for rows written before keys, and for the admin.
    message_key = models.CharField(max_length=60, blank=True)
    params = models.JSONField(default=dict, blank=True)
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Scheduled jobs use a key so that running twice sends a reminder once.
    dedup_key = models.CharField(max_length=200, blank=True)
    # The e-mail beside the inbox row (issue 22): claimed with a lease before sending, so that a sender that dies
    # leaves a row the sweeper takes again only once the lease has expired, and always under the same Message-ID.
    email_state = models.CharField(
        _("e-mail"), max_length=12, choices=EmailState.choices, default=EmailState.PENDING, db_index=True
    )
    email_lease_until = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_message_id = models.CharField(max_length=200, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedup_key"],
                condition=~models.Q(dedup_key=""),
                name="notification_unique_dedup_key",
            )
        ]

    def __str__(self) -> str:
        return self.subject

    def rendered(self) -> tuple[str, str]:
        """(subject, body) in the active language; a row without a (known) key shows its stored text."""
        if self.message_key:
            from portal.messages import render

            shown = render(self.message_key, self.params, self.text)
            if shown is not None:
                return shown
        return self.subject, self.body

    @property
    def display_subject(self) -> str:
        return self.rendered()[0]

    @property
    def display_body(self) -> str:
        return self.rendered()[1]


from portal.audit import AuditChainHead, AuditEvent  # noqa: E402,F401  (registered here so migrations find them)

# Models kept in their own modules (the working-day calendar, official documents), registered with the portal app here.
from portal.documents.models import DocumentCounter, OfficialDocument  # noqa: E402, F401
from portal.measures.models import CountyRule, MeasuresVersion  # noqa: E402, F401
from portal.uploads import StoredFile  # noqa: E402,F401  (registered here so migrations find it)
from portal.workdays.models import CalendarDay  # noqa: E402, F401
