"""Views for the compliance board, a workstation's outcomes page, plans, activity reports and major events. Thin:
fetch through ``visible_to``, validate a form, call one service, turn a refusal into a message."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.held_uploads import HeldUploads
from portal.http import safe_next
from portal.measures.selectors import measures_in_force
from portal.paging import page_of
from portal.permissions import get_visible_or_404, role_required
from portal.refusals import refusal_to_form, refusal_to_messages
from portal.roles import CITY_WIDE_ROLES, Role
from portal.uploads import file_response
from workstations.forms.outcomes import (
    EvidenceAddForm,
    MajorEventForm,
    MentorChangeFormSet,
    NoteForm,
    PlanForm,
    ReasonForm,
    ReportForm,
)
from workstations.models import OPERATING_STATES, Workstation
from workstations.models.county import CountyOpinion
from workstations.models.outcomes import (
    ActivityKind,
    ActivityReport,
    EventKind,
    MajorEventReport,
    ReportEvidence,
    ReportStatus,
)
from workstations.rules import compliance
from workstations.rules.county import is_county_clerk
from workstations.rules.team import current_team
from workstations.selectors import outcomes as selectors_outcomes
from workstations.services import outcomes as services_outcomes
from workstations.services.outcomes import MentorChangeInput, OutcomeRefused
from workstations.services.terms import term_plan_status

# Recommenders: a county bureau reads its county's recognised workstations (issue 18); others find nothing visible.
OUTCOME_ROLES = (*CITY_WIDE_ROLES, Role.HOST_UNIT, Role.RECOMMENDER)


def _workstation(request, pk) -> Workstation:
    return get_visible_or_404(
        Workstation.objects.filter(
            pk__in=selectors_outcomes._outcome_workstations(request.user).values("pk")
        ).select_related("host_unit", "host_unit__county", "recommender"),
        request.user,
        pk=pk,
    )


@role_required(*CITY_WIDE_ROLES)
def board(request: HttpRequest) -> HttpResponse:
    """Art. 10 compliance heat-map: workstations × the periods of one year, filtered by county."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        county_id = int(request.GET.get("county") or 0) or None
    except ValueError:
        year, county_id = today.year, None
    if not dt.MINYEAR < year <= today.year + 1:  # a year no date can hold, or a typo far ahead: this year
        year = today.year
    data = selectors_outcomes.compliance_board(request.user, year=year, county_id=county_id, today=today)
    # The totals count every row; the table shows 50 rows a page (issue 9: 1,000 rows of cells cost a second).
    query = {"year": year, **({"county": county_id} if county_id else {})}
    return render(
        request,
        "workstations/outcomes/board.html",
        {
            "board": data,
            "page": page_of(request, data.rows),
            "query": urlencode(query),
            "county_id": county_id,
            "years": range(today.year, today.year - 6, -1),
            "quarters": compliance.quarters(year),
            "statuses": [(str(s), compliance.STATUS_LABELS[s]) for s in compliance.Status],
            # The numbers the year starts with (a cell counts against those of its own period: Timeline).
            "measures": measures_in_force(dt.date(year, 1, 1)),
        },
    )


@role_required(*OUTCOME_ROLES)
def outcomes(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything a workstation files and how it stands: plan, compliance by year, reports, evaluations, events."""
    ws = _workstation(request, pk)
    today = timezone.localdate()
    plans = list(selectors_outcomes.plans_of(ws))
    is_host = request.user.has_role(Role.HOST_UNIT) and ws.state in OPERATING_STATES
    return render(
        request,
        "workstations/outcomes/outcomes.html",
        {
            "workstation": ws,
            "is_host": is_host,
            "plans": plans,
            "plan_due_on": selectors_outcomes.plan_due_on(ws),
            "plan_overdue": selectors_outcomes.plan_overdue(ws, bool(plans), today),
            "term_plan": term_plan_status(ws, today),
            "county_opinions": CountyOpinion.objects.visible_to(request.user)
            .filter(workstation=ws)
            .select_related("county", "measures_version", "county_rule__county"),
            "is_county": is_county_clerk(request.user),
            "open_results": ws.evaluation_results.filter(evaluation__status="open", grade="").select_related(
                "evaluation"
            )
            if is_host
            else [],
            "years": selectors_outcomes.workstation_compliance(ws, today),
            "quarters_labels": ["Q1", "Q2", "Q3", "Q4"],
            "reports": ws.reports.select_related("decided_by").order_by("-held_on", "-id")[:100],
            "results": ws.evaluation_results.select_related("evaluation")
            .filter(evaluation__status="closed")
            .order_by("-evaluation__year"),
            "rectifications": ws.rectifications.order_by("-ordered_on", "-id"),
            "events": ws.major_events.order_by("-filed_at", "-id"),
            "team": current_team(ws, as_of=today),
            "kinds": ActivityKind.choices,
        },
    )


@role_required(Role.HOST_UNIT)
def plan_new(request: HttpRequest, pk: int) -> HttpResponse:
    ws = _workstation(request, pk)
    latest = ws.plans.order_by("-version").first()
    form = PlanForm(request.POST or None, instance=None, initial=_plan_initial(latest))
    if request.method == "POST" and form.is_valid():
        try:
            services_outcomes.plan_submit(workstation=ws, actor=request.user, **form.cleaned_data)
        except OutcomeRefused as exc:
            refusal_to_messages(request, exc)
        else:
            messages.success(request, _("The three-year work plan was filed."))
            return redirect("workstations:outcomes", ws.pk)
    return render(request, "workstations/outcomes/plan_form.html", {"workstation": ws, "form": form, "latest": latest})


def _plan_initial(plan) -> dict:
    if plan is None:
        return {}
    return {f: getattr(plan, f) for f in PlanForm.Meta.fields}


@role_required(Role.HOST_UNIT)
def report_new(request: HttpRequest, pk: int) -> HttpResponse:
    ws = _workstation(request, pk)
    initial = {"kind": request.GET.get("kind")} if request.GET.get("kind") in ActivityKind.values else {}
    form = ReportForm(request.POST or None, request.FILES or None, initial=initial)
    held = HeldUploads.from_request(request, ["evidence"])  # issue 15: files survive an error
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services_outcomes.report_submit(
                workstation=ws,
                actor=request.user,
                kind=data["kind"],
                title=data["title"],
                held_on=data["held_on"],
                place=data["place"],
                participant_count=data["participant_count"],
                participants=data["participants"],
                description=data["description"],
                setting=data["setting"],
                trainees=data["trainees"],
                files=held.combined("evidence", data["evidence"]),
            )
        except OutcomeRefused as exc:
            refusal_to_form(form, exc)
        else:
            messages.success(request, _("The report was filed; it counts once the city bureau accepts it."))
            return redirect("workstations:report", report.pk)
    if request.method == "POST":
        held.hold_from_form(form, ["evidence"])
    return render(
        request,
        "workstations/outcomes/report_form.html",
        {"workstation": ws, "form": form, **held.context()},
    )


@role_required(*OUTCOME_ROLES)
def report_list(request: HttpRequest) -> HttpResponse:
    qs = selectors_outcomes.reports_for(request.user)
    status = request.GET.get("status", ReportStatus.SUBMITTED if request.user.has_role(Role.CITY_STAFF) else "")
    if status in ReportStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "workstations/outcomes/report_list.html",
        {"page": page, "status": status, "statuses": ReportStatus.choices},
    )


def _report(request, pk) -> ActivityReport:
    if not request.user.has_role(*OUTCOME_ROLES):
        raise Http404
    return get_visible_or_404(
        ActivityReport.objects.select_related(
            "workstation", "workstation__host_unit", "submitted_by", "decided_by"
        ).prefetch_related(Prefetch("evidence", queryset=ReportEvidence.objects.select_related("file")), "trainees"),
        request.user,
        pk=pk,
    )


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    return render(
        request,
        "workstations/outcomes/report_detail.html",
        {"report": report, "reject_form": ReasonForm(), "can_decide": request.user.has_role(Role.CITY_STAFF)},
    )


@require_POST
@role_required(Role.CITY_STAFF)
def report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    try:
        services_outcomes.report_accept(report=report, actor=request.user)
    except OutcomeRefused as exc:
        refusal_to_messages(request, exc)
    else:
        messages.success(request, _("Report accepted."))
    return redirect(safe_next(request, "workstations:report_list"))


@require_POST
@role_required(Role.CITY_STAFF)
def report_reject(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services_outcomes.report_reject(report=report, actor=request.user, reason=form.cleaned_data["reason"])
        except OutcomeRefused as exc:
            refusal_to_messages(request, exc)
        else:
            messages.success(request, _("Report rejected; the host unit was told why."))
            return redirect("workstations:report_list")
    return render(
        request,
        "workstations/outcomes/report_detail.html",
        {"report": report, "reject_form": form, "can_decide": True},
        status=400,
    )


@role_required(Role.HOST_UNIT)
def report_add_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """Evidence added to a report until staff accept it (issue 15); files survive an error here too."""
    report = _report(request, pk)
    form = EvidenceAddForm(request.POST or None, request.FILES or None)
    held = HeldUploads.from_request(request, ["files"])
    if request.method == "POST" and form.is_valid():
        try:
            services_outcomes.report_add_evidence(
                report=report, files=held.combined("files", form.cleaned_data["files"]), actor=request.user
            )
        except OutcomeRefused as exc:
            refusal_to_form(form, exc)
        else:
            messages.success(request, _("The evidence is added to the report."))
            return redirect("workstations:report", report.pk)
    if request.method == "POST":
        held.hold_from_form(form, ["files"])
    return render(
        request,
        "workstations/outcomes/report_add_evidence.html",
        {"report": report, "form": form, **held.context()},
    )


@login_required
def report_evidence(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    report = _report(request, pk)
    evidence = report.evidence.select_related("file").filter(pk=evidence_pk).first()
    if evidence is None:
        raise Http404
    return file_response(evidence.file)


@role_required(Role.HOST_UNIT)
def major_event_new(request: HttpRequest, pk: int) -> HttpResponse:
    ws = _workstation(request, pk)
    form = MajorEventForm(request.POST or None, request.FILES or None)
    formset = MentorChangeFormSet(request.POST or None, prefix="mentors")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        changes = [MentorChangeInput(**f.cleaned_data) for f in formset.forms if f.cleaned_data]
        data = form.cleaned_data
        try:
            report = services_outcomes.major_event_file(
                workstation=ws,
                actor=request.user,
                kind=data["kind"],
                title=data["title"],
                occurred_on=data["occurred_on"],
                description=data["description"],
                evidence=data["evidence"],
                changes=changes,
            )
        except OutcomeRefused as exc:
            refusal_to_form(form, exc)
        else:
            messages.success(request, _("The major-event report was filed with the city bureau."))
            return redirect("workstations:major_event", report.pk)
    return render(
        request,
        "workstations/outcomes/major_event_form.html",
        {"workstation": ws, "form": form, "formset": formset, "mentor_change": EventKind.MENTOR_CHANGE},
    )


@role_required(*OUTCOME_ROLES)
def major_event_list(request: HttpRequest) -> HttpResponse:
    qs = selectors_outcomes.major_events_for(request.user)
    pending = request.GET.get("pending") == "1"
    if pending:
        qs = qs.filter(acknowledged_at__isnull=True)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "workstations/outcomes/major_event_list.html", {"page": page, "pending": pending})


def _event(request, pk) -> MajorEventReport:
    if not request.user.has_role(*OUTCOME_ROLES):
        raise Http404
    return get_visible_or_404(
        MajorEventReport.objects.select_related("workstation", "workstation__host_unit", "filed_by", "evidence"),
        request.user,
        pk=pk,
    )


@login_required
def major_event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _event(request, pk)
    form = NoteForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_role(Role.CITY_STAFF):
            raise PermissionDenied(_("Only city bureau staff may do this."))
        if form.is_valid():
            try:
                services_outcomes.major_event_acknowledge(
                    report=report, actor=request.user, note=form.cleaned_data["note"]
                )
            except OutcomeRefused as exc:
                refusal_to_messages(request, exc)
            else:
                messages.success(request, _("Report acknowledged."))
            return redirect("workstations:major_event", report.pk)
    return render(
        request,
        "workstations/outcomes/major_event_detail.html",
        {
            "report": report,
            "changes": report.mentor_changes.all(),
            "form": form,
            "can_acknowledge": request.user.has_role(Role.CITY_STAFF) and report.acknowledged_at is None,
        },
    )


@login_required
def major_event_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    report = _event(request, pk)
    if report.evidence is None:
        raise Http404
    return file_response(report.evidence)
