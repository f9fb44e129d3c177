"""Who is a workstation's county bureau (Art. 8, 11(3), 12), in one place.

``Workstation.county`` is the recommender when that is a county bureau, otherwise the host unit's county; the same
rule as a query filter is :func:`county_scope` (the subsidy ledger's ``ledger_scope`` applies the same rule).
"""

from django.db.models import Q

from portal.roles import OrgKind, Role


def is_county_clerk(user) -> bool:
    """A user of a county bureau (not of a university recommending its own host units)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role == Role.RECOMMENDER
        and user.organisation is not None
        and user.organisation.kind == OrgKind.COUNTY_BUREAU
    )


def county_scope(county_id: int, prefix: str = "") -> Q:
    """Workstations whose county bureau is ``county_id``, as a filter (``prefix`` reaches the workstation)."""
    return Q(**{f"{prefix}recommender_id": county_id}) | (
        Q(**{f"{prefix}host_unit__county_id": county_id}) & ~Q(**{f"{prefix}recommender__kind": OrgKind.COUNTY_BUREAU})
    )
