from django.urls import reverse

from portal.dashboard import Panel
from portal.roles import Role
from workstations.models import State
from workstations.selectors.lifecycle import state_counts_for

# Per role, the states whose workstations wait for that user's action (SPEC §3, "left by (who)").
WAITING = {
    # Drafts and returned applications are listed by name in the applications panel, not counted here a second time.
    Role.HOST_UNIT: [State.ACTIVE, State.RECTIFYING],
    Role.RECOMMENDER: [State.SUBMITTED],
    Role.CITY_STAFF: [
        State.RECOMMENDED,
        State.QUALIFIED,
        State.REVIEW_PASSED,
        State.IN_PUBLICITY,
        State.PUBLICITY_CLEARED,
        State.CERTIFIED,
        State.RECTIFYING,
    ],
    Role.SUPERVISOR: [State.UNDER_REVIEW],
}


def home_panels(user) -> list[Panel]:
    states = WAITING.get(user.role)
    if not states:
        return []
    counts = state_counts_for(user)
    url = reverse("workstations:list")
    return [
        Panel(
            title=str(State(s).label),
            count=counts.get(s, 0),
            url=f"{url}?state={s}",
            tone="warning" if s in (State.RETURNED, State.RECTIFYING) else "primary",
            order=10 + i,
        )
        for i, s in enumerate(states)
    ]
