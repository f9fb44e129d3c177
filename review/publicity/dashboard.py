from django.urls import reverse
from django.utils.translation import gettext as _

from portal.dashboard import Panel
from portal.roles import Role
from review.publicity.models import Objection


def home_panels(user) -> list[Panel]:
    """City staff: objections waiting for a decision (Art. 6(4))."""
    if user.role != Role.CITY_STAFF:
        return []
    return [
        Panel(
            title=_("Objections to decide"),
            count=Objection.objects.unresolved().count(),
            url=reverse("publicity:index"),
            tone="warning",
            order=30,
        )
    ]
