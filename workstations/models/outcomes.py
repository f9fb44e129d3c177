"""What an operating workstation files (Art. 10, 11(2), 11(5)): the three-year plan, activity reports with their
evidence and the people trained, and major-event reports with mentor changes.

Rows here are written only by ``workstations.services.outcomes``; reads that are more than a ``.get`` live in
``workstations.selectors.outcomes`` and ``workstations.rules.compliance``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.roles import CITY_WIDE_ROLES, Role


def _outcome_workstations(user):
    """The workstations whose outcomes ``user`` may see: host units their own, city staff and supervisors all, a
    county bureau the recognised workstations of its county."""
    from workstations.models.lifecycle import Workstation

    if not (user.is_authenticated and user.is_active):
        return Workstation.objects.none()
    if user.role in (*CITY_WIDE_ROLES, Role.HOST_UNIT):
        return Workstation.objects.visible_to(user)
    # Art. 8, 11(3): a county bureau reads the operation of the recognised workstations of its county (issue 18).
    from workstations.selectors.county import county_workstations

    return county_workstations(user)


class OutcomeQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_authenticated and user.role in CITY_WIDE_ROLES:
            return self
        return self.filter(workstation__in=_outcome_workstations(user).values("pk"))


class WorkPlan(models.Model):
    """Art. 11(2): a three-year plan — direction, focus, level and scale, and targets for each year.

    A revision is a new row with the next version number; earlier versions are kept and shown as history.
    """

    workstation = models.ForeignKey(
        "workstations.Workstation", verbose_name=_("workstation"), on_delete=models.CASCADE, related_name="plans"
    )
    version = models.PositiveSmallIntegerField(_("version"))
    direction = models.TextField(_("direction of development"))
    focus = models.TextField(_("key areas"))
    scale = models.TextField(_("level and scale"))
    targets_year1 = models.TextField(_("targets for year 1"))
    targets_year2 = models.TextField(_("targets for year 2"))
    targets_year3 = models.TextField(_("targets for year 3"))
    measures = models.TextField(_("supporting measures"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("three-year work plan")
        verbose_name_plural = _("three-year work plans")
        ordering = ["workstation", "-version"]
        constraints = [models.UniqueConstraint(fields=["workstation", "version"], name="workplan_unique_version")]

    def __str__(self) -> str:
        return f"{self.workstation_id} v{self.version}"


class ActivityKind(models.TextChoices):
    # Art. 10(1)–(3), one requirement each.
    CONSULTATION = "consultation", _("Policy consultation / guidance exchange")
    THEMED = "themed", _("Themed activity")
    TRAINING = "training", _("Backbone-staff training")


class ActivitySetting(models.TextChoices):
    # Art. 10(2): 进园区、进企业、进校园、进社区.
    PARK = "park", _("Into parks")
    ENTERPRISE = "enterprise", _("Into enterprises")
    CAMPUS = "campus", _("Into campuses")
    COMMUNITY = "community", _("Into communities")


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class ActivityReport(models.Model):
    """Art. 10: one activity of one type. Only accepted reports count toward compliance."""

    workstation = models.ForeignKey(
        "workstations.Workstation", verbose_name=_("workstation"), on_delete=models.CASCADE, related_name="reports"
    )
    kind = models.CharField(_("type"), max_length=20, choices=ActivityKind.choices)
    setting = models.CharField(_("setting"), max_length=20, choices=ActivitySetting.choices, blank=True)
    title = models.CharField(_("title"), max_length=120)
    held_on = models.DateField(_("date held"))
    place = models.CharField(_("place"), max_length=200)
    participant_count = models.PositiveIntegerField(_("number of participants"))
    participants = models.TextField(_("participants"), blank=True, help_text=_("Who took part (groups or names)."))
    description = models.TextField(_("description"))
    status = models.CharField(
        _("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED, db_index=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reject_reason = models.TextField(_("reason for rejection"), blank=True)

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity report")
        verbose_name_plural = _("activity reports")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["status", "workstation", "held_on"])]

    def __str__(self) -> str:
        return self.title


class ReportEvidence(models.Model):
    report = models.ForeignKey(ActivityReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.ForeignKey("portal.StoredFile", verbose_name=_("file"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return str(self.file)


class TrainedPerson(models.Model):
    """Art. 10(3): a backbone staff member trained, named. Minimum collection: name and workplace only."""

    report = models.ForeignKey(ActivityReport, on_delete=models.CASCADE, related_name="trainees")
    name = models.CharField(_("name"), max_length=60)
    workplace = models.CharField(_("workplace / post"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("person trained")
        verbose_name_plural = _("people trained")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class EventKind(models.TextChoices):
    ACHIEVEMENT = "achievement", _("Major achievement or progress")
    MENTOR_CHANGE = "mentor_change", _("Mentor change")


class MajorEventReport(models.Model):
    """Art. 11(5): major achievements, or a major change among the mentors, reported to the city bureau."""

    workstation = models.ForeignKey(
        "workstations.Workstation",
        verbose_name=_("workstation"),
        on_delete=models.CASCADE,
        related_name="major_events",
    )
    kind = models.CharField(_("type"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=120)
    occurred_on = models.DateField(_("date"))
    description = models.TextField(_("description"))
    evidence = models.ForeignKey(
        "portal.StoredFile",
        verbose_name=_("evidence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Art. 5(3)1 re-checked when the report was filed (the team computed from the mentor changes), kept as shown.
    eligibility_problems = models.JSONField(_("eligibility problems found"), default=list, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    staff_note = models.TextField(_("note from the city bureau"), blank=True)

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("major-event report")
        verbose_name_plural = _("major-event reports")
        ordering = ["-filed_at", "-id"]

    def __str__(self) -> str:
        return self.title


class MentorRole(models.TextChoices):
    LEAD = "lead", _("Lead mentor")
    MENTOR = "mentor", _("Mentor")


class MentorChangeKind(models.TextChoices):
    JOINED = "joined", _("Joined")
    LEFT = "left", _("Left")


class MentorChange(models.Model):
    """One mentor joining or leaving on a date (Art. 11(5)); the team is computed from these
    (``workstations.rules.team``).

    ``qualified`` records whether a lead mentor meets Art. 5(2) (five years' service and a certificate, commendation
    or outstanding results); Art. 11(4)1's "no qualified lead mentor for a year" is computed from it.
    """

    report = models.ForeignKey(MajorEventReport, on_delete=models.CASCADE, related_name="mentor_changes")
    workstation = models.ForeignKey("workstations.Workstation", on_delete=models.CASCADE, related_name="mentor_changes")
    person_name = models.CharField(_("name"), max_length=60)
    role = models.CharField(_("role"), max_length=10, choices=MentorRole.choices)
    change = models.CharField(_("change"), max_length=10, choices=MentorChangeKind.choices)
    effective_on = models.DateField(_("effective on"))
    qualified = models.BooleanField(
        _("meets the lead-mentor conditions (Art. 5(2))"),
        default=False,
    )
    reason = models.CharField(_("reason"), max_length=120, blank=True, help_text=_("e.g. retirement, new post"))

    class Meta:
        verbose_name = _("mentor change")
        verbose_name_plural = _("mentor changes")
        ordering = ["effective_on", "id"]

    def __str__(self) -> str:
        return f"{self.person_name} {self.change} {self.effective_on}"
