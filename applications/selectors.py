"""Reads of the applications app that are more than a ``get`` (lists, counts, the quota board)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from applications.models import Application, Call, Material, Quota
from applications.terms import QUOTA_STATES
from portal import aggregates
from portal.permissions import get_visible_or_404
from workstations.models import State
from workstations.rules.naming import workstation_name


def get_application_for(user, pk: int) -> Application:
    """The application ``pk`` if ``user`` may see it, else 404 (STYLE habit 3)."""
    return get_visible_or_404(Application.objects.with_related(), user, pk=pk)


def get_material_for(user, application: Application, pk: int) -> Material:
    try:
        return Material.objects.visible_to(user).select_related("file").get(application=application, pk=pk)
    except Material.DoesNotExist as exc:
        raise Http404(_("Not found, or not yours to see.")) from exc


def application_list_for(user) -> QuerySet[Application]:
    return Application.objects.visible_to(user).with_related().order_by("-updated_at", "-id")


def application_for_display(application: Application) -> Application:
    """Load what the read-only view and the PDF show, in a fixed number of queries."""
    return (
        Application.objects.with_related()
        .prefetch_related(
            "mentors",
            "staff",
            Prefetch("materials", queryset=Material.objects.select_related("file", "mentor")),
        )
        .get(pk=application.pk)
    )


@dataclass
class QuotaLine:
    quota: Quota
    used: int

    @property
    def remaining(self) -> int:
        return max(self.quota.places - self.used, 0)


def quota_board(call: Call) -> list[QuotaLine]:
    """Per recommender: places, used (recommended and beyond) and remaining."""
    used = dict(
        Application.objects.filter(call=call, workstation__state__in=QUOTA_STATES)
        .values_list("workstation__recommender_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    quotas = call.quotas.select_related("recommender")
    return [QuotaLine(q, used.get(q.recommender_id, 0)) for q in quotas]


def quota_line_for(call: Call, recommender_id: int, *, used: int | None = None) -> QuotaLine | None:
    """One recommender's line of :func:`quota_board` (``used``: already counted by the caller, as the desk does)."""
    quota = call.quotas.select_related("recommender").filter(recommender_id=recommender_id).first()
    if quota is None:
        return None
    if used is None:
        used = Application.objects.filter(
            call=call, workstation__recommender_id=recommender_id, workstation__state__in=QUOTA_STATES
        ).count()
    return QuotaLine(quota, used)


def recommender_queue_sets(call: Call, recommender_id: int) -> dict[str, QuerySet[Application]]:
    """What a recommender works on in a call, as three querysets (the desk pages each, issue 21): waiting,
    recommended (ranked) and decided or returned."""
    mine = (
        Application.objects.with_related()
        .filter(call=call, workstation__recommender_id=recommender_id)
        .order_by("rank", "submitted_at", "id")
    )
    return {
        "waiting": mine.filter(workstation__state=State.SUBMITTED),
        "recommended": mine.filter(workstation__state__in=QUOTA_STATES),
        "other": mine.filter(workstation__state__in=(State.RETURNED, State.NOT_RECOMMENDED)),
    }


@dataclass(frozen=True, slots=True)
class DeskRow:
    """One line of the recommender's desk: the columns it shows, read as values, not as three model instances a row
    (issue 21: a full page of 50 costs little more than a page of five)."""

    COLUMNS = (
        "pk",
        "rank",
        "submitted_at",
        "workstation__lead_mentor_name",
        "workstation__host_unit__name",
        "workstation__state",
    )

    pk: int
    rank: int | None
    submitted_at: datetime | None
    lead_mentor_name: str
    host_unit: str
    state: str

    @property
    def name(self) -> str:
        return workstation_name(self.lead_mentor_name)

    @property
    def state_label(self) -> str:
        return str(State(self.state).label)


def desk_rows(queryset: QuerySet[Application]) -> QuerySet:
    """One list of :func:`recommender_queue_sets` as :class:`DeskRow` values (only the columns the desk shows)."""
    return queryset.values_list(*DeskRow.COLUMNS)


def recommender_queue_counts(call: Call, recommender_id: int) -> dict[str, int]:
    """How many applications each list of the recommender's desk holds: one aggregate query per change of the
    workstations or applications (``portal.aggregates``), one cache read otherwise."""

    def count() -> dict[str, int]:
        return Application.objects.filter(call=call, workstation__recommender_id=recommender_id).aggregate(
            waiting=Count("id", filter=Q(workstation__state=State.SUBMITTED)),
            recommended=Count("id", filter=Q(workstation__state__in=QUOTA_STATES)),
            other=Count("id", filter=Q(workstation__state__in=(State.RETURNED, State.NOT_RECOMMENDED))),
        )

    topics = (aggregates.WORKSTATIONS, aggregates.APPLICATIONS)
    return aggregates.cached("desk-counts", (call.pk, recommender_id), topics, count)


def recommender_queue(call: Call, recommender_id: int) -> dict[str, list[Application]]:
    """:func:`recommender_queue_sets` as lists (the recommendation sheet lists every ranked candidate)."""
    return {name: list(qs) for name, qs in recommender_queue_sets(call, recommender_id).items()}


def call_candidates(call: Call, *, recommender_id: int | None = None, state: str = "") -> QuerySet[Application]:
    qs = Application.objects.with_related().filter(call=call)
    if recommender_id:
        qs = qs.filter(workstation__recommender_id=recommender_id)
    if state:
        qs = qs.filter(workstation__state=state)
    return qs.order_by("workstation__recommender__kind", "workstation__recommender__name", "rank", "id")


def call_counts(call: Call) -> list[Mapping[str, Any]]:
    """Counts of candidates by recommender and state, for the city's view of a call."""
    states = [State.DRAFT, State.SUBMITTED, State.RETURNED, State.RECOMMENDED, State.NOT_RECOMMENDED]
    aggregates = {s.value: Count("id", filter=Q(workstation__state=s)) for s in states}
    aggregates["beyond"] = Count("id", filter=Q(workstation__state__in=QUOTA_STATES - {State.RECOMMENDED}))
    aggregates["total"] = Count("id")
    return list(
        Application.objects.filter(call=call)
        .values("workstation__recommender_id", "workstation__recommender__name")
        .annotate(**aggregates)
        .order_by("workstation__recommender__name")
    )
