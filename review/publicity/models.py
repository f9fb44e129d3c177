"""Art. 6(4): publicity lists, their candidates, and the public's objections; Art. 6(4)–(5) confirmation entries.

Writes are in ``review.publicity.services`` (lists) and ``review.publicity.objections``. Objector identities (name,
phone) are encrypted at rest and shown to city staff only; the public reaches an objection through its tracking code,
which is stored only as a hash.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.crypto import EncryptedTextField
from portal.roles import Role


class PublicityListQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Published lists are public; the staff pages are guarded by role in the views."""
        return self

    def past_at(self, now):
        return self.filter(closes_at__lte=now, withdrawn_at__isnull=True)


class PublicityList(models.Model):
    """One published notice (公示) listing the passed candidates of a review round."""

    title = models.CharField(_("title"), max_length=200)
    # The review round whose passed candidates are listed (linked to the ballot round model when the apps meet).
    round_reference = models.CharField(_("review round"), max_length=60, blank=True)
    intro = models.TextField(_("notice text"))
    contact_office = models.CharField(_("office receiving objections"), max_length=120)
    contact_phone = models.CharField(_("phone for objections"), max_length=40)
    contact_address = models.CharField(_("address for objections"), max_length=200, blank=True)
    issuer = models.CharField(_("issuing authority"), max_length=100)
    published_at = models.DateTimeField(_("published at"))
    first_day = models.DateField(_("first day of publicity"))
    last_day = models.DateField(_("last day of publicity"))
    closes_at = models.DateTimeField(_("closes at"), db_index=True)
    # Art. 6(4): the measures' numbers the window was counted with (portal.measures; None for lists published before
    # the versions), and the length they set, in working days.
    working_days = models.PositiveSmallIntegerField(_("working days of publicity"), default=5)
    measures_version = models.ForeignKey(
        "portal.MeasuresVersion",
        verbose_name=_("measures version applied"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    # The moment the list was entered in the portal: the publication time may not lie before it, except on the same
    # day for a notice already posted on the bureau's website (its address and time recorded below).
    recorded_at = models.DateTimeField(_("entered in the portal at"), default=timezone.now, editable=False)
    website_url = models.URLField(_("address of the notice on the bureau's website"), blank=True)
    website_posted_at = models.DateTimeField(_("posted on the bureau's website at"), null=True, blank=True)
    # Set by the first close run after the window ended (the job is idempotent; later runs only clear waiters).
    closed_at = models.DateTimeField(_("window processed at"), null=True, blank=True)
    # A published list is never edited: it is corrected by withdrawing it, with a reason the public reads.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawal_reason = models.TextField(_("reason for the withdrawal"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PublicityListQuerySet.as_manager()

    class Meta:
        verbose_name = _("publicity list")
        verbose_name_plural = _("publicity lists")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now=None) -> bool:
        """Objections are accepted from publication until 24:00 of the last working day (not on a withdrawn list)."""
        return not self.is_withdrawn and (now or timezone.now()) < self.closes_at

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def working_days_served(self, now=None) -> int:
        """Art. 6(4): how many whole working days of the window the public has actually had.

        Counted from the day after the list reached the public (entered in the portal, or posted on the bureau's
        website that same day) up to the last complete day before ``now``, within first_day..last_day. A backdated
        publication time therefore cannot shorten the five days. ``CalendarNotCovered`` reaches the caller.
        """
        import datetime as dt

        from portal.workdays.services import local_date, working_days_between

        now = now or timezone.now()
        reached = self.recorded_at
        if self.website_posted_at is not None and local_date(self.website_posted_at) == local_date(reached):
            reached = min(reached, self.website_posted_at)
        first = max(self.first_day, local_date(reached) + dt.timedelta(days=1))
        last = min(self.last_day, local_date(now) - dt.timedelta(days=1))
        return working_days_between(first, last)

    def has_started(self, today) -> bool:
        return today >= self.first_day


class PublicityEntry(models.Model):
    """A candidate on a list, with what the public sees frozen at publication (names do not change afterwards)."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("In publicity")
        CLEARED = "cleared", _("Publicity passed")
        NOT_RECOGNISED = "not_recognised", _("Not recognised")
        WITHDRAWN = "withdrawn", _("List withdrawn")

    publicity_list = models.ForeignKey(
        PublicityList, verbose_name=_("publicity list"), on_delete=models.CASCADE, related_name="entries"
    )
    workstation = models.ForeignKey(
        "workstations.Workstation",
        verbose_name=_("workstation"),
        on_delete=models.PROTECT,
        related_name="publicity_entries",
    )
    position = models.PositiveSmallIntegerField(_("number"))
    workstation_name = models.CharField(_("workstation"), max_length=120)
    host_unit_name = models.CharField(_("host unit"), max_length=200)
    county_name = models.CharField(_("county"), max_length=100, blank=True)
    lead_mentor_name = models.CharField(_("lead mentor"), max_length=60)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING)

    class Meta:
        verbose_name = _("publicity entry")
        verbose_name_plural = _("publicity entries")
        ordering = ["publicity_list", "position"]
        constraints = [
            models.UniqueConstraint(fields=["publicity_list", "workstation"], name="publicity_entry_unique"),
        ]

    def __str__(self) -> str:
        return self.workstation_name

    def unresolved_objections(self):
        return self.objections.filter(status__in=Objection.UNRESOLVED)

    def clearance_problems(self, now=None) -> list[str]:
        """Art. 6(4): why this candidate cannot leave publicity as cleared yet (empty when it can)."""
        from django.utils.translation import gettext

        from portal.formatting import format_date
        from portal.workdays.services import CalendarNotCovered

        problems = []
        publicity_list = self.publicity_list
        if publicity_list.is_withdrawn:
            problems.append(gettext("This publicity list was withdrawn; publish a corrected list."))
            return problems
        if publicity_list.is_open(now):
            problems.append(
                gettext("The publicity window runs until the end of %(date)s.")
                % {"date": format_date(publicity_list.last_day)}
            )
        else:
            try:
                served = publicity_list.working_days_served(now)
            except CalendarNotCovered as exc:
                problems.append(str(exc))
            else:
                if served < publicity_list.working_days:
                    problems.append(
                        gettext(
                            "The public has had only %(served)d of the %(days)d working days of publicity since the "
                            "list was published on %(date)s; the candidate cannot be cleared."
                        )
                        % {
                            "served": served,
                            "days": publicity_list.working_days,
                            "date": format_date(publicity_list.recorded_at),
                        }
                    )
        count = self.unresolved_objections().count()
        if count:
            problems.append(
                gettext("%(count)d objection(s) against this candidate are not yet decided.") % {"count": count}
            )
        return problems


def submission_hash(token: str) -> str:
    return hashlib.sha256(f"objection-form:{settings.SECRET_KEY}:{token}".encode()).hexdigest()


def tracking_hash(code: str) -> str:
    """Only a keyed hash of a tracking code is stored, so the table alone does not let anyone read a status."""
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(f"objection:{settings.SECRET_KEY}:{normalised}".encode()).hexdigest()


class ObjectionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Objections (and the objector's identity) are for city staff only."""
        if user.is_authenticated and user.is_active and user.role == Role.CITY_STAFF:
            return self
        return self.none()

    def unresolved(self):
        return self.filter(status__in=Objection.UNRESOLVED)


class Objection(models.Model):
    """Art. 6(4) 异议: a real-name objection against one candidate, filed during the window."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        INVESTIGATING = "investigating", _("Under investigation")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    UNRESOLVED = (Status.RECEIVED, Status.INVESTIGATING)

    entry = models.ForeignKey(
        PublicityEntry, verbose_name=_("candidate"), on_delete=models.PROTECT, related_name="objections"
    )
    tracking_hash = models.CharField(max_length=64, unique=True)
    # The hash of the form's one-time token: sending the same form twice (a reload, a second click) files once.
    submission_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    objector_name = EncryptedTextField(_("real name"))
    objector_phone = EncryptedTextField(_("phone"))
    facts = models.TextField(_("facts"))
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    investigation = models.TextField(_("investigation record"), blank=True)
    investigated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("investigated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_reason = models.TextField(_("reason given to the objector"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ObjectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-filed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.entry} · {self.get_status_display()}"

    @property
    def is_resolved(self) -> bool:
        return self.status not in self.UNRESOLVED


class ObjectionEvidence(models.Model):
    objection = models.ForeignKey(
        Objection, verbose_name=_("objection"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.ForeignKey("portal.StoredFile", verbose_name=_("file"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return str(self.file)


class ConfirmationEntry(models.Model):
    """A workstation certified by a confirmation document (发文确认, Art. 6(4))."""

    document = models.ForeignKey(
        "portal.OfficialDocument", verbose_name=_("document"), on_delete=models.PROTECT, related_name="confirmations"
    )
    workstation = models.OneToOneField(
        "workstations.Workstation", verbose_name=_("workstation"), on_delete=models.PROTECT, related_name="confirmation"
    )
    position = models.PositiveSmallIntegerField(_("number"))

    class Meta:
        verbose_name = _("confirmed workstation")
        verbose_name_plural = _("confirmed workstations")
        ordering = ["document", "position"]

    def __str__(self) -> str:
        return f"{self.document.number} · {self.workstation}"
