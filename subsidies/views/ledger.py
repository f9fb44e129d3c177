"""Ledger pages: thin views over ``subsidies.services`` and ``subsidies.selectors``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.held_uploads import HeldUploads
from portal.paging import page_of
from portal.permissions import get_visible_or_404, role_required
from portal.refusals import refusal_to_form
from portal.roles import CITY_WIDE_ROLES, Role
from portal.uploads import file_response
from subsidies import exports, selectors, summaries
from subsidies.charts import spending_chart
from subsidies.forms import AwardForm, EntryForm, ReverseForm, ReviewForm
from subsidies.models import Entry, EntryReceipt, Kind, Ledger
from subsidies.services import (
    LedgerRefused,
    award_from_evaluation,
    award_refusal,
    default_city_grant,
    entry_record,
    entry_reverse,
    entry_review,
)
from subsidies.services.awards import award_description
from subsidies.services.ledger import recording_refusal
from subsidies.services.trail import trail_context
from workstations.models.evaluations import EvaluationResult

LEDGER_ROLES = (Role.CITY_STAFF, Role.HOST_UNIT, Role.RECOMMENDER, Role.AUDITOR, Role.ADMIN)
RECORDABLE = [Kind.CITY_GRANT, Kind.COUNTY_GRANT, Kind.AWARD, Kind.EXPENDITURE, Kind.CLAWBACK]


def _workstation(request, pk: int):
    try:
        return selectors.ledger_workstations_for(request.user).get(pk=pk)
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404(_("Not found, or not yours to see.")) from exc


def _ledger_of(workstation) -> Ledger | None:
    return Ledger.objects.filter(workstation=workstation).first()


@role_required(*LEDGER_ROLES)
def ledger_list(request: HttpRequest) -> HttpResponse:
    # A page of ledgers, and the totals of that page only (issue 9: the city has 1,000 ledgers).
    page = page_of(request, selectors.ledger_list_for(request.user))
    ledgers = list(page)
    totals = selectors.totals_by_ledger(Ledger.objects.filter(pk__in=[ledger.pk for ledger in ledgers]))
    rows = [(ledger, totals[ledger.pk].total) for ledger in ledgers]
    return render(request, "subsidies/ledger_list.html", {"rows": rows, "page": page})


@role_required(*LEDGER_ROLES)
def ledger_detail(request: HttpRequest, pk: int) -> HttpResponse:
    workstation = _workstation(request, pk)
    ledger = _ledger_of(workstation)
    actions = [(k, Kind(k).label) for k in RECORDABLE if recording_refusal(request.user, workstation, k) is None]
    entries = list(selectors.ledger_entries(ledger))
    reversible = {e.pk for e in entries if _may_reverse(request.user, workstation, e)}
    return render(
        request,
        "subsidies/ledger_detail.html",
        {
            "workstation": workstation,
            "ledger": ledger,
            "entries": entries,
            "totals": selectors.ledger_totals(ledger),
            "chart": spending_chart(selectors.spending_by_month(ledger)),
            "actions": actions,
            "reversible": reversible,
            "findings": list(selectors.misuse_findings_for(workstation)) if ledger else [],
            "may_review": request.user.has_role(Role.CITY_STAFF),
            "awardable": selectors.awardable_results(workstation),
            "may_award": recording_refusal(request.user, workstation, Kind.AWARD) is None,
            "sees_evaluations": request.user.has_role(*CITY_WIDE_ROLES),
            **trail_context(request.user, workstation, ledger, entries),
        },
    )


def _may_reverse(user, workstation, entry: Entry) -> bool:
    return (
        entry.kind != Kind.REVERSAL
        and not hasattr(entry, "reversed_by")
        and recording_refusal(user, workstation, entry.kind) is None
    )


@role_required(Role.CITY_STAFF, Role.HOST_UNIT, Role.RECOMMENDER)
def entry_create(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    workstation = _workstation(request, pk)
    if kind not in RECORDABLE:
        raise Http404
    refusal = recording_refusal(request.user, workstation, kind)
    if refusal:
        raise PermissionDenied(refusal)
    initial = {"amount": default_city_grant(workstation)} if kind == Kind.CITY_GRANT else {}
    form = EntryForm(request.POST or None, request.FILES or None, kind=kind, initial=initial)
    held = HeldUploads.from_request(request, ["receipts"])  # issue 15: receipts survive an error
    if held.get("receipts") and "receipts" in form.fields:
        form.fields["receipts"].required = False  # kept from the last attempt; the service still needs one
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry_record(
                workstation=workstation,
                kind=kind,
                amount=data["amount"],
                date=data["date"],
                description=data["description"],
                source=data.get("source", ""),
                category=data.get("category", ""),
                explanation=data.get("explanation", ""),
                reference=data.get("reference", ""),
                receipts=held.combined("receipts", data.get("receipts") or []),
                actor=request.user,
            )
        except LedgerRefused as exc:
            refusal_to_form(form, exc)
        else:
            messages.success(request, _("Recorded: %(kind)s.") % {"kind": Kind(kind).label})
            return redirect("subsidies:ledger", workstation.pk)
    if request.method == "POST" and "receipts" in form.fields:
        held.hold_from_form(form, ["receipts"])
    return render(
        request,
        "subsidies/entry_form.html",
        {
            "workstation": workstation,
            "form": form,
            "kind_label": Kind(kind).label,
            "kind": kind,
            **held.context(),
        },
    )


@role_required(Role.CITY_STAFF)
def award_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Art. 11(3): one action turns an excellent evaluation result into an award entry (amount prefilled)."""
    result = get_visible_or_404(
        EvaluationResult.objects.select_related("evaluation", "workstation__host_unit"), request.user, pk=pk
    )
    workstation = _workstation(request, result.workstation_id)
    refusal = award_refusal(result) or recording_refusal(request.user, workstation, Kind.AWARD)
    if refusal:
        messages.error(request, refusal)
        return redirect("subsidies:ledger", workstation.pk)
    initial = {"amount": result.award_amount, "description": award_description(result)}
    form = AwardForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            entry = award_from_evaluation(result=result, actor=request.user, **form.cleaned_data)
        except LedgerRefused as exc:
            refusal_to_form(form, exc)
        else:
            messages.success(request, _("Recorded: %(kind)s.") % {"kind": Kind.AWARD.label})
            return redirect(f"{reverse('subsidies:ledger', args=[workstation.pk])}#entry-{entry.pk}")
    return render(
        request,
        "subsidies/award_form.html",
        {"workstation": workstation, "result": result, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


def _entry(request, pk: int) -> Entry:
    return get_visible_or_404(Entry.objects.select_related("ledger__workstation"), request.user, pk=pk)


@role_required(Role.CITY_STAFF, Role.HOST_UNIT, Role.RECOMMENDER)
def entry_reverse_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    workstation = entry.ledger.workstation
    refusal = recording_refusal(request.user, workstation, entry.kind)
    if refusal:
        # The same rule as recording: only who may record an entry of this kind may reverse it (issue 10 matrix).
        raise PermissionDenied(refusal)
    form = ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry_reverse(entry=entry, reason=form.cleaned_data["reason"], actor=request.user)
        except LedgerRefused as exc:
            refusal_to_form(form, exc)
        else:
            messages.success(request, _("The entry has been reversed."))
            return redirect("subsidies:ledger", workstation.pk)
    return render(request, "subsidies/reverse_form.html", {"entry": entry, "workstation": workstation, "form": form})


@role_required(Role.CITY_STAFF)
def entry_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry_review(entry=entry, actor=request.user, **form.cleaned_data)
        except LedgerRefused as exc:
            refusal_to_form(form, exc)
        else:
            messages.success(request, _("Review recorded."))
            return redirect("subsidies:overview")
    return render(
        request,
        "subsidies/review_form.html",
        {"entry": entry, "workstation": entry.ledger.workstation, "form": form},
    )


@login_required
def receipt_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A receipt goes only to those who may see its entry's ledger."""
    receipt = EntryReceipt.objects.select_related("file").filter(pk=pk).first()
    if receipt is None or not Entry.objects.visible_to(request.user).filter(pk=receipt.entry_id).exists():
        raise Http404(_("Not found, or not yours to see."))
    return file_response(receipt.file)


@role_required(*LEDGER_ROLES)
def ledger_export(request: HttpRequest, pk: int) -> HttpResponse:
    workstation = _workstation(request, pk)
    ledger = _ledger_of(workstation)
    return exports.ledger_workbook(workstation, list(selectors.ledger_entries(ledger)), selectors.ledger_totals(ledger))


@role_required(Role.CITY_STAFF, Role.ADMIN)
def overview(request: HttpRequest) -> HttpResponse:
    counties, grand = summaries.overview_by_county()  # issue 21: summary rows, not every entry
    return render(
        request,
        "subsidies/overview.html",
        {
            "counties": counties,
            "grand": grand,
            "awaiting": page_of(request, selectors.awaiting_review(), param="awaiting"),
            "recent": list(
                Entry.objects.filter(kind=Kind.EXPENDITURE)
                .select_related("ledger__workstation", "recorded_by")
                .prefetch_related("receipts")
                .order_by("-recorded_at", "-id")[:20]
            ),
        },
    )


@role_required(Role.CITY_STAFF, Role.ADMIN)
def overview_export(request: HttpRequest) -> HttpResponse:
    ledgers = selectors.ledger_list_for(request.user)
    counties, grand = selectors.overview_by_county(ledgers)
    per_ledger = selectors.totals_by_ledger(ledgers)
    return exports.overview_workbook(counties, grand, [(ledger, per_ledger[ledger.pk]) for ledger in ledgers])
