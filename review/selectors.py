"""Reads of the review stage, and the fetch-and-authorise helpers every review view uses (STYLE habit 3)."""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from portal.models import User
from portal.paging import matrix_columns, page_of
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


def candidate_rows(review_round: ReviewRound) -> QuerySet[RoundCandidate]:
    return (
        review_round.candidates.select_related("workstation", "workstation__host_unit")
        .prefetch_related(Prefetch("recusals", queryset=Recusal.objects.select_related("expert")))
        # Counted per row shown (a subquery), not by grouping every participation of the round (issue 21).
        .annotate(n_ballots=Coalesce(Subquery(_ballots_of_candidate(), output_field=IntegerField()), 0))
        .order_by("workstation_id")
    )


def _ballots_of_candidate() -> QuerySet:
    return (
        Participation.objects.filter(candidate=OuterRef("pk"))
        .order_by()
        .values("candidate")
        .annotate(n=Count("pk"))
        .values("n")
    )


def candidates_of(review_round: ReviewRound) -> list[RoundCandidate]:
    return list(candidate_rows(review_round))


def expert_view_of(user, review_round: ReviewRound, candidates) -> dict[int, str]:
    """For each candidate, what the expert can do: "vote", "voted" or "recused"."""
    voted = set(Participation.objects.filter(round=review_round, expert=user).values_list("candidate_id", flat=True))
    recused = set(review_round.recusals.filter(expert=user).values_list("candidate_id", flat=True))
    return {c.pk: "recused" if c.pk in recused else "voted" if c.pk in voted else "vote" for c in candidates}


def attendance(review_round: ReviewRound, request) -> dict:
    """Who has voted on what (never how), a page at a time (issue 21): ``PORTAL_PAGE_SIZE`` experts (rows, pager
    ``experts``) × ``PORTAL_MATRIX_COLUMNS`` candidates (columns, pager ``columns``) with "voted", "recused" or "";
    each row's and column's ballots and the total are counted over the whole round, in the database."""
    if review_round.is_draft:
        experts_qs = review_round.panel.members.order_by("pk")
    else:
        experts_qs = User.objects.filter(review_seats__round=review_round).order_by("pk")
    experts_page = page_of(request, experts_qs, param="experts")
    columns_page = page_of(
        request,
        review_round.candidates.select_related("workstation").order_by("workstation_id"),
        param="columns",
        size=matrix_columns(),
    )
    experts, candidates = list(experts_page), list(columns_page)
    expert_ids, candidate_ids = [e.pk for e in experts], [c.pk for c in candidates]
    ballots = Participation.objects.filter(round=review_round)
    voted = set(
        ballots.filter(expert_id__in=expert_ids, candidate_id__in=candidate_ids).values_list(
            "expert_id", "candidate_id"
        )
    )
    recused = set(
        review_round.recusals.filter(expert_id__in=expert_ids, candidate_id__in=candidate_ids).values_list(
            "expert_id", "candidate_id"
        )
    )
    per_expert = dict(
        ballots.filter(expert_id__in=expert_ids)
        .values("expert_id")
        .annotate(n=Count("id"))
        .values_list("expert_id", "n")
    )
    per_candidate = dict(
        ballots.filter(candidate_id__in=candidate_ids)
        .values("candidate_id")
        .annotate(n=Count("id"))
        .values_list("candidate_id", "n")
    )
    rows = []
    for expert in experts:
        cells = [
            "recused" if (expert.pk, c.pk) in recused else "voted" if (expert.pk, c.pk) in voted else ""
            for c in candidates
        ]
        rows.append({"expert": expert, "cells": cells, "voted": per_expert.get(expert.pk, 0)})
    return {
        "candidates": candidates,
        "rows": rows,
        "per_candidate": [per_candidate.get(c.pk, 0) for c in candidates],
        "total": ballots.count(),
        "experts_page": experts_page,
        "columns_page": columns_page,
    }


def ballots_cast(review_round: ReviewRound) -> dict:
    """The round page's one figure while a round is open: how many ballots, counted in the database."""
    return {"total": Participation.objects.filter(round=review_round).count()}


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
