"""Correcting a recorded plaque handover (Art. 6(5)); the handover itself is in ``workstations.views.plaques``."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.permissions import get_visible_or_404, role_required
from portal.refusals import refusal_to_form
from portal.roles import Role
from workstations.forms.plaques import HandOverCorrectionForm
from workstations.models.plaques import Plaque
from workstations.services.lifecycle import TransitionRefused
from workstations.services.plaques import plaque_hand_over_correct


@role_required(Role.CITY_STAFF)
def plaque_hand_over_correct_view(request: HttpRequest, pk: int) -> HttpResponse:
    plaque = get_visible_or_404(Plaque.objects.select_related("workstation"), request.user, pk=pk)
    form = HandOverCorrectionForm(
        request.POST or None,
        initial={"handed_over_to": plaque.handed_over_to, "handed_over_on": plaque.handed_over_on},
    )
    if request.method == "POST" and form.is_valid():
        try:
            plaque_hand_over_correct(
                plaque=plaque,
                handed_over_to=form.cleaned_data["handed_over_to"],
                handed_over_on=form.cleaned_data["handed_over_on"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except TransitionRefused as exc:
            refusal_to_form(form, exc)
        else:
            messages.success(request, _("The handover is corrected; the earlier record stays in the history."))
            return redirect("plaques:hand_over_correct", pk=plaque.pk)
    return render(
        request,
        "workstations/plaques/correct.html",
        {
            "plaque": plaque,
            "form": form,
            "history": plaque.hand_over_corrections.select_related("corrected_by").order_by("corrected_at", "id"),
        },
    )
