from django.db.models import Count, QuerySet

from workstations.models import TransitionLog, Workstation


def workstation_list_for(user) -> QuerySet[Workstation]:
    return (
        Workstation.objects.visible_to(user)
        .select_related("host_unit", "host_unit__county", "recommender")
        .order_by("-updated_at", "-id")
    )


def state_counts_for(user) -> dict[str, int]:
    rows = Workstation.objects.visible_to(user).values("state").annotate(n=Count("id")).order_by()
    return {row["state"]: row["n"] for row in rows}


def timeline_for(workstation: Workstation) -> QuerySet[TransitionLog]:
    return workstation.transitions.select_related("actor").order_by("at", "id")
