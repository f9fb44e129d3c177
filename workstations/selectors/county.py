"""The recognised workstations a county bureau reads (Art. 8, 11(3)); who is a county clerk and what the county
scope is are the rules in ``workstations.rules.county``."""

from workstations.models.lifecycle import Workstation
from workstations.rules.county import county_scope, is_county_clerk


def county_workstations(user):
    """Art. 8, 11(3): the recognised workstations (ever certified) of the user's county, for its read view."""
    if not is_county_clerk(user):
        return Workstation.objects.none()
    return Workstation.objects.filter(county_scope(user.organisation_id), certified_on__isnull=False)
