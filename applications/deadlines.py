"""Deadline reminders of the application stage (portal.deadlines runs them daily): a draft not sent before the call
closes; applications still waiting for their recommender before the recommendation deadline."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.urls import reverse

from portal.deadlines import stage_reached
from portal.notifications import notify_organisation

CALL_DRAFT_STAGES = (7, 1)
RECOMMENDATION_STAGES = (7, 1)


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
