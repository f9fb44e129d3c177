"""The money trail pages (issue 18): 拨付 record, grant publicity, closing a ledger after an exit, and the public
list of grants in publicity. Thin: authorise, validate, call one service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.permissions import get_visible_or_404, role_required
from portal.refusals import refusal_to_form
from portal.roles import Role
from portal.workdays.services import CalendarNotCovered, InvalidWindowStart, publicity_window
from subsidies.forms_trail import CloseLedgerForm, DisbursementForm, GrantPublicityForm
from subsidies.models import Entry, Ledger
from subsidies.models.trail import GrantPublicity
from subsidies.services.ledger import LedgerRefused
from subsidies.services.trail import (
    DEFAULT_CHANNEL,
    EXITED_STATES,
    disbursement_record,
    grant_publicity_days,
    grant_publicity_start,
    ledger_close,
    payer_refusal,
    still_owed,
)
from subsidies.views.ledger import _workstation


def _grant(request, pk: int) -> Entry:
    entry = get_visible_or_404(
        Entry.objects.select_related("ledger__workstation__host_unit", "ledger__workstation__recommender"),
        request.user,
        pk=pk,
    )
    refusal = payer_refusal(request.user, entry.ledger.workstation, entry.kind)
    if refusal:
        raise PermissionDenied(refusal)
    return entry


@role_required(Role.CITY_STAFF, Role.RECOMMENDER)
def disbursement_create(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _grant(request, pk)
    workstation = entry.ledger.workstation
    form = DisbursementForm(request.POST or None, initial={"channel": DEFAULT_CHANNEL.get(entry.kind, "")})
    if request.method == "POST" and form.is_valid():
        try:
            disbursement_record(entry=entry, actor=request.user, **form.cleaned_data)
        except LedgerRefused as exc:
            refusal_to_form(form, exc)
        else:
            messages.success(request, _("The payment has been recorded."))
            return redirect("subsidies:ledger", workstation.pk)
    return render(
        request,
        "subsidies/trail/disbursement_form.html",
        {"entry": entry, "workstation": workstation, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@role_required(Role.CITY_STAFF, Role.RECOMMENDER)
def grant_publicity_create(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _grant(request, pk)
    workstation = entry.ledger.workstation
    form = GrantPublicityForm(request.POST or None)
    window, window_error, days = None, "", grant_publicity_days(timezone.localdate())
    try:
        window = publicity_window(timezone.localdate(), days=days)
    except (CalendarNotCovered, InvalidWindowStart) as exc:
        window_error = str(exc)
    if request.method == "POST" and form.is_valid():
        try:
            grant_publicity_start(entry=entry, actor=request.user, start=form.cleaned_data["start"])
        except LedgerRefused as exc:
            refusal_to_form(form, exc)
        else:
            messages.success(request, _("The grant is published."))
            return redirect("subsidies:ledger", workstation.pk)
    return render(
        request,
        "subsidies/trail/publicity_form.html",
        {
            "entry": entry,
            "workstation": workstation,
            "form": form,
            "window": window,
            "window_error": window_error,
            "days": days,
        },
    )


@role_required(Role.CITY_STAFF)
def ledger_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    workstation = _workstation(request, pk)
    ledger = Ledger.objects.filter(workstation=workstation).first()
    form = CloseLedgerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ledger_close(workstation=workstation, actor=request.user, note=form.cleaned_data["note"])
        except LedgerRefused as exc:
            refusal_to_form(form, exc)
        else:
            messages.success(request, _("The ledger is closed."))
            return redirect("subsidies:ledger", workstation.pk)
    return render(
        request,
        "subsidies/trail/close_form.html",
        {
            "workstation": workstation,
            "form": form,
            "owed": still_owed(ledger),
            "exited": workstation.state in EXITED_STATES,
            "closed": ledger is not None and hasattr(ledger, "closure"),
        },
    )


def public_grants(request: HttpRequest) -> HttpResponse:
    """Grants in publicity now or in the last 30 days, for the public (no account, no personal data)."""
    today = timezone.localdate()
    rows = (
        GrantPublicity.objects.filter(last_day__gte=today - timezone.timedelta(days=30))
        .select_related("entry")
        .order_by("-first_day", "-id")[:200]
    )
    days = grant_publicity_days(today)
    return render(request, "subsidies/trail/public_grants.html", {"rows": rows, "today": today, "days": days})
