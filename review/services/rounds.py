"""Review rounds from preparation to close (Art. 6(3); SPEC §4 "Expert review").

Lock order, everywhere: the round first (``select_for_update``), then the workstations in ascending id (through
``workstation_transition``). Casting a ballot locks the round too, so a close and a vote never interleave.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import User
from portal.notifications import notify
from portal.permissions import require_role
from portal.roles import Role
from review.models import Recusal, ReviewRound, RoundCandidate, RoundEvent, RoundExpert
from review.records import canonical_json, freeze_record, sha256_hex
from review.rules import BallotRule
from review.services.base import ReviewError, _event, _lock, _require_draft
from review.services.keys import _issue_shares, _set_key_holders, default_key_holders, key_holder_problems
from workstations.models import State, Workstation
from workstations.services.lifecycle import workstation_transition

RULE_FIELDS = tuple(BallotRule.__dataclass_fields__)


@transaction.atomic
def round_create(*, panel, title: str, actor: User, key_holders=None, closes_at=None, **rule) -> ReviewRound:
    """Art. 6(3): city staff create a review round for a panel; the rule is set before it opens."""
    require_role(actor, Role.CITY_STAFF)
    review_round = ReviewRound(panel=panel, title=title, created_by=actor, closes_at=closes_at)
    _apply_rule(review_round, rule)
    review_round.save()
    _set_key_holders(review_round, key_holders if key_holders is not None else default_key_holders(actor))
    _event(review_round, RoundEvent.Kind.CREATED, actor, title)
    return review_round


def _apply_rule(review_round: ReviewRound, rule: dict) -> None:
    unknown = set(rule) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"unknown rule fields {sorted(unknown)}")
    for name, value in rule.items():
        setattr(review_round, name, value)
    problems = review_round.rule.problems()
    if problems:
        raise ReviewError(*problems)


@transaction.atomic
def round_update_rule(
    *, review_round: ReviewRound, actor: User, key_holders=None, closes_at=..., **rule
) -> ReviewRound:
    """Set the rule (with the key holders and the scheduled end) of a round that has not opened yet."""
    require_role(actor, Role.CITY_STAFF)
    locked = _lock(review_round)
    _require_draft(locked)
    _apply_rule(locked, rule)
    if closes_at is not ...:
        locked.closes_at = closes_at
    locked.save()
    if key_holders is not None:
        _set_key_holders(locked, key_holders)
    _event(locked, RoundEvent.Kind.RULE_SET, actor, "; ".join(locked.rule.describe()))
    return locked


@transaction.atomic
def round_set_candidates(*, review_round: ReviewRound, workstations, actor: User) -> ReviewRound:
    """Put recommended workstations on the round (and take others off) while it is being prepared. When the panel
    is formed for a call, only that call's recommended applications may be put to the vote (Art. 6(1)–(3))."""
    require_role(actor, Role.CITY_STAFF)
    locked = _lock(review_round)
    _require_draft(locked)
    wanted = {ws.pk: ws for ws in Workstation.objects.filter(pk__in=[w.pk for w in workstations]).order_by("pk")}
    problems = []
    busy = set(
        RoundCandidate.objects.filter(
            workstation_id__in=wanted, round__status__in=[ReviewRound.Status.DRAFT, ReviewRound.Status.OPEN]
        )
        .exclude(round=locked)
        .values_list("workstation_id", flat=True)
    )
    call_id = locked.panel.call_id
    of_call = (
        set(Workstation.objects.filter(pk__in=wanted, application__call_id=call_id).values_list("pk", flat=True))
        if call_id
        else set(wanted)
    )
    for ws in wanted.values():
        if ws.state != State.QUALIFIED:  # issue 16: only candidates that passed the city's 资格审查
            problems.append(_("%(ws)s has not passed the qualification check.") % {"ws": ws.name})
        elif ws.pk not in of_call:
            problems.append(_("%(ws)s was not recommended in this panel's call.") % {"ws": ws.name})
        elif ws.pk in busy:
            problems.append(_("%(ws)s is already in another round.") % {"ws": ws.name})
    if problems:
        raise ReviewError(*problems)
    locked.candidates.exclude(workstation_id__in=wanted).delete()
    existing = set(locked.candidates.values_list("workstation_id", flat=True))
    RoundCandidate.objects.bulk_create(
        [RoundCandidate(round=locked, workstation_id=pk) for pk in sorted(wanted) if pk not in existing]
    )
    _auto_flag_conflicts(locked, locked.panel.members.all())
    _event(locked, RoundEvent.Kind.CANDIDATES, actor, "、".join(ws.name for ws in wanted.values()))
    return locked


def _auto_flag_conflicts(review_round: ReviewRound, experts) -> int:
    """Flag a conflict where the expert works for the candidate's host unit (SPEC §4, 回避)."""
    employer_of = {
        e.pk: e.expert_profile.employer_id for e in experts.select_related("expert_profile") if _has_profile(e)
    }
    created = 0
    for candidate in review_round.candidates.select_related("workstation"):
        for expert_id, employer_id in employer_of.items():
            if employer_id and employer_id == candidate.workstation.host_unit_id:
                _obj, made = Recusal.objects.get_or_create(
                    candidate=candidate,
                    expert_id=expert_id,
                    defaults={
                        "round": review_round,
                        "source": Recusal.Source.AUTO,
                        "reason": _("The expert works for the candidate's host unit."),
                    },
                )
                created += made
    return created


def _has_profile(user) -> bool:
    try:
        return user.expert_profile is not None
    except User.expert_profile.RelatedObjectDoesNotExist:
        return False


def _get_candidate(locked: ReviewRound, candidate) -> RoundCandidate:
    pk = candidate.pk if isinstance(candidate, RoundCandidate) else candidate
    try:
        return locked.candidates.select_related("workstation").get(pk=pk)
    except RoundCandidate.DoesNotExist as exc:
        raise ReviewError(_("This candidate is not in the round.")) from exc


@transaction.atomic
def recusal_declare(*, review_round: ReviewRound, candidate, reason: str, actor: User) -> Recusal:
    """An expert of the panel declares a conflict of interest with a candidate before the round opens."""
    require_role(actor, Role.EXPERT)
    locked = _lock(review_round)
    if not locked.panel.members.filter(pk=actor.pk).exists():
        raise PermissionDenied(_("You are not on this round's panel."))
    _require_draft(locked)
    cand = _get_candidate(locked, candidate)
    recusal, _created = Recusal.objects.get_or_create(
        candidate=cand,
        expert=actor,
        defaults={"round": locked, "source": Recusal.Source.DECLARED, "reason": reason.strip(), "recorded_by": actor},
    )
    _event(locked, RoundEvent.Kind.RECUSAL, actor, f"{actor} / {cand.workstation.name}")
    return recusal


@transaction.atomic
def recusal_record(*, review_round: ReviewRound, candidate, expert, reason: str, actor: User) -> Recusal:
    """Staff record a conflict. Before opening the expert leaves the candidate's base; found after opening, the
    candidate's vote is void and a new round decides it (SPEC §4)."""
    require_role(actor, Role.CITY_STAFF)
    locked = _lock(review_round)
    if locked.is_closed:
        raise ReviewError(_("The round is closed: its tally stands. Record the finding and decide on the candidate."))
    if not reason.strip():
        raise ReviewError(_("Please give a reason."))
    cand = _get_candidate(locked, candidate)
    on_round = (
        locked.experts.filter(expert=expert).exists()
        if locked.is_open
        else locked.panel.members.filter(pk=expert.pk).exists()
    )
    if not on_round:
        raise ReviewError(_("%(expert)s is not an expert of this round.") % {"expert": expert})
    recusal, created = Recusal.objects.get_or_create(
        candidate=cand,
        expert=expert,
        defaults={
            "round": locked,
            "source": Recusal.Source.STAFF,
            "reason": reason.strip(),
            "recorded_by": actor,
            "after_opening": locked.is_open,
        },
    )
    if not created and not locked.is_open:
        raise ReviewError(_("This conflict is already recorded."))
    _event(locked, RoundEvent.Kind.RECUSAL, actor, f"{expert} / {cand.workstation.name}: {reason.strip()}")
    if locked.is_open and not cand.voided:
        cand.voided = True
        cand.void_reason = reason.strip()
        cand.save(update_fields=["voided", "void_reason"])
        _event(locked, RoundEvent.Kind.VOIDED, actor, f"{cand.workstation.name}: {reason.strip()}")
    return recusal


@transaction.atomic
def round_open(*, review_round: ReviewRound, actor: User) -> ReviewRound:
    """Art. 6(3): open the vote. Freezes the rule, the experts and the recusals, with a hash shown to the supervisor,
    and moves every candidate to ``under_review``."""
    require_role(actor, Role.CITY_STAFF)
    locked = _lock(review_round)
    _require_draft(locked)
    members = list(locked.panel.members.filter(is_active=True).order_by("pk"))
    candidates = list(locked.candidates.select_related("workstation").order_by("workstation_id"))
    problems = list(locked.rule.problems()) + key_holder_problems(locked)
    if not members:
        problems.append(_("The panel has no experts."))
    if not candidates:
        problems.append(_("The round has no candidates."))
    if problems:
        raise ReviewError(*problems)
    RoundExpert.objects.bulk_create([RoundExpert(round=locked, expert=m) for m in members])
    locked.recusals.exclude(expert__in=members).delete()
    _auto_flag_conflicts(locked, locked.panel.members.filter(pk__in=[m.pk for m in members]))
    recused: dict[int, int] = {}
    for candidate_id in locked.recusals.values_list("candidate_id", flat=True):
        recused[candidate_id] = recused.get(candidate_id, 0) + 1
    for cand in candidates:
        eligible = len(members) - recused.get(cand.pk, 0)
        if eligible < locked.min_eligible:
            problems.append(
                _("%(ws)s has only %(n)d eligible experts; the rule needs %(min)d.")
                % {"ws": cand.workstation.name, "n": eligible, "min": locked.min_eligible}
            )
    if problems:
        raise ReviewError(*problems)
    locked.status = ReviewRound.Status.OPEN
    locked.opened_at = timezone.now()
    locked.opened_by = actor
    locked.public_key = _issue_shares(locked)
    locked.freeze_record = canonical_json(freeze_record(locked))
    locked.freeze_hash = sha256_hex(locked.freeze_record)
    locked.save()
    for cand in candidates:
        workstation_transition(workstation=cand.workstation_id, transition="start_review", actor=actor)
    _event(locked, RoundEvent.Kind.OPENED, actor, locked.freeze_hash)
    notify(
        recipients=[kh.holder for kh in locked.key_holders.select_related("holder")],
        message="review.key_share",
        params={"title": locked.title},
        url=reverse("review:key_share", args=[locked.pk]),
    )
    notify(
        recipients=members,
        message="review.open",
        params={"title": locked.title},
        url=reverse("review:round_detail", args=[locked.pk]),
    )
    return locked


@transaction.atomic
def round_delete(*, review_round: ReviewRound, actor: User) -> str:
    """Delete a round that never opened (an empty or mistaken one): no ballot, no frozen rule, no workstation moved.
    Its candidates are free for another round. Returns the title, for the message."""
    require_role(actor, Role.CITY_STAFF)
    locked = _lock(review_round)
    if not locked.is_draft:
        raise ReviewError(
            _("Only a round that has not been opened can be deleted; an opened round is part of the record.")
        )
    title = locked.title
    locked.recusals.all().delete()
    locked.key_holders.all().delete()
    locked.events.all().delete()
    locked.candidates.all().delete()
    locked.delete()
    return title
