"""Staff pages for the confirmation document and plaques (Art. 6(4)–(5)); plaque PDFs for staff and the host unit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.documents.models import OfficialDocument
from portal.pdf import stored_pdf_response
from portal.permissions import get_visible_or_404, role_required
from portal.roles import Role
from review.publicity import selectors
from review.publicity.confirmation import confirmation_issue
from review.publicity.forms import ConfirmationForm, HandOverForm
from workstations.models import Workstation
from workstations.plaque_services import plaque_hand_over, plaque_issue
from workstations.plaques import Plaque
from workstations.services import TransitionRefused

staff_only = role_required(Role.CITY_STAFF)


@staff_only
def confirmation_index(request: HttpRequest) -> HttpResponse:
    candidates = selectors.candidates_to_confirm()
    if request.method == "POST":
        form = ConfirmationForm(request.POST, candidates=candidates)
        if form.is_valid():
            try:
                document = confirmation_issue(
                    workstations=list(form.cleaned_data["candidates"]),
                    title=form.cleaned_data["title"],
                    issued_on=form.cleaned_data["issued_on"],
                    actor=request.user,
                )
            except TransitionRefused as exc:
                form.add_error(None, "；".join(str(p) for p in exc.problems))
            else:
                messages.success(
                    request,
                    _("Document %(number)s is issued; %(count)d workstation(s) certified.")
                    % {"number": document.number, "count": document.confirmations.count()},
                )
                return redirect("publicity:confirmations")
    else:
        form = ConfirmationForm(
            candidates=candidates, initial={"candidates": list(candidates), "issued_on": timezone.localdate()}
        )
    return render(
        request,
        "review/publicity/staff_confirmations.html",
        {"form": form, "has_candidates": candidates.exists(), "documents": selectors.confirmation_documents()},
    )


@staff_only
def plaque_index(request: HttpRequest) -> HttpResponse:
    certified, plaques = selectors.plaque_work()
    return render(
        request,
        "review/publicity/staff_plaques.html",
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
        messages.error(request, "；".join(str(p) for p in exc.problems))
    else:
        messages.success(request, _("Plaque %(number)s is made.") % {"number": plaque.number})
    return redirect("publicity:plaques")


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
            messages.error(request, "；".join(str(p) for p in exc.problems))
        else:
            messages.success(
                request, _("The handover is recorded; %(name)s is now active.") % {"name": plaque.workstation.name}
            )
            return redirect("publicity:plaques")
    certified, plaques = selectors.plaque_work()
    return render(
        request,
        "review/publicity/staff_plaques.html",
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
        from workstations.plaque_services import plaque_render_store

        plaque_render_store(plaque.pk)
        plaque.refresh_from_db()
    return stored_pdf_response(plaque.pdf, f"{plaque.number}.pdf")


def document_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """An issued document (confirmation, deregistration, revocation) is public: it is published on the portal."""
    document = get_visible_or_404(OfficialDocument.objects.all(), request.user, pk=pk)
    if not document.pdf:
        raise Http404
    return stored_pdf_response(document.pdf, f"{document.number}.pdf", inline=True)
