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
