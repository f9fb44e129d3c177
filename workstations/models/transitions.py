"""The lifecycle's states and the log of every change between them (SPEC §3); the transitions themselves are on
``Workstation`` in ``workstations.models.lifecycle``. Nothing here imports the rest of the app, so the conditions and
rules the transitions rest on can read the log without an import cycle."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    RECOMMENDED = "recommended", _("Recommended")
    QUALIFIED = "qualified", _("Passed qualification check")
    INELIGIBLE = "ineligible", _("Ruled ineligible")
    NOT_RECOMMENDED = "not_recommended", _("Not recommended")
    UNDER_REVIEW = "under_review", _("Under expert review")
    REVIEW_PASSED = "review_passed", _("Passed expert review")
    REVIEW_FAILED = "review_failed", _("Failed expert review")
    IN_PUBLICITY = "in_publicity", _("In publicity")
    PUBLICITY_CLEARED = "publicity_cleared", _("Publicity cleared")
    NOT_RECOGNISED = "not_recognised", _("Not recognised")
    CERTIFIED = "certified", _("Certified")
    ACTIVE = "active", _("Active")
    RECTIFYING = "rectifying", _("Under rectification")
    DEREGISTERED = "deregistered", _("Deregistered")
    REVOKED = "revoked", _("Revoked")


TERMINAL_STATES = frozenset(
    {
        State.NOT_RECOMMENDED,
        State.INELIGIBLE,
        State.REVIEW_FAILED,
        State.NOT_RECOGNISED,
        State.DEREGISTERED,
        State.REVOKED,
    }
)
OPERATING_STATES = frozenset({State.ACTIVE, State.RECTIFYING})
RECOGNISED_STATES = frozenset({State.CERTIFIED, State.ACTIVE, State.RECTIFYING})


class TransitionLog(models.Model):
    """One row per state change: who, when, from, to, why (the workstation's timeline)."""

    workstation = models.ForeignKey(
        # PROTECT: the log is append-only (issue 14), so a workstation with a history is never deleted; a draft that
        # was never submitted has none and can be withdrawn (issue 15).
        "workstations.Workstation",
        verbose_name=_("workstation"),
        on_delete=models.PROTECT,
        related_name="transitions",
    )
    transition = models.CharField(_("transition"), max_length=40)
    from_state = models.CharField(_("from"), max_length=32, choices=State.choices)
    to_state = models.CharField(_("to"), max_length=32, choices=State.choices)
    actor = models.ForeignKey(
        "portal.User", verbose_name=_("by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.workstation_id}: {self.from_state} → {self.to_state}"
