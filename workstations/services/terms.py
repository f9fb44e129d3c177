"""Writes and rules for a workstation's term (Art. 11(1) 期满评估, 11(2) 三年工作规划, 11(4) exit).

- Certification opens the first term: ``WORKSTATION_TERM_YEARS`` (3) years from the day of the confirmation document.
- Art. 11(1): the end-of-term evaluation decides the term. A pass (or a fail whose rectification passed) lets staff
  renew by decision: a new term follows the old one without a gap, and a new three-year plan is due (Art. 11(2)).
  A fail leads to rectification as for any failed evaluation, then to exit (Art. 11(4)2) — nothing here.
- A term that ends with no decision is flagged to city staff 90 and 30 days before its last day and on the day,
  once each (``term_flags_check``, daily by Celery beat, idempotent).
- After a revocation the host unit may not apply again for ``WORKSTATION_REAPPLY_BAN_YEARS`` years (0: no ban).
"""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.measures.selectors import measures_in_force
from portal.models import User
from portal.notifications import city_staff_users, notify, notify_organisation
from workstations.models import OPERATING_STATES, State, Workstation
from workstations.models.evaluations import EvaluationKind, EvaluationResult, Grade, RectificationStatus
from workstations.models.terms import Term, TermBasis, TermFlag, TermOutcome
from workstations.rules.terms import term_end_for
from workstations.services.outcomes import OutcomeRefused, require_staff

PLAN_DUE_DAYS = 90  # as for the first plan (workstations.selectors.outcomes.PLAN_DUE_DAYS)
FLAG_DAYS = (90, 30, 0)


def term_years(on: date | None = None) -> int:
    return measures_in_force(on).term_years  # Art. 11(1), the measures' numbers in force on ``on`` (portal.measures)


def current_term(workstation: Workstation) -> Term | None:
    return workstation.terms.order_by("-number").first()


def term_open_first(*, workstation: Workstation, starts_on: date, decision_reference: str, actor: User) -> Term:
    """Art. 6(4), 11(1): certification opens the first term. Called inside the confirmation's transaction."""
    years = term_years(starts_on)
    term, _created = Term.objects.get_or_create(
        workstation=workstation,
        number=1,
        defaults={
            "starts_on": starts_on,
            "ends_on": term_end_for(starts_on, years),
            "years": years,
            "basis": TermBasis.CERTIFICATION,
            "decision_reference": decision_reference,
            "decided_on": starts_on,
            "plan_due_on": starts_on + timedelta(days=PLAN_DUE_DAYS),
            "measures_version_id": measures_in_force(starts_on).version_id,
            "created_by": actor,
        },
    )
    return term


def end_of_term_result(workstation: Workstation, term: Term) -> EvaluationResult | None:
    """The closed end-of-term evaluation result that decides ``term``: of the year the term ends in (or later)."""
    return (
        EvaluationResult.objects.filter(
            workstation=workstation,
            evaluation__kind=EvaluationKind.END_OF_TERM,
            evaluation__status="closed",
            evaluation__year__gte=term.ends_on.year,
        )
        .select_related("evaluation")
        .order_by("-evaluation__year", "-pk")
        .first()
    )


def renewal_problems(workstation: Workstation, term: Term | None) -> list[str]:
    """Why the term cannot be renewed now (empty when it can)."""
    if term is None:
        return [_("This workstation has no term on record.")]
    if term.outcome:
        return [_("This term has already been decided.")]
    if workstation.state != State.ACTIVE:
        return [_("Only an active workstation can be renewed (not while it rectifies or after an exit).")]
    result = end_of_term_result(workstation, term)
    if result is None:
        return [_("No closed end-of-term evaluation covers this term yet.")]
    if result.grade == Grade.FAIL and not result.rectifications.filter(status=RectificationStatus.PASSED).exists():
        return [_("The end-of-term evaluation failed and no rectification has passed: the term cannot be renewed.")]
    return []


def term_renew(
    *, workstation: Workstation | int, actor: User, decision_reference: str, decided_on: date | None = None
) -> Term:
    """Art. 11(1)–(2): renew by decision after a passed end-of-term evaluation. The new term starts the day after
    the old one ends (no gap, no overlap) and a new three-year plan is due 90 days after the later of the decision
    and the new term's start."""
    require_staff(actor)
    decided_on = decided_on or timezone.localdate()
    if not decision_reference.strip():
        raise OutcomeRefused(_("Enter the number of the renewal decision."))
    pk = workstation.pk if isinstance(workstation, Workstation) else workstation
    with transaction.atomic():
        ws = Workstation.objects.select_for_update().select_related("host_unit").get(pk=pk)
        term = Term.objects.select_for_update().filter(workstation=ws).order_by("-number").first()
        problems = renewal_problems(ws, term)
        if problems or term is None:
            raise OutcomeRefused(problems)
        years = term_years(decided_on)
        starts_on = term.ends_on + timedelta(days=1)
        new = Term.objects.create(
            workstation=ws,
            number=term.number + 1,
            starts_on=starts_on,
            ends_on=term_end_for(starts_on, years),
            years=years,
            basis=TermBasis.RENEWAL,
            decision_reference=decision_reference.strip(),
            decided_on=decided_on,
            evaluation_result=end_of_term_result(ws, term),
            plan_due_on=max(starts_on, decided_on) + timedelta(days=PLAN_DUE_DAYS),
            measures_version_id=measures_in_force(decided_on).version_id,
            created_by=actor,
        )
        term.outcome = TermOutcome.RENEWED
        term.save(update_fields=["outcome"])
        audit_record(
            actor=actor,
            action="workstation.term_renewed",
            obj=ws,
            before={"term": term.number, "ends_on": term.ends_on.isoformat()},
            after={
                "term": new.number,
                "starts_on": new.starts_on.isoformat(),
                "ends_on": new.ends_on.isoformat(),
                "decision": new.decision_reference,
            },
        )
        notify_organisation(
            organisation=ws.host_unit,
            message="term.renewed",
            params={"ws": ws.name, "end": new.ends_on, "due": new.plan_due_on},
            url=reverse("workstations:plan_new", args=[ws.pk]),
        )
    return new


def plan_filed_for(term: Term | None, workstation: Workstation) -> bool:
    """Art. 11(2): a plan counts for a renewed term only when filed after the renewal was recorded (not after the
    decision's date, which may be back-dated to before a plan that belongs to the old term)."""
    if term is None:
        return workstation.plans.exists()
    if term.basis == TermBasis.CERTIFICATION:
        return workstation.plans.exists()
    return workstation.plans.filter(submitted_at__gt=term.created_at).exists()


def term_plan_status(workstation: Workstation, today: date) -> dict | None:
    """For a renewed term: when its new plan is due, whether it is filed and whether it is overdue."""
    term = current_term(workstation)
    if term is None or term.basis != TermBasis.RENEWAL:
        return None
    filed = plan_filed_for(term, workstation)
    return {"term": term, "filed": filed, "overdue": not filed and today > term.plan_due_on}


def term_flags_check(*, today: date | None = None) -> dict[str, int]:
    """Scheduled daily: every running term of an operating workstation that reaches 90, 30 or 0 days before its
    last day with no decision is flagged to city staff, once per threshold (a unique row per term and threshold).
    A run that was missed catches up with the tightest threshold reached and records the skipped ones silently.
    Also reminds the host unit of a renewed term's overdue plan (once)."""
    today = today or timezone.localdate()
    done = {"flagged": 0, "plan": 0}
    horizon = today + timedelta(days=max(FLAG_DAYS))
    staff = list(city_staff_users())
    terms = Term.objects.filter(
        outcome=TermOutcome.OPEN, workstation__state__in=OPERATING_STATES, ends_on__lte=horizon
    ).select_related("workstation__host_unit")
    for term in terms:
        days_left = (term.ends_on - today).days
        reached = [d for d in FLAG_DAYS if days_left <= d]
        if not reached:
            continue
        seen = set(term.flags.values_list("days_before", flat=True))
        new = [d for d in reached if d not in seen]
        if not new:
            continue
        try:
            with transaction.atomic():
                for d in new:
                    TermFlag.objects.create(term=term, days_before=d, flagged_on=today)
                tightest = min(new)
                ws = term.workstation
                if days_left >= 0 and tightest > 0:
                    message = "term.ending"
                elif days_left >= 0:
                    message = "term.ends_today"
                else:
                    message = "term.ended"
                notify(
                    recipients=staff,
                    message=message,
                    params={"ws": ws.name, "end": term.ends_on, "n": days_left},
                    url=reverse("workstations:terms"),
                    dedup_key=f"term-flag:{term.pk}:{tightest}",
                )
        except IntegrityError:  # another run flagged it first
            continue
        done["flagged"] += 1
    renewed = Term.objects.filter(
        basis=TermBasis.RENEWAL,
        outcome=TermOutcome.OPEN,
        workstation__state__in=OPERATING_STATES,
        plan_due_on__lt=today,
    ).select_related("workstation__host_unit")
    for term in renewed:
        if not plan_filed_for(term, term.workstation):
            done["plan"] += notify_organisation(
                organisation=term.workstation.host_unit,
                message="term.plan_overdue",
                params={"ws": term.workstation.name, "date": term.plan_due_on},
                url=reverse("workstations:plan_new", args=[term.workstation_id]),
                dedup_key=f"term-plan-overdue:{term.pk}",
            )
    return done


def terms_ending(*, today: date, within_days: int = 90):
    """Running terms of operating workstations that end within ``within_days`` or have ended undecided."""
    return (
        Term.objects.filter(
            outcome=TermOutcome.OPEN,
            workstation__state__in=OPERATING_STATES,
            ends_on__lte=today + timedelta(days=within_days),
        )
        .select_related("workstation__host_unit", "workstation__recommender", "workstation__host_unit__county")
        .prefetch_related("flags")
        .order_by("ends_on", "pk")
    )


# --- re-applying after a revocation (Art. 11(4)2) -------------------------------------------------------------
