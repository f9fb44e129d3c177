"""Reads for outcomes: counts fetched in aggregate (a fixed number of queries whatever the size of the city) and fed
to the pure engine in ``workstations.rules.compliance``."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.utils import timezone

from portal import aggregates
from portal.measures.selectors import Timeline
from portal.models import Organisation
from portal.roles import OrgKind
from workstations.models import OPERATING_STATES, Workstation
from workstations.models.evaluations import RECTIFICATION_EXIT_GROUNDS, Rectification, RectificationStatus
from workstations.models.outcomes import (
    ActivityKind,
    ActivityReport,
    MajorEventReport,
    ReportStatus,
    TrainedPerson,
    WorkPlan,
    _outcome_workstations,
)
from workstations.rules import compliance
from workstations.selectors import compliance_summary

# Art. 11(2) says the plan is due after certification; we give three months (docs/decisions.md, issue 7).
PLAN_DUE_DAYS = 90


def load_counts(workstations: QuerySet, years: range) -> dict[int, dict]:
    """Accepted activity per workstation as ``compliance.Counts``: two aggregate queries in all."""
    first, last = date(years.start, 1, 1), date(years.stop - 1, 12, 31)
    ids = workstations.values("pk")
    per_quarter = (
        ActivityReport.objects.filter(
            status=ReportStatus.ACCEPTED,
            kind__in=[ActivityKind.CONSULTATION, ActivityKind.THEMED],
            workstation__in=ids,
            held_on__range=(first, last),
        )
        .annotate(y=ExtractYear("held_on"), q=ExtractQuarter("held_on"))
        .values_list("workstation_id", "kind", "y", "q")
        .annotate(n=Count("id"))
        .order_by()
    )
    trained = (
        TrainedPerson.objects.filter(
            report__status=ReportStatus.ACCEPTED,
            report__kind=ActivityKind.TRAINING,
            report__workstation__in=ids,
            report__held_on__range=(first, last),
        )
        .annotate(y=ExtractYear("report__held_on"))
        .values_list("report__workstation_id", "y")
        .annotate(n=Count("name", distinct=True))
        .order_by()
    )
    rows: dict[int, list] = {}
    for ws_id, kind, y, q, n in per_quarter:
        rows.setdefault(ws_id, []).append((kind, y, q, n))
    for ws_id, y, n in trained:
        rows.setdefault(ws_id, []).append((ActivityKind.TRAINING.value, y, 0, n))
    return {ws_id: compliance.counts_from_rows(r) for ws_id, r in rows.items()}


def operating_workstations_for(user) -> QuerySet[Workstation]:
    return (
        _outcome_workstations(user)
        .filter(state__in=OPERATING_STATES)
        .select_related("host_unit", "host_unit__county", "recommender")
        .order_by("host_unit__county__code", "host_unit__name", "id")
    )


@dataclass
class BoardRow:
    workstation: Workstation
    cells: list[compliance.Cell]

    @property
    def county(self):
        return self.workstation.county


@dataclass
class Board:
    year: int
    rows: "Sequence[BoardRow] | BoardRows"
    counties: list[Organisation]
    totals: dict[str, int] = field(default_factory=dict)


def compliance_board(user, *, year: int, county_id: int | None = None, today: date | None = None) -> Board:
    """Art. 10, for the city bureau: every operating workstation × the periods of ``year``; the totals from the
    summary rows (``compliance_summary``), the cells for the rows a page shows. A fixed number of queries."""
    today = today or timezone.localdate()
    workstations = operating_workstations_for(user)
    if county_id:
        workstations = workstations.filter(host_unit__county_id=county_id)
    # Issue 21: from the summary rows, once per change of them or of the workstations.
    totals = aggregates.cached(
        "board-totals",
        (aggregates.scope_of(user), county_id or 0, year, today),
        (aggregates.COMPLIANCE, aggregates.WORKSTATIONS),
        lambda: compliance_summary.board_totals(workstations, year=year, today=today),
    )
    # The board's order (county, host unit) kept once per change of the workstations; the page's rows fetched by id.
    order = aggregates.cached(
        "board-order",
        (aggregates.scope_of(user), county_id or 0),
        (aggregates.WORKSTATIONS,),
        lambda: list(workstations.values_list("pk", flat=True)),
    )
    ordered = aggregates.ObjectsByIds(order, workstations)
    rows = BoardRows(ordered, year=year, today=today, totals=totals)  # the cells of the page shown only
    counties = list(Organisation.objects.filter(kind=OrgKind.COUNTY_BUREAU).order_by("code", "name"))
    return Board(year=year, rows=rows, counties=counties, totals=totals)


def workstation_years(workstation: Workstation, today: date) -> range:
    start = workstation.certified_on.year if workstation.certified_on else today.year
    return range(start, max(start, today.year) + 1)


def workstation_compliance(workstation: Workstation, today: date | None = None) -> list[tuple[int, list]]:
    """Every year since certification, newest first, with its cells."""
    today = today or timezone.localdate()
    years = workstation_years(workstation, today)
    counts = load_counts(Workstation.objects.filter(pk=workstation.pk), years).get(workstation.pk, {})
    timeline = Timeline()
    return [(y, compliance.year_cells(workstation.certified_on, counts, y, today, timeline)) for y in reversed(years)]


def plan_due_on(workstation: Workstation) -> date | None:
    if workstation.certified_on is None:
        return None
    return workstation.certified_on + timedelta(days=PLAN_DUE_DAYS)


def plan_overdue(workstation: Workstation, has_plan: bool, today: date) -> bool:
    due = plan_due_on(workstation)
    return not has_plan and due is not None and today > due


def plans_of(workstation: Workstation) -> QuerySet[WorkPlan]:
    return workstation.plans.select_related("submitted_by").order_by("-version")


@dataclass
class DueItem:
    workstation: Workstation
    label: str
    status: str
    url: str = ""


def what_is_due(user, today: date | None = None) -> list[DueItem]:
    """The host unit's panel: for each of its operating workstations, what this quarter and year still ask, an
    overdue plan and a pending rectification. A fixed number of queries."""
    from django.urls import reverse

    today = today or timezone.localdate()
    workstations = list(operating_workstations_for(user))
    if not workstations:
        return []
    ids = [ws.pk for ws in workstations]
    counts = load_counts(Workstation.objects.filter(pk__in=ids), range(today.year, today.year + 1))
    with_plan = set(WorkPlan.objects.filter(workstation_id__in=ids).values_list("workstation_id", flat=True))
    pending = {
        r.workstation_id: r
        for r in Rectification.objects.filter(
            workstation_id__in=ids, status__in=[RectificationStatus.OPEN, RectificationStatus.REPORTED]
        )
    }
    items: list[DueItem] = []
    timeline = Timeline()
    for ws in workstations:
        url = reverse("workstations:outcomes", args=[ws.pk])
        for c in compliance.current_cells(ws.certified_on, counts.get(ws.pk, {}), today, timeline):
            if c.status in (compliance.Status.NOT_YET, compliance.Status.MISSED):
                label = f"{ws.name}：{compliance.REQUIREMENT_LABELS[c.requirement]} {c.count}/{c.need}"
                items.append(DueItem(ws, label, str(c.status), url))
        if plan_overdue(ws, ws.pk in with_plan, today):
            items.append(DueItem(ws, f"{ws.name}：{_plan_overdue_label()}", "missed", url))
        rect = pending.get(ws.pk)
        if rect is not None:
            items.append(
                DueItem(
                    ws,
                    f"{ws.name}：{_rectification_label()} {rect.deadline:%Y-%m-%d}",
                    "not_yet",
                    reverse("workstations:rectification", args=[rect.pk]),
                )
            )
    return items


def _plan_overdue_label() -> str:
    from django.utils.translation import gettext

    return gettext("three-year work plan overdue")


def _rectification_label() -> str:
    from django.utils.translation import gettext

    return gettext("rectification due by")


def reports_for(user) -> QuerySet[ActivityReport]:
    return (
        ActivityReport.objects.visible_to(user)
        .select_related("workstation", "workstation__host_unit", "submitted_by", "decided_by")
        .annotate(n_evidence=Count("evidence", distinct=True), n_trainees=Count("trainees", distinct=True))
        .order_by("-submitted_at", "-id")
    )


def major_events_for(user) -> QuerySet[MajorEventReport]:
    return (
        MajorEventReport.objects.visible_to(user)
        .select_related("workstation", "workstation__host_unit", "filed_by", "acknowledged_by")
        .order_by("-filed_at", "-id")
    )


def rectifications_failed() -> QuerySet[Rectification]:
    """Art. 11(4)2 forced-exit ground: rectification failed or its deadline missed, workstation not yet revoked.

    The exit work (forced exit, 撤销) reads this to propose revocation; nothing here revokes.
    """
    return (
        Rectification.objects.filter(status__in=RECTIFICATION_EXIT_GROUNDS, workstation__state__in=OPERATING_STATES)
        .select_related("workstation", "workstation__host_unit")
        .order_by("decided_at", "id")
    )


class BoardRows:
    """The board's rows as a sequence the paginator slices: only the rows of the page shown are fetched and get their
    cells (two aggregate queries for the counts of the page's workstations), whatever the size of the city."""

    def __init__(
        self,
        workstations: "QuerySet | aggregates.ObjectsByIds",
        *,
        year: int,
        today: date,
        totals: dict[str, int] | None = None,
    ):
        self.workstations, self.year, self.today = workstations, year, today
        # The totals count six cells a workstation: the paginator's count comes with them, not from another query.
        self._count: int | None = sum(totals.values()) // len(compliance_summary.CELLS) if totals is not None else None

    def count(self) -> int:
        if self._count is None:
            self._count = self.workstations.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, int):
            return self[index : index + 1][0]
        page = list(self.workstations[index])
        timeline = Timeline()  # the measures' numbers per period (portal.measures)
        counts = load_counts(Workstation.objects.filter(pk__in=[ws.pk for ws in page]), range(self.year, self.year + 1))
        return [
            BoardRow(ws, compliance.year_cells(ws.certified_on, counts.get(ws.pk, {}), self.year, self.today, timeline))
            for ws in page
        ]

    def __iter__(self):
        return iter(self[0 : len(self)])
