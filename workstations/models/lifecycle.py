"""The workstation and its lifecycle (SPEC §3): one django-fsm field from application to deregistration.

The transitions below are the whole lifecycle, read top to bottom like a table. Each carries who may run it
(``permission``) and what must hold (``conditions``, explained by ``workstations.rules.conditions``). Nothing assigns
``state`` directly: the field is protected and ``workstations.services.lifecycle.workstation_transition`` runs every
transition under a row lock inside a transaction and writes its ``TransitionLog`` row.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from portal.models import Organisation
from portal.roles import CITY_WIDE_ROLES, OrgKind, Role
from workstations.models.transitions import (
    OPERATING_STATES,
    RECOGNISED_STATES,
    TERMINAL_STATES,
    State,
)
from workstations.rules import conditions
from workstations.rules.naming import workstation_name

# --- who may run a transition ------------------------------------------------------------------------------------
# ``user`` is None for the system (a scheduled job); only transitions marked ``system_or_staff`` accept it.


def _own_host_unit(instance, user) -> bool:
    return user is not None and user.has_role(Role.HOST_UNIT) and user.organisation_id == instance.host_unit_id


def _assigned_recommender(instance, user) -> bool:
    return (
        user is not None
        and user.has_role(Role.RECOMMENDER)
        and instance.recommender_id is not None
        and user.organisation_id == instance.recommender_id
    )


def _city_staff(instance, user) -> bool:
    return user is not None and user.has_role(Role.CITY_STAFF)


def _system_or_staff(instance, user) -> bool:
    return user is None or _city_staff(instance, user)


class WorkstationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Host units see their own, recommenders what was addressed to them, city staff and supervisors all."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        role = user.role
        if role in CITY_WIDE_ROLES:
            return self
        if role == Role.HOST_UNIT:
            return self.filter(host_unit_id=user.organisation_id)
        if role == Role.RECOMMENDER:
            mine = models.Q(recommender_id=user.organisation_id)
            if user.organisation.kind == OrgKind.COUNTY_BUREAU:  # and its county's recognised ones (issue 18)
                from workstations.rules.county import county_scope

                mine |= county_scope(user.organisation_id) & models.Q(certified_on__isnull=False)
            return self.filter(mine).exclude(state=State.DRAFT)
        return self.none()

    def recognised(self):
        return self.filter(state__in=RECOGNISED_STATES)

    def operating(self):
        return self.filter(state__in=OPERATING_STATES)


class Workstation(FSMModelMixin, models.Model):
    # Not a field: open (a dict) only while ``workstation_transition`` checks one transition, so the conditions of
    # ``rules.conditions`` read what they need once for its two checks.
    _condition_memo: dict | None = None

    host_unit = models.ForeignKey(
        Organisation, verbose_name=_("host unit"), on_delete=models.PROTECT, related_name="workstations"
    )
    recommender = models.ForeignKey(
        Organisation,
        verbose_name=_("recommender"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommended_workstations",
    )
    lead_mentor_name = models.CharField(_("lead mentor"), max_length=60, blank=True)
    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True)
    # A candidate not recognised in one call may apply again: the new row points to the old one (SPEC §3).
    predecessor = models.ForeignKey(
        "self", verbose_name=_("earlier application"), on_delete=models.SET_NULL, null=True, blank=True
    )
    certified_on = models.DateField(_("certified on"), null=True, blank=True)
    plaque_number = models.CharField(_("plaque number"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = WorkstationQuerySet.as_manager()

    class Meta:
        verbose_name = _("workstation")
        verbose_name_plural = _("workstations")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "host_unit"]),
            models.Index(fields=["recommender", "state"]),
            # The workstation list's order (most recently changed first): a page is read from the index (issue 21).
            models.Index(fields=["-updated_at", "-id"], name="workstation_recent"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return workstation_name(self.lead_mentor_name)

    @property
    def county(self):
        if self.recommender_id and self.recommender.kind == OrgKind.COUNTY_BUREAU:
            return self.recommender
        return self.host_unit.county

    @property
    def is_terminal(self) -> bool:
        return self.state in TERMINAL_STATES

    def blockers(self, transition_name: str) -> list[str]:
        """Why ``transition_name`` cannot run now, in words the user can act on (empty when it can)."""
        return conditions.blockers(self, transition_name)

    # --- application and recommendation (Art. 5–6(2)) --------------------------------------------------------
    @transition(
        field=state,
        source=State.DRAFT,
        target=State.SUBMITTED,
        permission=_own_host_unit,
        conditions=[conditions.check("submit")],
        custom={"label": _("Submit"), "article": "6(2)"},
    )
    def submit(self):
        """The host unit submits the application to its recommender."""

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.RETURNED,
        permission=_assigned_recommender,
        custom={"label": _("Return for revision"), "article": "6(2)", "needs_reason": True},
    )
    def return_for_revision(self):
        """The recommender sends it back with a reason."""

    @transition(
        field=state,
        source=State.RETURNED,
        target=State.SUBMITTED,
        permission=_own_host_unit,
        conditions=[conditions.check("resubmit")],
        custom={"label": _("Resubmit"), "article": "6(2)"},
    )
    def resubmit(self):
        """The host unit resubmits before the call's deadline."""

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.RECOMMENDED,
        permission=_assigned_recommender,
        conditions=[conditions.check("recommend")],
        custom={"label": _("Recommend"), "article": "6(2)"},
    )
    def recommend(self):
        """The recommender selects it, within its quota."""

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.NOT_RECOMMENDED,
        permission=_assigned_recommender,
        custom={"label": _("Decline"), "article": "6(2)", "needs_reason": True},
    )
    def decline(self):
        """The recommender declines it with a reason."""

    # --- city qualification check (资格审查, between Art. 6(2) and 6(3)) ------------------------------------
    @transition(
        field=state,
        source=State.RECOMMENDED,
        target=State.QUALIFIED,
        permission=_city_staff,
        conditions=[conditions.check("qualify")],
        custom={"label": _("Pass qualification check"), "article": "5, 7"},
    )
    def qualify(self):
        """City staff find the recommended candidate meets Art. 5 with the materials of Art. 7."""

    @transition(
        field=state,
        source=[State.RECOMMENDED, State.QUALIFIED],
        target=State.INELIGIBLE,
        permission=_city_staff,
        custom={"label": _("Rule ineligible"), "article": "5, 7", "needs_reason": True},
    )
    def rule_ineligible(self):
        """City staff rule the candidate ineligible, with a reason (before its review round opens)."""

    # --- expert review (Art. 6(3)) ---------------------------------------------------------------------------
    @transition(
        field=state,
        source=State.QUALIFIED,
        target=State.UNDER_REVIEW,
        permission=_city_staff,
        conditions=[conditions.check("start_review")],
        custom={"label": _("Start review"), "article": "6(3)"},
    )
    def start_review(self):
        """City staff open a ballot round that includes it."""

    @transition(
        field=state,
        source=State.UNDER_REVIEW,
        target=State.REVIEW_PASSED,
        permission=_city_staff,
        conditions=[conditions.check("pass_review")],
        custom={"label": _("Pass review"), "article": "6(3)"},
    )
    def pass_review(self):
        """The closed round's tally approves it."""

    @transition(
        field=state,
        source=State.UNDER_REVIEW,
        target=State.REVIEW_FAILED,
        permission=_city_staff,
        conditions=[conditions.check("fail_review")],
        custom={"label": _("Fail review"), "article": "6(3)"},
    )
    def fail_review(self):
        """The closed round's tally rejects it."""

    @transition(
        field=state,
        source=State.UNDER_REVIEW,
        target=State.QUALIFIED,
        permission=_city_staff,
        custom={"label": _("Back for a new round"), "article": "6(3)", "needs_reason": True},
    )
    def requeue_review(self):
        """Failed quorum, a tie for limited places or a voided vote: a new round decides."""

    # --- publicity and confirmation (Art. 6(4)–(5)) ----------------------------------------------------------
    @transition(
        field=state,
        source=State.REVIEW_PASSED,
        target=State.IN_PUBLICITY,
        permission=_city_staff,
        custom={"label": _("Publish"), "article": "6(4)"},
    )
    def publish(self):
        """City staff publish the list of passed candidates."""

    @transition(
        field=state,
        source=State.IN_PUBLICITY,
        target=State.PUBLICITY_CLEARED,
        permission=_system_or_staff,
        conditions=[conditions.check("clear_publicity")],
        custom={"label": _("Clear publicity"), "article": "6(4)"},
    )
    def clear_publicity(self):
        """The five working days have passed with no unresolved objection."""

    @transition(
        field=state,
        source=State.IN_PUBLICITY,
        target=State.NOT_RECOGNISED,
        permission=_city_staff,
        custom={"label": _("Uphold objection"), "article": "6(4)", "needs_reason": True},
    )
    def uphold_objection(self):
        """An objection is upheld: the candidate is not recognised."""

    @transition(
        field=state,
        source=[State.IN_PUBLICITY, State.PUBLICITY_CLEARED],
        target=State.REVIEW_PASSED,
        permission=_city_staff,
        custom={"label": _("Withdraw from publicity"), "article": "6(4)", "needs_reason": True},
    )
    def withdraw_publicity(self):
        """The published list is withdrawn with a public reason; the candidate waits for a corrected list."""

    @transition(
        field=state,
        source=State.PUBLICITY_CLEARED,
        target=State.CERTIFIED,
        permission=_city_staff,
        custom={"label": _("Certify"), "article": "6(4)"},
    )
    def certify(self):
        """Listed in a numbered confirmation document."""

    @transition(
        field=state,
        source=State.CERTIFIED,
        target=State.ACTIVE,
        permission=_city_staff,
        conditions=[conditions.check("issue_plaque")],
        custom={"label": _("Issue plaque"), "article": "6(5)"},
    )
    def issue_plaque(self):
        """The uniform plaque is handed over."""

    # --- operation and exit (Art. 11) ------------------------------------------------------------------------
    @transition(
        field=state,
        source=State.ACTIVE,
        target=State.RECTIFYING,
        permission=_city_staff,
        custom={"label": _("Order rectification"), "article": "11(4)2", "needs_reason": True},
    )
    def start_rectification(self):
        """A failed (不合格) evaluation: rectify by a deadline."""

    @transition(
        field=state,
        source=State.RECTIFYING,
        target=State.ACTIVE,
        permission=_city_staff,
        custom={"label": _("Rectification passed"), "article": "11(4)2"},
    )
    def pass_rectification(self):
        """The re-evaluation passes."""

    @transition(
        field=state,
        source=[State.ACTIVE, State.RECTIFYING],
        target=State.DEREGISTERED,
        permission=_city_staff,
        conditions=[conditions.check("deregister")],
        custom={"label": _("Deregister (natural exit)"), "article": "11(4)1", "needs_reason": True},
    )
    def deregister(self):
        """Natural exit (自然退出 → 注销)."""

    @transition(
        field=state,
        source=[State.ACTIVE, State.RECTIFYING],
        target=State.REVOKED,
        permission=_city_staff,
        conditions=[conditions.check("revoke")],
        custom={"label": _("Revoke (forced exit)"), "article": "11(4)2", "needs_reason": True},
    )
    def revoke(self):
        """Forced exit (强制退出 → 撤销)."""
