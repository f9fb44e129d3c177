"""Home-page panels for exits (Art. 11(4)): the second member of staff to confirm, and the host unit's deadline."""

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.dashboard import Panel
from portal.formatting import format_date
from portal.roles import Role
from portal.workdays.services import CalendarNotCovered
from workstations.models.exits import ExitCase, ExitGround, ExitStatus
from workstations.services.exits import statement_deadline


def home_panels(user) -> list[Panel]:
    if user.role == Role.CITY_STAFF:
        # The two-person rule: a case proposed by a colleague waits for this user (the proposer cannot confirm it).
        waiting = list(
            ExitCase.objects.filter(status=ExitStatus.PROPOSED)
            .exclude(proposed_by=user, ground__in=set(ExitGround) - {ExitGround.OWN_REQUEST})
            .select_related("workstation")
            .order_by("proposed_at")[:10]
        )
        return [
            Panel(
                title=_("Exits waiting for your confirmation"),
                count=len(waiting),
                url=reverse("workstations:exit_list"),
                items=[(c.workstation.name, reverse("workstations:exit_detail", args=[c.pk])) for c in waiting],
                tone="warning" if waiting else "success",
                order=35,
            )
        ]
    if user.role == Role.HOST_UNIT:
        cases = list(
            ExitCase.objects.visible_to(user)
            .filter(status=ExitStatus.PROPOSED, statement_at__isnull=True)
            .exclude(ground=ExitGround.OWN_REQUEST)
            .select_related("workstation")
        )
        if not cases:
            return []
        items = []
        for case in cases:
            try:
                due = _("statement due by %(date)s") % {"date": format_date(statement_deadline(case))}
            except CalendarNotCovered:
                due = _("statement open")
            items.append((f"{case.workstation.name}: {due}", reverse("workstations:exit_detail", args=[case.pk])))
        return [Panel(title=_("Proposed exits: your statement"), count=len(cases), items=items, tone="danger", order=4)]
    return []
