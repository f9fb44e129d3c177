from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from portal.paging import page_of
from portal.permissions import get_visible_or_404
from portal.roles import Role
from workstations.models import State, Workstation
from workstations.selectors.lifecycle import related_records, state_counts_for, timeline_for, workstation_list_for
from workstations.services.lifecycle import available_transitions


@login_required
def workstation_list(request: HttpRequest) -> HttpResponse:
    qs = workstation_list_for(request.user)
    state = request.GET.get("state", "")
    if state in State.values:
        qs = qs.filter(state=state)
    page = page_of(request, qs)
    counts = state_counts_for(request.user)
    return render(
        request,
        "workstations/list.html",
        {
            "page": page,
            "state": state,
            "state_counts": [(s, counts.get(s.value, 0)) for s in State],
        },
    )


@login_required
def workstation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    workstation = get_visible_or_404(
        Workstation.objects.select_related("host_unit", "host_unit__county", "recommender", "plaque"),
        request.user,
        pk=pk,
    )
    transitions = available_transitions(workstation, request.user)
    return render(
        request,
        "workstations/detail.html",
        {
            "workstation": workstation,
            "timeline": timeline_for(workstation),
            "transitions": transitions,
            "related": related_records(workstation, request.user),
            "requeue_url": _requeue_url(workstation, request.user, transitions),
            "terms": list(workstation.terms.select_related("measures_version")),
        },
    )


def _requeue_url(workstation, user, transitions) -> str:
    """Issue 15 item 5: "重新评审" after a failed quorum, tie or voided vote is a link to the review round's decision
    page (reached by string lookups; workstations does not import review). No query unless it is a next step."""
    if not (user.has_role(Role.CITY_STAFF) and any(t.name == "requeue_review" for t in transitions)):
        return ""
    candidate = (
        workstation.review_candidacies.filter(
            round__status="closed",
            requeued_at__isnull=True,
            outcome__in=["no_quorum", "too_few_experts", "tie", "voided"],
        )
        .order_by("-round_id")
        .first()
    )
    return reverse("review:candidate_requeue", args=[candidate.round_id, candidate.pk]) if candidate else ""
