"""Audit pages (Art. 9): draw a sample, assign a firm, record findings and conclusions, export the sample."""

from collections import Counter

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.paging import page_of
from portal.permissions import get_visible_or_404, role_required
from portal.refusals import refusal_to_form, refusal_to_messages
from portal.roles import Role
from subsidies import exports, selectors
from subsidies.forms import AssignForm, ConclusionForm, FindingForm, SampleForm
from subsidies.models import Audit, AuditAssignment, Finding, Ledger
from subsidies.services import (
    LedgerRefused,
    assignment_conclude,
    audit_assign,
    audit_draw_sample,
    finding_record,
    may_inspect,
)
from subsidies.services.audits import FindingsRefused, findings_record

AUDIT_ROLES = (Role.CITY_STAFF, Role.AUDITOR, Role.ADMIN)


@role_required(*AUDIT_ROLES)
def audit_list(request: HttpRequest) -> HttpResponse:
    audits = Audit.objects.visible_to(request.user).select_related("firm", "created_by")
    assignments = (
        AuditAssignment.objects.visible_to(request.user)
        .select_related("audit", "ledger__workstation__host_unit")
        .order_by("concluded_at", "audit_id", "ledger_id")
    )
    return render(
        request,
        "subsidies/audit_list.html",
        {
            "audits": page_of(request, audits.order_by("-created_at", "-id"), param="audits"),
            "assignments": page_of(request, assignments),
        },
    )


@role_required(Role.CITY_STAFF)
def audit_draw(request: HttpRequest) -> HttpResponse:
    form = SampleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            audit = audit_draw_sample(actor=request.user, **form.cleaned_data)
        except LedgerRefused as exc:
            refusal_to_form(form, exc)
        else:
            messages.success(request, _("Sample drawn with seed %(seed)s.") % {"seed": audit.seed})
            return redirect("subsidies:audit", audit.pk)
    return render(request, "subsidies/audit_form.html", {"form": form, "title": _("Draw a sample for inspection")})


@role_required(Role.CITY_STAFF)
def audit_assign_view(request: HttpRequest) -> HttpResponse:
    ledgers = Ledger.objects.select_related("workstation").order_by("id")
    form = AssignForm(request.POST or None, ledgers=ledgers)
    if request.method == "POST" and form.is_valid():
        try:
            audit = audit_assign(actor=request.user, **form.cleaned_data)
        except LedgerRefused as exc:
            refusal_to_form(form, exc)
        else:
            messages.success(request, _("Ledgers assigned to %(firm)s.") % {"firm": audit.firm})
            return redirect("subsidies:audit", audit.pk)
    return render(request, "subsidies/audit_form.html", {"form": form, "title": _("Assign a third-party auditor")})


def _audit_rows(audit: Audit):
    assignments = list(
        audit.assignments.select_related(
            "ledger__workstation__host_unit__county", "ledger__workstation__recommender", "concluded_by"
        ).prefetch_related("findings")
    )
    totals = selectors.totals_by_ledger(Ledger.objects.filter(assignments__audit=audit))
    rows = []
    for a in assignments:
        counts = dict(Counter(f.verdict for f in a.findings.all()))
        badges = [(v.value, v.label, counts[v.value]) for v in Finding.Verdict if v.value in counts]
        rows.append((a, totals[a.ledger_id], counts, badges))
    return rows


@role_required(*AUDIT_ROLES)
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    audit = get_visible_or_404(Audit.objects.select_related("firm", "created_by"), request.user, pk=pk)
    return render(
        request,
        "subsidies/audit_detail.html",
        {"audit": audit, "rows": _audit_rows(audit), "redrawn": audit.redraw(), "reproduces": audit.reproduces},
    )


@role_required(*AUDIT_ROLES)
def audit_export(request: HttpRequest, pk: int) -> HttpResponse:
    audit = get_visible_or_404(Audit.objects.all(), request.user, pk=pk)
    return exports.audit_workbook(audit, _audit_rows(audit))


def _assignment(request, pk: int) -> AuditAssignment:
    return get_visible_or_404(
        AuditAssignment.objects.select_related("audit__firm", "ledger__workstation__host_unit"), request.user, pk=pk
    )


def _typed_rows(data) -> dict[int, dict]:
    """``verdict_<entry>`` / ``note_<entry>`` pairs of the one form covering every row."""
    rows = {}
    for key, verdict in data.items():
        if key.startswith("verdict_") and key[8:].isdigit():
            pk = int(key[8:])
            rows[pk] = {"verdict": verdict, "note": data.get(f"note_{pk}", "")[:2000], "error": ""}
    return rows


@role_required(*AUDIT_ROLES)
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The audited ledger with a finding per entry and the conclusion; POST records either (Art. 9)."""
    assignment = _assignment(request, pk)
    conclusion_form = ConclusionForm()
    typed: dict = {}  # what the inspector typed into a refused finding, shown again with the reason
    typed_rows: dict[int, dict] = {}  # the whole page's typed verdicts and notes after a refusal, per entry
    if request.method == "POST":
        if request.POST.get("action") == "findings":
            rows = _typed_rows(request.POST)
            try:
                saved = findings_record(
                    assignment=assignment,
                    rows=[(pk, row["verdict"], row["note"]) for pk, row in rows.items()],
                    actor=request.user,
                )
            except FindingsRefused as exc:
                refusal_to_messages(request, exc)
                typed_rows = {pk: {**row, "error": exc.errors.get(pk, "")} for pk, row in rows.items()}
            except LedgerRefused as exc:
                refusal_to_messages(request, exc)
                typed_rows = rows
            else:
                messages.success(request, _("%(n)d finding(s) recorded.") % {"n": len(saved)})
                return redirect("subsidies:assignment", assignment.pk)
        elif request.POST.get("action") == "conclude":
            conclusion_form = ConclusionForm(request.POST)
            if conclusion_form.is_valid():
                try:
                    assignment_conclude(
                        assignment=assignment, conclusion=conclusion_form.cleaned_data["conclusion"], actor=request.user
                    )
                except LedgerRefused as exc:
                    refusal_to_form(conclusion_form, exc)
                else:
                    messages.success(request, _("Conclusion recorded."))
                    return redirect("subsidies:assignment", assignment.pk)
        else:
            form = FindingForm(request.POST)
            error = _("Choose a verdict.")
            if form.is_valid():
                try:
                    finding_record(assignment=assignment, actor=request.user, **form.cleaned_data)
                except LedgerRefused as exc:
                    error = str(exc)
                else:
                    messages.success(request, _("Finding recorded."))
                    return redirect(f"{request.path}#entry-{form.cleaned_data['entry']}")
            typed = {
                "entry": str(form.data.get("entry", "")),
                "verdict": form.data.get("verdict", ""),
                "note": form.data.get("note", ""),
                "error": error,
            }
    findings = selectors.findings_by_entry(assignment)
    entries = list(selectors.ledger_entries(assignment.ledger))
    rows = []
    for entry in entries:
        finding = findings.get(entry.pk)
        shown = typed_rows.get(entry.pk) or {
            "verdict": finding.verdict if finding else "",
            "note": finding.note if finding else "",
            "error": "",
        }
        rows.append((entry, finding, shown))
    return render(
        request,
        "subsidies/assignment_detail.html",
        {
            "assignment": assignment,
            "workstation": assignment.ledger.workstation,
            "rows": rows,
            "totals": selectors.ledger_totals(assignment.ledger),
            "may_inspect": may_inspect(request.user, assignment) and not assignment.is_concluded,
            "conclusion_form": conclusion_form,
            "verdicts": FindingForm.base_fields["verdict"].choices,
            "typed": typed,
        },
    )
