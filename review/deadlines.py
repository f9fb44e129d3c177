"""Deadline reminders of the review stage (portal.deadlines runs them daily): an expert whose ballots are not all
cast before the round closes; city staff with objections undecided as the publicity window ends."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q
from django.urls import reverse

from portal.deadlines import stage_reached, working_days_left
from portal.notifications import city_staff_users, notify

BALLOT_STAGES = (3, 1)
PUBLICITY_STAGES = (2, 0)  # working days (Art. 6(4): the window is five working days)


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
        left = working_days_left(today, publicity_list.last_day)
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
