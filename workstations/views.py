from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal.permissions import get_visible_or_404
from workstations.models import State, Workstation
from workstations.selectors import related_records, state_counts_for, timeline_for, workstation_list_for
from workstations.services import available_transitions


@login_required
def workstation_list(request: HttpRequest) -> HttpResponse:
    qs = workstation_list_for(request.user)
    state = request.GET.get("state", "")
    if state in State.values:
        qs = qs.filter(state=state)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
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
    return render(
        request,
        "workstations/detail.html",
        {
            "workstation": workstation,
            "timeline": timeline_for(workstation),
            "transitions": available_transitions(workstation, request.user),
            "related": related_records(workstation, request.user),
            "terms": list(workstation.terms.all()),
        },
    )
