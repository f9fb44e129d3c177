"""Reads of the review stage, and the fetch-and-authorise helpers every review view uses (STYLE habit 3)."""

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from portal.permissions import get_visible_or_404
from portal.roles import Role
from review.models import Participation, Recusal, ReviewRound, RoundCandidate
from workstations.models import State, Workstation


def round_list_for(user) -> QuerySet[ReviewRound]:
    return (
        ReviewRound.objects.visible_to(user)
        .select_related("panel", "panel__call")
        .annotate(n_candidates=Count("candidates", distinct=True))
        .order_by("-created_at", "-id")
    )


def get_round_for(user, pk: int) -> ReviewRound:
    return get_visible_or_404(
        ReviewRound.objects.select_related("panel", "panel__call", "opened_by", "closed_by"), user, pk=pk
    )


def get_candidate_for(user, round_pk: int, candidate_pk: int) -> tuple[ReviewRound, RoundCandidate]:
    """The candidate page: staff and the supervisor, or an expert of the round who is not recused from it."""
    review_round = get_round_for(user, round_pk)
    try:
        candidate = review_round.candidates.select_related("workstation", "workstation__host_unit").get(pk=candidate_pk)
    except RoundCandidate.DoesNotExist as exc:
        raise Http404(_("Not found, or not yours to see.")) from exc
    if user.role == Role.EXPERT and candidate.recusals.filter(expert=user).exists():
        raise Http404(_("You are recused from this candidate."))
    return review_round, candidate


def candidates_of(review_round: ReviewRound) -> list[RoundCandidate]:
    return list(
        review_round.candidates.select_related("workstation", "workstation__host_unit")
        .prefetch_related(Prefetch("recusals", queryset=Recusal.objects.select_related("expert")))
        .annotate(n_ballots=Count("participations", distinct=True))
        .order_by("workstation_id")
    )


def expert_view_of(user, review_round: ReviewRound, candidates) -> dict[int, str]:
    """For each candidate, what the expert can do: "vote", "voted" or "recused"."""
    voted = set(Participation.objects.filter(round=review_round, expert=user).values_list("candidate_id", flat=True))
    recused = set(review_round.recusals.filter(expert=user).values_list("candidate_id", flat=True))
    return {c.pk: "recused" if c.pk in recused else "voted" if c.pk in voted else "vote" for c in candidates}


def attendance(review_round: ReviewRound) -> dict:
    """Who has voted on what (never how): the matrix expert × candidate with "voted", "recused" or ""."""
    experts = [e.expert for e in review_round.experts.select_related("expert").order_by("expert_id")]
    if review_round.is_draft:
        experts = list(review_round.panel.members.order_by("pk"))
    candidates = list(review_round.candidates.select_related("workstation").order_by("workstation_id"))
    voted = set(Participation.objects.filter(round=review_round).values_list("expert_id", "candidate_id"))
    recused = set(review_round.recusals.values_list("expert_id", "candidate_id"))
    rows = []
    for expert in experts:
        cells = [
            "recused" if (expert.pk, c.pk) in recused else "voted" if (expert.pk, c.pk) in voted else ""
            for c in candidates
        ]
        rows.append({"expert": expert, "cells": cells, "voted": cells.count("voted")})
    per_candidate = [sum(1 for e in experts if (e.pk, c.pk) in voted) for c in candidates]
    return {"candidates": candidates, "rows": rows, "per_candidate": per_candidate, "total": len(voted)}


def recommended_workstations(call_id: int | None = None) -> QuerySet[Workstation]:
    """Workstations on the recommended list; of one call when ``call_id`` is given (through ``application__call``,
    a string lookup: review does not import the applications app)."""
    qs = Workstation.objects.filter(state=State.QUALIFIED)  # passed the city's 资格审查 (issue 16)
    if call_id is not None:
        qs = qs.filter(application__call_id=call_id)
    return qs.select_related("host_unit", "recommender").order_by("recommender__name", "id")


def default_candidates(review_round: ReviewRound, queryset: QuerySet[Workstation]) -> list[Workstation]:
    """What a new round of a panel formed for a call starts with: the call's recommended applications that no other
    draft or open round holds. Nothing is preselected for a panel without a call."""
    if not review_round.panel.call_id:
        return []
    busy = RoundCandidate.objects.filter(round__status__in=[ReviewRound.Status.DRAFT, ReviewRound.Status.OPEN]).exclude(
        round=review_round
    )
    return list(queryset.exclude(pk__in=busy.values("workstation_id")))


def pending_ballots_for(user) -> list[tuple[ReviewRound, int]]:
    """Open rounds where the expert still has candidates to vote on, with how many."""
    result = []
    rounds = ReviewRound.objects.filter(status=ReviewRound.Status.OPEN, experts__expert=user).order_by("pk")
    for review_round in rounds:
        total = review_round.candidates.filter(voided=False).exclude(recusals__expert=user).count()
        done = Participation.objects.filter(round=review_round, expert=user).count()
        if total > done:
            result.append((review_round, total - done))
    return result
