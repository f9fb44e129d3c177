"""Reminders of the deadlines a user must meet (issue 19 item 4), in one daily job.

Each reminder goes out once per deadline and stage: a stage is "this many days (or working days) or fewer are left
after today"; a run sends the tightest stage reached, keyed ``deadline:<kind>:<object>:<stage>``, so running twice
sends nothing new and a job that was down for a few days sends one reminder, not one per missed stage. A task already
done (the application submitted, every ballot cast, the statement filed, the plan filed, the objections decided, the
rectification report filed) is not reminded.

Deadlines already reminded elsewhere are left there: the Art. 10 activity requirements and the overdue work plan
(``workstations.reminders``), the 14-day rectification warning and the missed deadline
(``workstations.services_evaluations``), the ends of terms (``workstations.services_terms``), the end of publicity
with objections still open (``review.publicity.services``). docs/operations.md lists the job's stages.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from celery import shared_task
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from portal.notifications import city_staff_users, notify, notify_organisation

logger = logging.getLogger(__name__)

# Days (calendar, unless said) left after today at which a reminder goes out.
CALL_DRAFT_STAGES = (7, 1)
RECOMMENDATION_STAGES = (7, 1)
BALLOT_STAGES = (3, 1)
PLAN_STAGES = (14, 3)
RECTIFICATION_STAGES = (7, 1)  # besides the 14-day warning of workstations.services_evaluations
EXIT_STATEMENT_STAGES = (3, 1)  # working days (the statement period is counted in working days)
PUBLICITY_STAGES = (2, 0)  # working days (Art. 6(4): the window is five working days)
GRANT_LOOKBACK_DAYS = 30  # a grant publicity that ended longer ago is not reminded (e.g. on the first run)
EVALUATION_NUDGE_DAYS = 7  # self-evaluation and county opinion still missing this long after an evaluation opened


def stage_reached(left: int, stages: tuple[int, ...]) -> int | None:
    """The tightest stage ``left`` has reached, or ``None`` when the deadline is further off or has passed."""
    if left < 0:
        return None
    reached = [stage for stage in stages if left <= stage]
    return min(reached) if reached else None


def _working_days_left(today: dt.date, deadline: dt.date) -> int | None:
    """Working days after today up to and including the deadline; ``None`` when the calendar does not cover them."""
    from portal.workdays.services import CalendarNotCovered, working_days_between

    if deadline < today:
        return -1
    try:
        return working_days_between(today + dt.timedelta(days=1), deadline)
    except CalendarNotCovered:
        logger.warning("working-day calendar does not cover %s; deadline reminder skipped", deadline)
        return None


def remind_call_drafts(today: dt.date) -> int:
    """Host unit: an application still a draft when its call closes is not considered (Art. 6(1))."""
    from applications.models import Application
    from workstations.models import State

    sent = 0
    drafts = Application.objects.filter(
        workstation__state=State.DRAFT,
        call__closed_at__isnull=True,
        call__closes_on__gte=today,
        call__closes_on__lte=today + dt.timedelta(days=max(CALL_DRAFT_STAGES)),
    ).select_related("call", "workstation__host_unit")
    for application in drafts:
        stage = stage_reached((application.call.closes_on - today).days, CALL_DRAFT_STAGES)
        if stage is None:
            continue
        sent += notify_organisation(
            organisation=application.workstation.host_unit,
            message="deadline.call_draft",
            params={
                "name": application.workstation.name,
                "call": application.call.title,
                "date": application.call.closes_on,
            },
            url=reverse("applications:detail", args=[application.pk]),
            dedup_key=f"deadline:call-draft:{application.pk}:{stage}",
        )
    return sent


def remind_recommenders(today: dt.date) -> int:
    """County bureau or university: applications addressed to it and not yet recommended, returned or declined when
    the call's recommendation deadline comes (Art. 6(2))."""
    from applications.models import Application
    from workstations.models import State

    waiting: dict[tuple, int] = defaultdict(int)
    calls = {}
    for application in Application.objects.filter(
        workstation__state=State.SUBMITTED, call__closed_at__isnull=True, workstation__recommender__isnull=False
    ).select_related("call", "workstation__recommender"):
        call = application.call
        stage = stage_reached((call.last_recommendation_day - today).days, RECOMMENDATION_STAGES)
        if stage is None:
            continue
        calls[call.pk] = call
        waiting[(call.pk, application.workstation.recommender, stage)] += 1
    sent = 0
    for (call_pk, recommender, stage), count in waiting.items():
        call = calls[call_pk]
        sent += notify_organisation(
            organisation=recommender,
            message="deadline.recommendation",
            params={"count": count, "call": call.title, "date": call.last_recommendation_day},
            url=reverse("applications:recommender_desk", args=[call.pk]),
            dedup_key=f"deadline:recommend:{call.pk}:{stage}",
        )
    return sent


def remind_experts(today: dt.date) -> int:
    """Expert: a review round closing while this expert still has candidates to vote on (neither cast nor recused)."""
    from portal.workdays.services import local_date
    from review.models import Participation, Recusal, ReviewRound

    sent = 0
    rounds = ReviewRound.objects.filter(status=ReviewRound.Status.OPEN, closes_at__isnull=False)
    for review_round in rounds:
        closes_on = local_date(review_round.closes_at)
        stage = stage_reached((closes_on - today).days, BALLOT_STAGES)
        if stage is None:
            continue
        candidates = set(review_round.candidates.filter(voided=False).values_list("pk", flat=True))
        done: dict[int, set[int]] = defaultdict(set)
        for model in (Participation, Recusal):
            for expert_id, candidate_id in model.objects.filter(round=review_round).values_list(
                "expert_id", "candidate_id"
            ):
                done[expert_id].add(candidate_id)
        behind = [
            seat.expert for seat in review_round.experts.select_related("expert") if candidates - done[seat.expert_id]
        ]
        sent += notify(
            recipients=behind,
            message="deadline.ballot",
            params={"title": review_round.title, "date": closes_on},
            url=reverse("review:round_detail", args=[review_round.pk]),
            dedup_key=f"deadline:ballot:{review_round.pk}:{stage}",
        )
    return sent


def remind_exit_statements(today: dt.date) -> int:
    """Host unit: the working days left to file its statement on a proposed forced exit."""
    from workstations.exit_services import statement_deadline
    from workstations.exits import FORCED_GROUNDS, ExitCase, ExitStatus

    sent = 0
    cases = ExitCase.objects.filter(status=ExitStatus.PROPOSED, statement_at__isnull=True, ground__in=FORCED_GROUNDS)
    for case in cases.select_related("workstation__host_unit"):
        deadline = statement_deadline(case)
        left = _working_days_left(today, deadline)
        stage = None if left is None else stage_reached(left, EXIT_STATEMENT_STAGES)
        if stage is None:
            continue
        sent += notify_organisation(
            organisation=case.workstation.host_unit,
            message="deadline.exit_statement",
            params={"name": case.workstation.name, "date": deadline},
            url=reverse("workstations:exit_detail", args=[case.pk]),
            dedup_key=f"deadline:exit-statement:{case.pk}:{stage}",
        )
    return sent


def remind_publicity_objections(today: dt.date) -> int:
    """City staff: a publicity window about to end while objections against its candidates are not decided."""
    from review.publicity.models import Objection, PublicityList

    sent = 0
    lists = (
        PublicityList.objects.filter(withdrawn_at__isnull=True, closed_at__isnull=True, last_day__gte=today)
        .annotate(
            open_objections=Count("entries__objections", filter=Q(entries__objections__status__in=Objection.UNRESOLVED))
        )
        .filter(open_objections__gt=0)
    )
    staff = list(city_staff_users())
    for publicity_list in lists:
        left = _working_days_left(today, publicity_list.last_day)
        stage = None if left is None else stage_reached(left, PUBLICITY_STAGES)
        if stage is None:
            continue
        sent += notify(
            recipients=staff,
            message="deadline.publicity_objections",
            params={
                "title": publicity_list.title,
                "date": publicity_list.last_day,
                "count": publicity_list.open_objections,
            },
            url=reverse("publicity:list_detail", args=[publicity_list.pk]),
            dedup_key=f"deadline:publicity:{publicity_list.pk}:{stage}",
        )
    return sent


def remind_work_plans(today: dt.date) -> int:
    """Host unit: the three-year work plan due after recognition (Art. 11(2)) and not yet filed."""
    from workstations.models import Workstation
    from workstations.selectors_outcomes import plan_due_on

    sent = 0
    for ws in Workstation.objects.operating().filter(plans__isnull=True).select_related("host_unit"):
        due = plan_due_on(ws)
        stage = None if due is None else stage_reached((due - today).days, PLAN_STAGES)
        if stage is None:
            continue
        sent += notify_organisation(
            organisation=ws.host_unit,
            message="deadline.plan",
            params={"ws": ws.name, "date": due},
            url=reverse("workstations:plan_new", args=[ws.pk]),
            dedup_key=f"deadline:plan:{ws.pk}:{due.isoformat()}:{stage}",
        )
    return sent


def remind_rectifications(today: dt.date) -> int:
    """Host unit: the rectification report due by the deadline (Art. 11(4)2), a week and a day before."""
    from workstations.models_evaluations import Rectification, RectificationStatus

    sent = 0
    rects = Rectification.objects.filter(
        status=RectificationStatus.OPEN,
        deadline__gte=today,
        deadline__lte=today + dt.timedelta(days=max(RECTIFICATION_STAGES)),
    ).select_related("workstation__host_unit")
    for rect in rects:
        stage = stage_reached((rect.deadline - today).days, RECTIFICATION_STAGES)
        if stage is None:
            continue
        sent += notify_organisation(
            organisation=rect.workstation.host_unit,
            message="rectification.due",
            params={"date": rect.deadline, "ws": rect.workstation.name},
            url=reverse("workstations:rectification", args=[rect.pk]),
            dedup_key=f"deadline:rect:{rect.pk}:{stage}",
        )
    return sent


def remind_before_scoring(today: dt.date) -> int:
    """Art. 11(3): an open evaluation is scored by staff with the host unit's self-evaluation (自评, 工作成果申报) and,
    for an annual one, the county's opinion of the year. Neither has a due date of its own (the round closes when staff
    have scored it), so those still missing a week after the round opened are reminded once."""
    from portal.workdays.services import local_date
    from workstations.models_county import CountyOpinion
    from workstations.models_evaluations import Evaluation, EvaluationKind

    sent = 0
    for evaluation in Evaluation.objects.filter(status=Evaluation.Status.OPEN):
        if (today - local_date(evaluation.opened_at)).days < EVALUATION_NUDGE_DAYS:
            continue
        unscored = evaluation.results.filter(grade="").select_related(
            "workstation__host_unit__county", "workstation__recommender"
        )
        for result in unscored.filter(self_evaluation__isnull=True):
            sent += notify_organisation(
                organisation=result.workstation.host_unit,
                message="deadline.self_evaluation",
                params={"title": evaluation.title, "ws": result.workstation.name},
                url=reverse("workstations:self_evaluation", args=[result.pk]),
                dedup_key=f"deadline:self-eval:{result.pk}",
            )
        if evaluation.kind != EvaluationKind.ANNUAL:
            continue
        have = set(
            CountyOpinion.objects.filter(
                year=evaluation.year, workstation__in=[r.workstation_id for r in unscored]
            ).values_list("workstation_id", flat=True)
        )
        missing: dict = defaultdict(int)
        for result in unscored:
            ws = result.workstation
            county = ws.county
            if county is not None and ws.pk not in have:
                missing[county] += 1
        for county, count in missing.items():
            sent += notify_organisation(
                organisation=county,
                message="deadline.county_opinion",
                params={"title": evaluation.title, "year": evaluation.year, "count": count},
                url=reverse("workstations:county"),
                dedup_key=f"deadline:county-opinion:{evaluation.pk}",
            )
    return sent


def remind_grant_payments(today: dt.date) -> int:
    """Whoever pays a published grant (the city for its grant and awards, the county for its matching grant): the five
    working days are over and the payment (拨付) is not recorded yet. Once per grant, for windows ended within
    ``GRANT_LOOKBACK_DAYS``."""
    from subsidies.models import Kind
    from subsidies.models.trail import GrantPublicity

    sent = 0
    ended = GrantPublicity.objects.filter(
        last_day__lt=today,
        last_day__gte=today - dt.timedelta(days=GRANT_LOOKBACK_DAYS),
        entry__disbursement__isnull=True,
        entry__reversed_by__isnull=True,
    ).select_related("entry__ledger__workstation__recommender", "entry__ledger__workstation__host_unit__county")
    for publicity in ended:
        grant, ws = publicity.entry, publicity.entry.ledger.workstation
        said = {
            "message": "deadline.grant_payment",
            "params": {"kind": grant.kind, "amount": grant.amount, "ws": ws.name, "date": publicity.last_day},
            "url": reverse("subsidies:ledger", args=[ws.pk]),
            "dedup_key": f"deadline:grant-payment:{publicity.pk}",
        }
        if grant.kind == Kind.COUNTY_GRANT:
            sent += notify_organisation(organisation=ws.county, **said)
        else:
            sent += notify(recipients=city_staff_users(), **said)
    return sent


REMINDERS = {
    "call_draft": remind_call_drafts,
    "recommendation": remind_recommenders,
    "ballot": remind_experts,
    "exit_statement": remind_exit_statements,
    "publicity": remind_publicity_objections,
    "plan": remind_work_plans,
    "rectification": remind_rectifications,
    "before_scoring": remind_before_scoring,
    "grant_payment": remind_grant_payments,
}


def send_deadline_reminders(*, today: dt.date | None = None) -> dict[str, int]:
    """Every deadline reminder due today; returns how many messages each kind sent. Safe to run twice."""
    today = today or timezone.localdate()
    return {kind: remind(today) for kind, remind in REMINDERS.items()}


@shared_task(name="portal.deadlines.send_deadline_reminders")
def send_deadline_reminders_task() -> dict[str, int]:
    return send_deadline_reminders()
