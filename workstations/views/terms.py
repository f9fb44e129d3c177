"""Art. 11(1): the staff list of terms ending or ended with no decision, and the renewal decision (with a
confirmation step that states what it does)."""

from datetime import timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.permissions import get_visible_or_404, role_required
from portal.refusals import refusal_to_messages
from portal.roles import CITY_WIDE_ROLES, Role
from workstations.forms.terms import RenewalForm
from workstations.models import Workstation
from workstations.services.outcomes import OutcomeRefused
from workstations.services.terms import (
    PLAN_DUE_DAYS,
    current_term,
    end_of_term_result,
    renewal_problems,
    term_end_for,
    term_renew,
    term_years,
    terms_ending,
)


@role_required(*CITY_WIDE_ROLES)
def term_list(request: HttpRequest) -> HttpResponse:
    """Terms of operating workstations that end within 90 days or have ended with no decision."""
    today = timezone.localdate()
    rows = []
    for term in terms_ending(today=today):
        rows.append({"term": term, "days_left": (term.ends_on - today).days, "flags": list(term.flags.all())})
    return render(request, "workstations/terms/list.html", {"rows": rows, "today": today})


@role_required(Role.CITY_STAFF)
def term_renew_view(request: HttpRequest, pk: int) -> HttpResponse:
    workstation = get_visible_or_404(Workstation.objects.select_related("host_unit"), request.user, pk=pk)
    term = current_term(workstation)
    problems = renewal_problems(workstation, term)
    result = end_of_term_result(workstation, term) if term else None
    form = RenewalForm(request.POST or None)
    if request.method == "POST" and not problems and form.is_valid():
        try:
            new = term_renew(
                workstation=workstation,
                actor=request.user,
                decision_reference=form.cleaned_data["decision_reference"],
                decided_on=form.cleaned_data["decided_on"],
            )
        except OutcomeRefused as exc:
            refusal_to_messages(request, exc)
        else:
            messages.success(request, _("Renewed: term %(n)d has been recorded.") % {"n": new.number})
            return redirect("workstations:detail", pk=workstation.pk)
    new_start = term.ends_on + timedelta(days=1) if term else None
    return render(
        request,
        "workstations/terms/renew.html",
        {
            "workstation": workstation,
            "term": term,
            "result": result,
            "problems": problems,
            "form": form,
            "new_start": new_start,
            "new_end": term_end_for(new_start, term_years()) if new_start else None,
            "plan_days": PLAN_DUE_DAYS,
        },
    )
