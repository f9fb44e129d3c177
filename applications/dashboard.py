"""Home-page panels: drafts and returned applications for host units, the recommender's queue and quota."""

from django.urls import reverse
from django.utils.translation import gettext as _

from applications.models import Application, Call
from applications.selectors import quota_line_for
from portal.dashboard import Panel
from portal.formatting import format_date
from portal.roles import Role
from workstations.models import State


def home_panels(user) -> list[Panel]:
    if user.role == Role.HOST_UNIT:
        rows = list(
            Application.objects.visible_to(user)
            .filter(workstation__state__in=[State.DRAFT, State.RETURNED])
            .select_related("workstation")
            .order_by("-updated_at")[:10]
        )
        returned = [a for a in rows if a.workstation.state == State.RETURNED]
        drafts = [a for a in rows if a.workstation.state == State.DRAFT]
        panels = [
            Panel(
                title=_("Applications returned to you"),
                count=len(returned),
                url=reverse("applications:list") + f"?state={State.RETURNED}",
                items=[(a.workstation.name, reverse("applications:detail", args=[a.pk])) for a in returned],
                tone="warning",
                order=5,
            ),
            Panel(
                title=_("Application drafts"),
                count=len(drafts),
                url=reverse("applications:list") + f"?state={State.DRAFT}",
                items=[(a.workstation.name, reverse("applications:detail", args=[a.pk])) for a in drafts],
                order=6,
            ),
        ]
        for call in Call.objects.open_on()[:3]:
            panels.append(
                Panel(
                    title=_("Open call: %(title)s") % {"title": call.title},
                    count=0,
                    url=reverse("applications:call_detail", args=[call.pk]),
                    items=[(_("Closes on %(date)s") % {"date": format_date(call.closes_on)}, "")],
                    tone="info",
                    order=7,
                )
            )
        return panels
    if user.role == Role.RECOMMENDER:
        panels = []
        for call in Call.objects.filter(quotas__recommender_id=user.organisation_id).order_by("-opens_on")[:2]:
            waiting = list(
                Application.objects.visible_to(user)
                .filter(call=call, workstation__state=State.SUBMITTED)
                .select_related("workstation")
                .order_by("submitted_at")[:10]
            )
            line = quota_line_for(call, user.organisation_id)
            used = _("Quota used: %(used)d of %(places)d") % {"used": line.used, "places": line.quota.places}
            panels.append(
                Panel(
                    title=_("Waiting for recommendation: %(title)s") % {"title": call.title},
                    count=len(waiting),
                    url=reverse("applications:recommender_desk", args=[call.pk]),
                    items=[(used, "")]
                    + [(a.workstation.name, reverse("applications:detail", args=[a.pk])) for a in waiting],
                    order=5,
                )
            )
        return panels
    return []
