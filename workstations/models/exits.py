"""Art. 11(4): exit. Natural exit (自然退出 → 注销) on three grounds, forced exit (强制退出 → 撤销) on four.

An ``ExitCase`` is proposed (by staff, or by the host unit for its own request), may receive the host unit's
statement, and is confirmed by a member of staff other than the proposer (two-person rule). Confirmation issues the
numbered deregistration or revocation document, runs the ``deregister`` / ``revoke`` transition and records the
plaque's removal, in one transaction. Writes are in ``workstations.services.exits``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.roles import CITY_WIDE_ROLES, Role


class ExitKind(models.TextChoices):
    NATURAL = "natural", _("Natural exit (deregistration)")
    FORCED = "forced", _("Forced exit (revocation)")


class ExitGround(models.TextChoices):
    # Art. 11(4)1: natural exit
    LEGAL_PERSON_LOST = "legal_person_lost", _("The host unit lost its legal-person status")
    NO_QUALIFIED_MENTOR = "no_qualified_mentor", _("No qualified mentor for one year or more")
    OWN_REQUEST = "own_request", _("The host unit's own request")
    # Art. 11(4)2: forced exit
    FAILED_RECTIFICATION = "failed_rectification", _("Failed evaluation, still below standard after rectification")
    FRAUD = "fraud", _("Serious fraud in the application or in reported results")
    SUBSIDY_MISUSE = "subsidy_misuse", _("Misuse of subsidy funds with serious consequences")
    MISCONDUCT = "misconduct", _("Serious breach of discipline or ethics")


NATURAL_GROUNDS = frozenset({ExitGround.LEGAL_PERSON_LOST, ExitGround.NO_QUALIFIED_MENTOR, ExitGround.OWN_REQUEST})
FORCED_GROUNDS = frozenset(set(ExitGround) - NATURAL_GROUNDS)


def kind_of(ground: str) -> str:
    return ExitKind.NATURAL if ground in NATURAL_GROUNDS else ExitKind.FORCED


class ExitStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Not confirmed")


class ExitCaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.role in CITY_WIDE_ROLES:
            return self
        if user.role == Role.HOST_UNIT:
            return self.filter(workstation__host_unit_id=user.organisation_id)
        return self.none()

    def open(self):
        return self.filter(status=ExitStatus.PROPOSED)


class ExitCase(models.Model):
    workstation = models.ForeignKey(
        "workstations.Workstation", verbose_name=_("workstation"), on_delete=models.PROTECT, related_name="exit_cases"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ExitKind.choices)
    ground = models.CharField(_("ground"), max_length=32, choices=ExitGround.choices)
    facts = models.TextField(_("facts and reasons"))
    # What the case rests on elsewhere in the portal, e.g. "2026年度评价 不合格 / 整改未通过" or an audit finding.
    source_reference = models.CharField(_("linked record"), max_length=200, blank=True)
    evidence = models.ManyToManyField("portal.StoredFile", verbose_name=_("evidence"), blank=True, related_name="+")
    # Art. 11(4)2: the failed rectification a forced exit on that ground rests on
    # (``workstations.services.exit_evidence``); an audit finding of misuse is linked from the subsidies side
    # (``subsidies.ExitMisuseFinding``).
    rectification = models.ForeignKey(
        "workstations.Rectification",
        verbose_name=_("rectification"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exit_cases",
    )
    status = models.CharField(_("status"), max_length=12, choices=ExitStatus.choices, default=ExitStatus.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    statement = models.TextField(_("host unit's statement"), blank=True)
    statement_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    statement_at = models.DateTimeField(_("statement filed at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    document = models.OneToOneField(
        "portal.OfficialDocument",
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exit_case",
    )

    objects = ExitCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("exit case")
        verbose_name_plural = _("exit cases")
        ordering = ["-proposed_at", "-id"]
        indexes = [models.Index(fields=["status", "ground", "decided_at"], name="ws_exitcase_status_ground")]  # i21
        constraints = [
            # One open case per workstation: a second proposal waits for the first to be decided.
            models.UniqueConstraint(
                fields=["workstation"], condition=models.Q(status="proposed"), name="one_open_exit_case"
            )
        ]

    def __str__(self) -> str:
        return f"{self.workstation} · {self.get_ground_display()}"

    @property
    def is_forced(self) -> bool:
        return self.kind == ExitKind.FORCED
