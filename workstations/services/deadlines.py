"""Deadline reminders of a workstation's life (portal.deadlines runs them daily): the statement on a proposed forced
exit, the three-year work plan, the rectification report, the self-evaluation and the county's opinion before an
evaluation is scored."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.urls import reverse

from portal.deadlines import stage_reached, working_days_left
from portal.notifications import notify_organisation

PLAN_STAGES = (14, 3)
RECTIFICATION_STAGES = (7, 1)  # besides the 14-day warning of workstations.services.rectifications
EXIT_STATEMENT_STAGES = (3, 1)  # working days (the statement period is counted in working days)
EVALUATION_NUDGE_DAYS = 7  # self-evaluation and county opinion still missing this long after an evaluation opened


def remind_exit_statements(today: dt.date) -> int:
    """Host unit: the working days left to file its statement on a proposed forced exit."""
    from workstations.models.exits import FORCED_GROUNDS, ExitCase, ExitStatus
    from workstations.services.exits import statement_deadline

    sent = 0
    cases = ExitCase.objects.filter(status=ExitStatus.PROPOSED, statement_at__isnull=True, ground__in=FORCED_GROUNDS)
    for case in cases.select_related("workstation__host_unit"):
        deadline = statement_deadline(case)
        left = working_days_left(today, deadline)
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


def remind_work_plans(today: dt.date) -> int:
    """Host unit: the three-year work plan due after recognition (Art. 11(2)) and not yet filed."""
    from workstations.models import Workstation
    from workstations.selectors.outcomes import plan_due_on

    sent = 0
    for ws in Workstation.objects.operating().filter(plans__isnull=True).select_related("host_unit"):
        due = plan_due_on(ws)
        if due is None or (stage := stage_reached((due - today).days, PLAN_STAGES)) is None:
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
    from workstations.models.evaluations import Rectification, RectificationStatus

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
    from workstations.models.county import CountyOpinion
    from workstations.models.evaluations import Evaluation, EvaluationKind

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
