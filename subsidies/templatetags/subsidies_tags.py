"""``{% load subsidies_tags %}{% misuse_findings_badge workstation %}`` for the workstation page (staff only)."""

from django import template

from portal.roles import Role
from subsidies.selectors import misuse_findings_for

register = template.Library()


@register.inclusion_tag("subsidies/_findings_badge.html", takes_context=True)
def misuse_findings_badge(context, workstation):
    user = context.get("user")
    if user is None or not user.has_role(Role.CITY_STAFF, Role.ADMIN):
        return {"findings": []}
    return {"findings": list(misuse_findings_for(workstation))}


@register.inclusion_tag("subsidies/_totals.html")
def ledger_balances(workstation):
    """Open balances per funding source, e.g. on an exit case for the claw-back (Art. 11(4), 13)."""
    from subsidies.selectors import ledger_totals

    return {"totals": ledger_totals(getattr(workstation, "ledger", None))}


@register.inclusion_tag("subsidies/trail/_ledger_state.html", takes_context=True)
def ledger_owed(context, workstation):
    """Issue 18, Art. 11(4), 13: on the exit case, what is still owed and whether the ledger is closed."""
    from subsidies.models.trail import LedgerClosure
    from subsidies.services.trail import EXITED_STATES, still_owed

    ledger = getattr(workstation, "ledger", None)
    user = context.get("user")
    closure = LedgerClosure.objects.filter(ledger=ledger).first() if ledger is not None else None
    exited = workstation.state in EXITED_STATES
    return {
        "workstation": workstation,
        "closure": closure,
        "exited": exited,
        "owed": still_owed(ledger),
        "may_close": exited and closure is None and user is not None and user.has_role(Role.CITY_STAFF),
        "before_exit": not exited,
    }
