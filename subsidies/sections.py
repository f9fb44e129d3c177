"""What the subsidies app adds to the workstation pages, registered in ``settings.WORKSTATIONS_PAGE_SECTIONS``
(``workstations.sections`` describes the places and the two shapes of a section). Each section checks who may see
it and renders this app's own template."""

from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.template.loader import render_to_string

from portal.roles import Role
from subsidies.selectors import ledger_totals, live_awards_prefetch, misuse_findings_for
from workstations.models.evaluations import Evaluation, Grade


def misuse_findings(request: HttpRequest, workstation) -> str:
    """Art. 11(4)2: misuse of funds is a ground for forced exit; city staff see the findings (page and proposal)."""
    if not request.user.has_role(Role.CITY_STAFF, Role.ADMIN):
        return ""
    findings = list(misuse_findings_for(workstation))
    if not findings:
        return ""
    return render_to_string("subsidies/_findings_badge.html", {"findings": findings}, request=request)


def exit_balances(request: HttpRequest, workstation) -> str:
    """Art. 11(4), 13: on an exit case, the open balances per funding source for the claw-back and what is owed."""
    from subsidies.models.trail import LedgerClosure
    from subsidies.services.trail import EXITED_STATES, still_owed

    user = request.user
    if user.role not in (Role.CITY_STAFF, Role.HOST_UNIT):
        return ""
    ledger = getattr(workstation, "ledger", None)
    closure = LedgerClosure.objects.filter(ledger=ledger).first() if ledger is not None else None
    exited = workstation.state in EXITED_STATES
    context = {
        "workstation": workstation,
        "totals": ledger_totals(ledger),
        "closure": closure,
        "exited": exited,
        "owed": still_owed(ledger),
        "may_close": exited and closure is None and user.has_role(Role.CITY_STAFF),
        "before_exit": not exited,
    }
    return render_to_string("subsidies/_exit_balances.html", context, request=request)


def evaluation_awards(request: HttpRequest, results: list) -> dict[int, str]:
    """Art. 11(3) 以奖代补: in an evaluation's award cell, the award entry on the ledger or the button to record it.
    Two queries for the whole list (the live award entries, the evaluations' status)."""
    recommended = [r for r in results if r.award_recommended]
    if not recommended:
        return {}
    prefetch_related_objects(recommended, live_awards_prefetch())
    closed = set(
        Evaluation.objects.filter(
            pk__in={r.evaluation_id for r in recommended}, status=Evaluation.Status.CLOSED
        ).values_list("pk", flat=True)
    )
    staff = request.user.has_role(Role.CITY_STAFF)
    cells = {}
    for result in recommended:
        entry = result.live_awards[0] if result.live_awards else None
        can_award = staff and result.evaluation_id in closed and result.grade == Grade.EXCELLENT
        if entry is not None or can_award:
            cells[result.pk] = render_to_string(
                "subsidies/_award_cell.html",
                {"result": result, "entry": entry, "can_award": can_award},
                request=request,
            )
    return cells
