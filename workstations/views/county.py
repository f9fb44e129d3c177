"""Art. 8, 11(3), 12: the county bureau's read view of the recognised workstations of its county, and its own
annual opinion. Objections and ballots are not part of it (they stay with the city's review)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.measures.selectors import Timeline
from portal.permissions import get_visible_or_404, role_required
from portal.refusals import refusal_to_form
from portal.roles import Role
from workstations.forms.county import CountyOpinionForm
from workstations.models import Workstation
from workstations.models.county import CountyOpinion
from workstations.models.evaluations import EvaluationResult
from workstations.rules import compliance
from workstations.rules.county import is_county_clerk
from workstations.selectors.county import county_workstations
from workstations.selectors.outcomes import load_counts
from workstations.services.county import county_opinion_record
from workstations.services.outcomes import OutcomeRefused


def _require_county(user) -> None:
    if not is_county_clerk(user):
        raise PermissionDenied(_("This page is for county bureaus."))


@role_required(Role.RECOMMENDER)
def county_overview(request: HttpRequest) -> HttpResponse:
    """Every recognised workstation of the county: state, term, plan, this year's compliance, the latest grade,
    the county's own opinion of this year, and links to the outcomes page and the ledger."""
    _require_county(request.user)
    today = timezone.localdate()
    workstations = list(
        county_workstations(request.user)
        .select_related("host_unit", "recommender")
        .prefetch_related(
            "terms",
            Prefetch(
                "evaluation_results",
                queryset=EvaluationResult.objects.filter(evaluation__status="closed")
                .select_related("evaluation")
                .order_by("-evaluation__year", "-pk"),
            ),
            Prefetch("county_opinions", queryset=CountyOpinion.objects.filter(year=today.year)),
        )
        .order_by("certified_on", "pk")
    )
    counts = load_counts(
        Workstation.objects.filter(pk__in=[w.pk for w in workstations]), range(today.year, today.year + 1)
    )
    with_plan = set(
        Workstation.objects.filter(pk__in=[w.pk for w in workstations], plans__isnull=False).values_list(
            "pk", flat=True
        )
    )
    rows = []
    timeline = Timeline(county=request.user.organisation_id)  # Art. 12: with the county's stricter rules
    for ws in workstations:
        results = list(ws.evaluation_results.all())
        opinions = list(ws.county_opinions.all())
        rows.append(
            {
                "ws": ws,
                "term": next(iter(ws.terms.all()), None),
                "has_plan": ws.pk in with_plan,
                "cells": [
                    (compliance.REQUIREMENT_LABELS[c.requirement], c)
                    for c in compliance.current_cells(ws.certified_on, counts.get(ws.pk, {}), today, timeline)
                ],
                "result": results[0] if results else None,
                "opinion": opinions[0] if opinions else None,
            }
        )
    return render(request, "workstations/county/overview.html", {"rows": rows, "today": today})


@role_required(Role.RECOMMENDER)
def county_opinion(request: HttpRequest, pk: int) -> HttpResponse:
    _require_county(request.user)
    ws = get_visible_or_404(
        Workstation.objects.filter(pk__in=county_workstations(request.user).values("pk")), request.user, pk=pk
    )
    year = request.GET.get("year") or request.POST.get("year") or timezone.localdate().year
    existing = CountyOpinion.objects.filter(workstation=ws, year=year).first() if str(year).isdigit() else None
    initial = {"year": year}
    if existing:
        initial.update(score=existing.score, opinion=existing.opinion)
    form = CountyOpinionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            county_opinion_record(
                workstation=ws,
                year=form.cleaned_data["year"],
                score=form.cleaned_data["score"],
                opinion=form.cleaned_data["opinion"],
                actor=request.user,
            )
        except OutcomeRefused as exc:
            refusal_to_form(form, exc)
        else:
            messages.success(request, _("The county's opinion has been recorded."))
            return redirect("workstations:county")
    history = CountyOpinion.objects.visible_to(request.user).filter(workstation=ws).select_related("recorded_by")
    return render(request, "workstations/county/opinion.html", {"workstation": ws, "form": form, "history": history})
