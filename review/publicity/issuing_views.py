"""Staff pages for the confirmation document and plaques (Art. 6(4)–(5)); plaque PDFs for staff and the host unit."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.documents.models import OfficialDocument
from portal.documents.services import document_issue_problems, format_document_number, series_for, suggest_number
from portal.pdf import pdf_response, stored_pdf_response
from portal.permissions import get_visible_or_404, role_required
from portal.refusals import refusal_to_form
from portal.roles import Role
from review.publicity import selectors
from review.publicity.confirmation import cleared_on, confirmation_issue, confirmation_preview
from review.publicity.forms import ConfirmationForm
from workstations.services.lifecycle import TransitionRefused

staff_only = role_required(Role.CITY_STAFF)


def _confirmation_form(request: HttpRequest, candidates, data=None) -> ConfirmationForm:
    if data is not None:
        return ConfirmationForm(data, candidates=candidates)
    today = timezone.localdate()
    seq, _number = suggest_number(kind=OfficialDocument.Kind.CONFIRMATION, year=today.year)
    return ConfirmationForm(
        candidates=candidates, initial={"candidates": list(candidates), "issued_on": today, "seq": seq}
    )


def _confirmation_page(request, form, *, status=200, preview=None) -> HttpResponse:
    candidates = form.fields["candidates"].queryset
    year = timezone.localdate().year
    return render(
        request,
        "review/publicity/staff_confirmations.html",
        {
            "form": form,
            "has_candidates": candidates.exists(),
            "documents": selectors.confirmation_documents(),
            "series": series_for(OfficialDocument.Kind.CONFIRMATION),
            "suggested": suggest_number(kind=OfficialDocument.Kind.CONFIRMATION, year=year)[1],
            "preview": preview,
        },
        status=status,
    )


@staff_only
def confirmation_index(request: HttpRequest) -> HttpResponse:
    """Issue 15 item 5: 印发文件并认定 is irreversible, so the form leads to a confirmation page that shows the
    document number, what it certifies and the PDF preview; only the button there issues the document."""
    candidates = selectors.candidates_to_confirm()
    if request.method != "POST":
        return _confirmation_page(request, _confirmation_form(request, candidates))
    form = _confirmation_form(request, candidates, request.POST)
    if not form.is_valid():
        return _confirmation_page(request, form, status=400)
    data = form.cleaned_data
    chosen = list(data["candidates"])
    issued_on = data["issued_on"]
    number = format_document_number(issued_on.year, data["seq"], series_for(OfficialDocument.Kind.CONFIRMATION))
    problems = document_issue_problems(
        kind=OfficialDocument.Kind.CONFIRMATION, seq=data["seq"], issued_on=issued_on, decided_on=cleared_on(chosen)
    )
    if problems:
        for problem in problems:
            form.add_error(None, problem)
        return _confirmation_page(request, form, status=400)
    if request.POST.get("back"):
        return _confirmation_page(request, form)
    if request.POST.get("confirmed") != "1":
        preview = {
            "number": number,
            "issued_on": issued_on,
            "workstations": chosen,
            "pdf_url": reverse("publicity:confirmation_preview") + "?" + request.POST.urlencode(),
        }
        return _confirmation_page(request, form, preview=preview)
    try:
        document = confirmation_issue(
            workstations=chosen, title=data["title"], seq=data["seq"], issued_on=issued_on, actor=request.user
        )
    except TransitionRefused as exc:
        refusal_to_form(form, exc)
        return _confirmation_page(request, form, status=400)
    messages.success(
        request,
        _("Document %(number)s is issued; %(count)d workstation(s) certified.")
        % {"number": document.number, "count": document.confirmations.count()},
    )
    return redirect("publicity:confirmations")


@staff_only
def confirmation_preview_pdf(request: HttpRequest) -> HttpResponse:
    """The numbered document as it would be issued from the form's values (GET), marked as a preview."""
    candidates = selectors.candidates_to_confirm()
    form = ConfirmationForm(request.GET, candidates=candidates)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Fill in the form to see the preview."))
    data = form.cleaned_data
    content = confirmation_preview(
        workstations=list(data["candidates"]),
        title=data["title"],
        seq=data["seq"],
        issued_on=data["issued_on"],
        actor=request.user,
    )
    return pdf_response(content, "preview.pdf", inline=True)


def document_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """An issued document (confirmation, deregistration, revocation) is public: it is published on the portal."""
    document = get_visible_or_404(OfficialDocument.objects.all(), request.user, pk=pk)
    if not document.pdf:
        raise Http404
    return stored_pdf_response(document.pdf, f"{document.number}.pdf", inline=True)
