"""Art. 6(2): through whom a host unit's application goes (its county bureau, or its own university)."""

from portal.models import Organisation
from portal.roles import OrgKind


def recommender_choices(host_unit, call=None):
    """Art. 6(2): the host unit's county bureau; and its own university, when it belongs to one and the call lets
    universities recommend their own host units directly."""
    ids = [host_unit.county_id] if host_unit.county_id else []
    allow_university = call.universities_recommend_own if call is not None else True
    if allow_university and host_unit.university_id:
        ids.append(host_unit.university_id)
    return Organisation.objects.filter(pk__in=ids, kind__in=[OrgKind.COUNTY_BUREAU, OrgKind.UNIVERSITY]).order_by(
        "kind", "name"
    )
