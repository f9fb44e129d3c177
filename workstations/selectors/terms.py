"""Art. 11(4)2 with the bureau's ban: after a revocation the host unit may not apply again for the years the
measures' numbers in force on the revocation day give (``reapply_ban_years``; 0: no ban, portal.measures). Read by the
``submit``/``resubmit`` conditions, so this module imports only the transition log, not the rest of the app."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.formatting import format_date
from portal.measures.selectors import measures_in_force
from portal.workdays.services import local_date
from workstations.models.transitions import State, TransitionLog
from workstations.rules.terms import term_end_for


def reapply_ban_years(on: date | None = None) -> int:
    return measures_in_force(on).reapply_ban_years  # the measures' numbers in force on the revocation day


def reapply_banned_until(host_unit_id: int, today: date | None = None) -> date | None:
    """The last day of the ban on ``host_unit_id`` applying again after a revocation, or None when not banned."""
    today = today or timezone.localdate()
    revoked_at = (
        TransitionLog.objects.filter(workstation__host_unit_id=host_unit_id, to_state=State.REVOKED)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    if revoked_at is None:
        return None
    years = reapply_ban_years(local_date(revoked_at))  # the ban the revocation carried, not today's
    if years <= 0:
        return None
    until = term_end_for(local_date(revoked_at), years)
    return until if today <= until else None


def reapply_problems(workstation) -> list[str]:
    """Art. 11(4)2 with the bureau's ban: a host unit whose workstation was revoked may not apply again for a while."""
    if workstation.host_unit_id is None:
        return []
    until = reapply_banned_until(workstation.host_unit_id)
    if until is None:
        return []
    return [
        _("A workstation of this host unit was revoked; it may not apply again until %(date)s.")
        % {"date": format_date(until)}
    ]
