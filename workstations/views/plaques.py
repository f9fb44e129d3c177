"""Staff pages for plaques (Art. 6(5)): make one for a certified workstation, record its handover (→ active); the
plaque PDF for staff and the workstation's own host unit. Served under /publicity/plaques/ (``plaque_urls``),
beside the confirmation documents they follow."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.pdf import stored_pdf_response
from portal.permissions import get_visible_or_404, role_required
from portal.refusals import refusal_to_messages
from portal.roles import Role
from workstations.forms.plaques import HandOverForm
from workstations.models import Workstation
from workstations.models.plaques import Plaque
from workstations.selectors.plaques import plaque_work
from workstations.services.lifecycle import TransitionRefused
from workstations.services.plaques import plaque_hand_over, plaque_issue

staff_only = role_required(Role.CITY_STAFF)


@staff_only
def plaque_index(request: HttpRequest) -> HttpResponse:
    certified, plaques = plaque_work()
    return render(
        request,
        "workstations/plaques/index.html",
        {
            "certified": certified,
            "plaques": plaques[:200],
            "hand_over_form": HandOverForm(initial={"handed_over_on": timezone.localdate()}),
        },
    )


@staff_only
@require_POST
def plaque_issue_view(request: HttpRequest, workstation_pk: int) -> HttpResponse:
    workstation = get_visible_or_404(Workstation.objects.all(), request.user, pk=workstation_pk)
    try:
        plaque = plaque_issue(workstation=workstation, actor=request.user)
    except TransitionRefused as exc:
        refusal_to_messages(request, exc)
    else:
        messages.success(request, _("Plaque %(number)s is made.") % {"number": plaque.number})
    return redirect("plaques:index")


@staff_only
@require_POST
def plaque_hand_over_view(request: HttpRequest, pk: int) -> HttpResponse:
    plaque = get_visible_or_404(Plaque.objects.select_related("workstation"), request.user, pk=pk)
    form = HandOverForm(request.POST)
    if form.is_valid():
        try:
            plaque_hand_over(
                plaque=plaque,
                handed_over_to=form.cleaned_data["handed_over_to"],
                handed_over_on=form.cleaned_data["handed_over_on"],
                actor=request.user,
            )
        except TransitionRefused as exc:
            refusal_to_messages(request, exc)
        else:
            messages.success(
                request, _("The handover is recorded; %(name)s is now active.") % {"name": plaque.workstation.name}
            )
            return redirect("plaques:index")
    certified, plaques = plaque_work()
    return render(
        request,
        "workstations/plaques/index.html",
        {"certified": certified, "plaques": plaques[:200], "hand_over_form": form, "form_for": plaque.pk},
        status=400,
    )


@login_required
def plaque_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff and the workstation's own host unit may download the plaque PDF; others get 404."""
    plaque = get_visible_or_404(Plaque.objects.all(), request.user, pk=pk)
    if request.user.role not in (Role.CITY_STAFF, Role.HOST_UNIT):
        raise Http404
    if not plaque.pdf:  # the worker has not rendered it yet: do it now
        from workstations.services.plaques import plaque_render_store

        plaque_render_store(plaque.pk)
        plaque.refresh_from_db()
    return stored_pdf_response(plaque.pdf, f"{plaque.number}.pdf")
