"""Sample inspections and third-party audits of subsidy use (Art. 9).

An :class:`Audit` is one inspection round: either a random sample drawn by city staff (the seed and the population
it was drawn from are recorded, so anyone can re-draw it) or a direct assignment to a third-party audit firm. Each
ledger in the round is an :class:`AuditAssignment`; an audit firm sees only the ledgers assigned to it. Findings are
recorded per entry, and each assignment ends with a conclusion.
"""

import random

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.roles import OrgKind, Role


def draw_sample(population: list[int], size: int, seed: int) -> list[int]:
    """Art. 9 sample inspection: ``size`` ledger ids out of ``population`` (ids in ascending order), reproducibly.

    ``random.Random(seed)`` is Python's documented, version-stable Mersenne Twister; the population is sorted by
    primary key, so the same seed over the same recorded population always gives the same sample.
    """
    ordered = sorted(population)
    return sorted(random.Random(seed).sample(ordered, min(size, len(ordered))))  # noqa: S311 (reproducible sample from a recorded seed, not a secret)  # nosec B311


class AuditQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.role in (Role.CITY_STAFF, Role.ADMIN):
            return self
        if user.role == Role.AUDITOR:
            return self.filter(firm_id=user.organisation_id)
        return self.none()


class Audit(models.Model):
    class Method(models.TextChoices):
        SAMPLE = "sample", _("Random sample inspection")
        THIRD_PARTY = "third_party", _("Third-party audit")

    title = models.CharField(_("title"), max_length=200)
    method = models.CharField(_("method"), max_length=12, choices=Method.choices)
    firm = models.ForeignKey(
        "portal.Organisation",
        verbose_name=_("audit firm"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audits",
        limit_choices_to={"kind": OrgKind.AUDIT_FIRM},
        help_text=_("Empty: the city bureau inspects the sample itself."),
    )
    seed = models.BigIntegerField(_("random seed"), null=True, blank=True)
    sample_size = models.PositiveIntegerField(_("sample size"), null=True, blank=True)
    # The ledger ids the sample was drawn from, in ascending order: with the seed, enough to re-draw it.
    population = models.JSONField(_("population"), default=list, blank=True)
    drawn = models.JSONField(_("drawn ledgers"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit")
        verbose_name_plural = _("audits")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(method="sample") | Q(seed__isnull=False, sample_size__isnull=False),
                name="subsidies_sample_has_seed",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def redraw(self) -> list[int]:
        """The sample drawn again from the recorded seed and population."""
        if self.method != self.Method.SAMPLE:
            return []
        return draw_sample(self.population, self.sample_size, self.seed)

    @property
    def reproduces(self) -> bool:
        return self.method != self.Method.SAMPLE or self.redraw() == sorted(self.drawn)


class AssignmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.role in (Role.CITY_STAFF, Role.ADMIN):
            return self
        if user.role == Role.AUDITOR:
            return self.filter(audit__firm_id=user.organisation_id)
        return self.none()

    def open(self):
        return self.filter(concluded_at__isnull=True)


class AuditAssignment(models.Model):
    """One ledger in an audit; who inspects it follows from the audit (its firm, or city staff)."""

    audit = models.ForeignKey(Audit, verbose_name=_("audit"), on_delete=models.PROTECT, related_name="assignments")
    ledger = models.ForeignKey(
        "subsidies.Ledger", verbose_name=_("ledger"), on_delete=models.PROTECT, related_name="assignments"
    )
    conclusion = models.TextField(_("conclusion"), blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("concluded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit assignment")
        verbose_name_plural = _("audit assignments")
        ordering = ["audit", "ledger_id"]
        # Issue 21: the audit list's order (open assignments first).
        indexes = [models.Index(fields=["concluded_at", "audit", "ledger"], name="subsidies_assign_concluded")]
        constraints = [models.UniqueConstraint(fields=["audit", "ledger"], name="subsidies_assignment_unique")]

    def __str__(self) -> str:
        return f"{self.audit} · {self.ledger}"

    @property
    def is_concluded(self) -> bool:
        return self.concluded_at is not None


class Finding(models.Model):
    class Verdict(models.TextChoices):
        FINE = "fine", _("Fine")
        QUESTION = "question", _("Question")
        MISUSE = "misuse", _("Misuse")

    assignment = models.ForeignKey(
        AuditAssignment, verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="findings"
    )
    entry = models.ForeignKey(
        "subsidies.Entry", verbose_name=_("entry"), on_delete=models.PROTECT, related_name="findings"
    )
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["entry__date", "entry_id"]
        constraints = [models.UniqueConstraint(fields=["assignment", "entry"], name="subsidies_finding_unique")]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.verdict}"


class ExitMisuseFinding(models.Model):
    """Art. 11(4)2: a misuse finding a forced exit rests on (registered for ``workstations.services.exit_evidence``)."""

    exit_case = models.ForeignKey(
        "workstations.ExitCase", verbose_name=_("exit case"), on_delete=models.PROTECT, related_name="misuse_links"
    )
    finding = models.ForeignKey(Finding, verbose_name=_("finding"), on_delete=models.PROTECT, related_name="exit_links")

    class Meta:
        verbose_name = _("finding an exit rests on")
        verbose_name_plural = _("findings exits rest on")
        constraints = [models.UniqueConstraint(fields=["exit_case", "finding"], name="subsidies_exit_finding_unique")]

    def __str__(self) -> str:
        return f"{self.exit_case_id} ← {self.finding_id}"
