"""Art. 11(4) exits: the host unit's request, staff proposals, statements, the two-person decision, the staff view."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.documents.models import OfficialDocument
from portal.documents.services import document_issue_problems, format_document_number, series_for, suggest_number
from portal.excel import Sheet, new_workbook, workbook_response
from portal.formatting import format_date
from portal.pdf import pdf_response, stored_pdf_response
from portal.permissions import get_visible_or_404, require_role, role_required
from portal.refusals import refusal_to_form, refusal_to_messages
from portal.roles import Role
from workstations.forms.exits import DecisionForm, ExitIssueForm, ExitProposalForm, ExitRequestForm, StatementForm
from workstations.models import Workstation
from workstations.models.exits import ExitCase, ExitGround, ExitKind, ExitStatus
from workstations.selectors import staff_pages
from workstations.services import exit_evidence as exit_records
from workstations.services.exit_documents import decision_date_floor, exit_preview, reply_problems
from workstations.services.exits import (
    ExitRefused,
    confirmation_problems,
    exit_confirm,
    exit_propose,
    exit_reject,
    exit_request,
    exit_statement,
    statement_deadline,
)


@login_required
def exit_request_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, Role.HOST_UNIT)
    workstation = get_visible_or_404(Workstation.objects.all(), request.user, pk=pk)
    form = ExitRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = exit_request(
                workstation=workstation,
                reason=form.cleaned_data["reason"],
                signature_page=form.cleaned_data["signature_page"],
                actor=request.user,
            )
        except ExitRefused as exc:
            refusal_to_messages(request, exc)
        else:
            messages.success(request, _("Your application for deregistration has been sent to the city bureau."))
            return redirect("workstations:exit_detail", pk=case.pk)
    return render(request, "workstations/exits/request.html", {"workstation": workstation, "form": form})


@role_required(Role.CITY_STAFF)
def exit_propose_view(request: HttpRequest, pk: int) -> HttpResponse:
    workstation = get_visible_or_404(Workstation.objects.all(), request.user, pk=pk)
    records_by_ground = {
        ground: records
        for ground in ExitGround
        if (records := exit_records.candidates(workstation, ground)) is not None
    }
    form = ExitProposalForm(request.POST or None, request.FILES or None, records_by_ground=records_by_ground)
    if request.method == "POST" and form.is_valid():
        evidence = [form.cleaned_data["evidence"]] if form.cleaned_data.get("evidence") else []
        try:
            case = exit_propose(
                workstation=workstation,
                ground=form.cleaned_data["ground"],
                facts=form.cleaned_data["facts"],
                source_reference=form.cleaned_data["source_reference"],
                evidence_record=form.cleaned_data["evidence_record"],
                evidence=evidence,
                actor=request.user,
            )
        except ExitRefused as exc:
            refusal_to_form(form, exc)
        else:
            messages.success(request, _("The exit is proposed; another member of staff must confirm it."))
            return redirect("workstations:exit_detail", pk=case.pk)
    return render(
        request,
        "workstations/exits/propose.html",
        {
            "workstation": workstation,
            "form": form,
            "records_by_ground": [(ExitGround(g).label, records) for g, records in records_by_ground.items()],
        },
    )


@login_required
def exit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_visible_or_404(
        ExitCase.objects.select_related("workstation__host_unit", "proposed_by", "decided_by", "document"),
        request.user,
        pk=pk,
    )
    context = {
        "case": case,
        "workstation": case.workstation,
        "evidence": case.evidence.all(),
        "statement_form": StatementForm(),
        "decision_form": DecisionForm(),
        "problems": confirmation_problems(case, request.user) if request.user.role == Role.CITY_STAFF else [],
        "ledger": getattr(case.workstation, "ledger", None),
        "linked_records": exit_records.linked(case),
    }
    if case.is_forced and case.status == ExitStatus.PROPOSED:
        try:
            context["statement_deadline"] = statement_deadline(case)
        except Exception:
            context["statement_deadline"] = None
    return render(request, "workstations/exits/detail.html", context)


def _decide(request, pk: int, action) -> HttpResponse:
    case = get_visible_or_404(ExitCase.objects.all(), request.user, pk=pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        action(case=case, actor=request.user, note=form.cleaned_data.get("note", ""))
    except ExitRefused as exc:
        refusal_to_messages(request, exc)
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("workstations:exit_detail", pk=case.pk)


def _issue_page(request, case, form, *, preview=None, status=200) -> HttpResponse:
    kind = OfficialDocument.Kind.DEREGISTRATION if case.kind == ExitKind.NATURAL else OfficialDocument.Kind.REVOCATION
    context = {
        "case": case,
        "workstation": case.workstation,
        "form": form,
        "preview": preview,
        "problems": confirmation_problems(case, request.user),
        "series": series_for(kind),
        "suggested": suggest_number(kind=kind, year=timezone.localdate().year)[1],
        "plaque": getattr(case.workstation, "plaque", None),
    }
    return render(request, "workstations/exits/confirm.html", context, status=status)


@role_required(Role.CITY_STAFF)
def exit_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue 15 item 5: 确认并发文 goes through a page showing the decision's number and PDF preview first."""
    case = get_visible_or_404(
        ExitCase.objects.select_related("workstation__host_unit", "proposed_by"), request.user, pk=pk
    )
    kind = OfficialDocument.Kind.DEREGISTRATION if case.kind == ExitKind.NATURAL else OfficialDocument.Kind.REVOCATION
    if request.method != "POST":
        today = timezone.localdate()
        form = ExitIssueForm(initial={"seq": suggest_number(kind=kind, year=today.year)[0], "issued_on": today})
        return _issue_page(request, case, form)
    form = ExitIssueForm(request.POST)
    if not form.is_valid():
        return _issue_page(request, case, form, status=400)
    data = form.cleaned_data
    problems = (
        confirmation_problems(case, request.user)
        + reply_problems(case, data["statement_reply"])
        + document_issue_problems(
            kind=kind, seq=data["seq"], issued_on=data["issued_on"], decided_on=decision_date_floor(case)
        )
    )
    if problems:
        for problem in problems:
            form.add_error(None, problem)
        return _issue_page(request, case, form, status=400)
    if request.POST.get("back"):
        return _issue_page(request, case, form)
    if request.POST.get("confirmed") != "1":
        preview = {
            "number": format_document_number(data["issued_on"].year, data["seq"], series_for(kind)),
            "issued_on": data["issued_on"],
            "pdf_url": reverse("workstations:exit_preview", args=[case.pk]) + "?" + request.POST.urlencode(),
        }
        return _issue_page(request, case, form, preview=preview)
    try:
        exit_confirm(
            case=case,
            actor=request.user,
            seq=data["seq"],
            issued_on=data["issued_on"],
            statement_reply=data["statement_reply"],
            note=data["note"],
        )
    except ExitRefused as exc:
        refusal_to_form(form, exc)
        return _issue_page(request, case, form, status=400)
    messages.success(request, _("Decision recorded."))
    return redirect("workstations:exit_detail", pk=case.pk)


@role_required(Role.CITY_STAFF)
def exit_preview_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision document as it would be issued from the form's values, marked as a preview."""
    case = get_visible_or_404(ExitCase.objects.select_related("workstation__host_unit"), request.user, pk=pk)
    form = ExitIssueForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Fill in the form to see the preview."))
    content = exit_preview(
        case=case,
        actor=request.user,
        seq=form.cleaned_data["seq"],
        issued_on=form.cleaned_data["issued_on"],
        statement_reply=form.cleaned_data["statement_reply"],
    )
    return pdf_response(content, "preview.pdf", inline=True)


@role_required(Role.CITY_STAFF)
@require_POST
def exit_reject_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, exit_reject)


@role_required(Role.HOST_UNIT)
@require_POST
def exit_statement_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_visible_or_404(ExitCase.objects.all(), request.user, pk=pk)
    form = StatementForm(request.POST)
    if form.is_valid():
        try:
            exit_statement(case=case, statement=form.cleaned_data["statement"], actor=request.user)
        except ExitRefused as exc:
            refusal_to_messages(request, exc)
        else:
            messages.success(request, _("Your statement has been filed."))
    else:
        messages.error(request, _("Please write the statement."))
    return redirect("workstations:exit_detail", pk=case.pk)


@login_required
def exit_document(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_visible_or_404(ExitCase.objects.select_related("document"), request.user, pk=pk)
    if case.document is None or not case.document.pdf:
        raise Http404
    return stored_pdf_response(case.document.pdf, f"{case.document.number}.pdf")


@login_required
def exit_evidence(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    from portal.uploads import file_response

    case = get_visible_or_404(ExitCase.objects.all(), request.user, pk=pk)
    stored = case.evidence.filter(pk=file_pk).first()
    if stored is None:
        raise Http404
    return file_response(stored)


@login_required
def exit_list(request: HttpRequest) -> HttpResponse:
    """Staff view: exits by ground and year (Art. 11(4)), with the Excel export."""
    if request.user.role not in (Role.CITY_STAFF, Role.SUPERVISOR):
        raise PermissionDenied(_("This page is for city bureau staff and the supervisor."))
    if request.GET.get("format") != "xlsx":  # issue 21: the page counts in the database and shows a page of cases
        return render(request, "workstations/exits/list.html", staff_pages.exit_list_context(request))
    cases = list(
        ExitCase.objects.visible_to(request.user)
        .select_related("workstation__host_unit", "document", "proposed_by", "decided_by")
        .order_by("-proposed_at")
    )
    confirmed = [c for c in cases if c.status == ExitStatus.CONFIRMED]
    by_ground_year = Counter((c.ground, c.decided_at.year) for c in confirmed)
    years = sorted({year for _, year in by_ground_year}, reverse=True)
    rows = [(ExitGround(g).label, [by_ground_year.get((g.value, y), 0) for y in years]) for g in ExitGround]
    if request.GET.get("format") == "xlsx":
        wb = new_workbook()
        summary = Sheet(wb, _("Exits by ground"), [_("Ground"), *[str(y) for y in years]], caption=_("Exits"))
        for label, counts in rows:
            summary.row([str(label), *counts])
        summary.fit()
        detail = Sheet(
            wb, _("Exit cases"), [_("Workstation"), _("Host unit"), _("Ground"), _("Status"), _("Document"), _("Date")]
        )
        for c in cases:
            detail.row(
                [
                    c.workstation.name,
                    c.workstation.host_unit.name,
                    c.get_ground_display(),
                    c.get_status_display(),
                    c.document.number if c.document else "",
                    format_date(c.decided_at or c.proposed_at),
                ]
            )
        detail.fit()
        return workbook_response(wb, "exits.xlsx")
    return render(request, "workstations/exits/list.html", {"cases": cases, "years": years, "rows": rows})
