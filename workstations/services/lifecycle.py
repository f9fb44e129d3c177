"""Every write to a workstation's lifecycle goes through :func:`workstation_transition`."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from portal.audit import audit_record
from portal.models import Organisation, User
from portal.refusals import Refusal
from workstations.models import State, TransitionLog, Workstation
from workstations.services import compliance_summary


class TransitionRefused(Refusal):
    """A transition that may not run now; ``problems`` say why, in the user's language."""


@dataclass(frozen=True)
class TransitionInfo:
    name: str
    label: str
    target: str
    needs_reason: bool
    article: str


def transition_meta(name: str) -> TransitionInfo:
    for t in Workstation._meta.get_field("state").get_all_transitions(Workstation):
        if t.name == name:
            custom = t.custom or {}
            return TransitionInfo(
                name=t.name,
                label=str(custom.get("label", t.name)),
                target=t.target,  # type: ignore[arg-type]
                needs_reason=bool(custom.get("needs_reason")),
                article=custom.get("article", ""),
            )
    raise KeyError(name)


def workstation_transition(
    *, workstation: Workstation | int, transition: str, actor: User | None, reason: str = ""
) -> Workstation:
    """Run ``transition`` on the workstation as ``actor`` (None: the system), under a row lock, and log it.

    Two users clicking at once cannot both win: the second one waits for the lock, then finds the state moved on
    and gets ``TransitionRefused``. Raises ``PermissionDenied`` when the actor's role or organisation may not run it.
    """
    pk = workstation.pk if isinstance(workstation, Workstation) else workstation
    with transaction.atomic():
        locked = Workstation.objects.select_for_update().select_related("host_unit").get(pk=pk)
        method = getattr(locked, transition, None)
        if method is None or not hasattr(method, "_django_fsm"):
            raise ValueError(f"unknown transition {transition!r}")
        if not can_proceed(method, check_conditions=False):
            raise TransitionRefused(
                [_("This cannot be done while the workstation is “%(state)s”.") % {"state": State(locked.state).label}]
            )
        # Role and organisation first, conditions after, so that the refusal names the right cause.
        if not method._django_fsm.has_transition_perm(locked, locked.state, actor):
            raise PermissionDenied(_("You may not do this to this workstation."))
        # The conditions read what they need once for both checks (rules.conditions), for this span only.
        locked._condition_memo = {}
        try:
            problems = locked.blockers(transition)
            if problems:
                raise TransitionRefused(problems)
            meta = transition_meta(transition)
            if meta.needs_reason and not reason.strip():
                raise TransitionRefused([_("Please give a reason.")])
            from_state = locked.state
            method()
        finally:
            locked._condition_memo = None
        locked.save()
        TransitionLog.objects.create(
            workstation=locked,
            transition=transition,
            from_state=from_state,
            to_state=locked.state,
            actor=actor,
            reason=reason.strip(),
        )
        audit_record(
            actor=actor,
            action=f"workstation.{transition}",
            obj=locked,
            before={"state": from_state},
            after={"state": locked.state, "reason": reason.strip()},
        )
    return locked


def workstation_create(
    *,
    host_unit: Organisation,
    recommender: Organisation | None = None,
    lead_mentor_name: str = "",
    state: str = State.DRAFT,
) -> Workstation:
    """A new workstation of ``host_unit`` (Art. 6(2)), recommended through its county bureau unless another recommender
    is named (a university for its own host units). The one place a workstation row is made: the application stage
    makes drafts; only the demo builders pass a later ``state``, laying down a workstation they then give a history."""
    return Workstation.objects.create(
        host_unit=host_unit,
        recommender=recommender if recommender is not None else host_unit.county,
        lead_mentor_name=lead_mentor_name,
        state=state,
    )


def workstation_certify(*, workstation: Workstation | int, actor: User, certified_on: date, document_number: str):
    """Art. 6(4): the confirmation document recognises the workstation — the ``certify`` transition, logged with the
    document's number, and the day of certification (the term and the plaque count from it). Runs inside the caller's
    transaction (the document's issue), so both happen or neither."""
    with transaction.atomic():
        locked = workstation_transition(
            workstation=workstation, transition="certify", actor=actor, reason=document_number
        )
        locked.certified_on = certified_on
        locked.save(update_fields=["certified_on"])
        compliance_summary.refresh(locked.pk)  # issue 21: the needs of the board's summary rows follow the day
    return locked


def available_transitions(workstation: Workstation, user) -> list[TransitionInfo]:
    """The transitions ``user`` could run now (for buttons); the service checks again on submit."""
    names = [t.name for t in workstation.get_available_user_state_transitions(user)]  # type: ignore[attr-defined]
    return [transition_meta(n) for n in names]
