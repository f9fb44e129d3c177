"""Issue 21 item 1: the Art. 10 board's totals and the city staff home's missed-consultation count from summary rows
(``ComplianceSummary``, one per workstation and year), not from the cells of every workstation per request.

A row holds each cell's ``need`` (:func:`needs`, the one place that asks ``compliance.required``) and the accepted
``count`` (:func:`counts_of`, counted as ``selectors.outcomes.load_counts`` counts them: reports per quarter, training
as distinct people per year). Every service that changes either — accepting an activity report, certification (the
day ``certified_on`` is set) — calls :func:`refresh` inside its transaction; it locks the workstation row and recounts
from the reports, so two reports accepted at once for one workstation both count, whichever commits last.

A workstation without a row for a year is read as "nothing accepted that year" with the need of a workstation
certified before the year (or none, if not certified before it): every year in which the need depends on the day of
certification (the year of certification) gets its row when the workstation is certified. The reading is in
``workstations.selectors.compliance_summary``; a new version of the measures' numbers rebuilds the rows
(``workstations.signals``), since the needs of periods not yet started follow it.

The status is never stored (it depends on today): :func:`board_totals` derives it in one aggregate query from need,
count and the period's start and end against today, with ``compliance.status``'s rules — not applicable when nothing
is needed or the period has not started, met when count ≥ need, not yet while the period runs, missed after it.
"""

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractQuarter, ExtractYear

from portal import aggregates
from portal.measures.selectors import Timeline
from workstations.models import Workstation
from workstations.models.compliance import ComplianceSummary
from workstations.models.outcomes import ActivityKind, ActivityReport, ReportStatus, TrainedPerson
from workstations.rules import compliance

# The six cells of a year, in the board's order: (field suffix, requirement, quarter; 0 for the whole year).
CELLS: tuple[tuple[str, compliance.Requirement, int], ...] = (
    ("q1", compliance.Requirement.CONSULTATION, 1),
    ("q2", compliance.Requirement.CONSULTATION, 2),
    ("q3", compliance.Requirement.CONSULTATION, 3),
    ("q4", compliance.Requirement.CONSULTATION, 4),
    ("themed", compliance.Requirement.THEMED, 0),
    ("training", compliance.Requirement.TRAINING, 0),
)
FIELDS = tuple(f"{prefix}_{suffix}" for prefix in ("need", "count") for suffix, _r, _q in CELLS)


def needs(certified_on: date | None, year: int, timeline: Timeline | None = None) -> dict[str, int]:
    """What each cell of ``year`` asks of a workstation certified on ``certified_on`` (``need_<suffix>`` keys), by
    the measures' numbers in force on each period's first day (``portal.measures``; one query without ``timeline``)."""
    timeline = timeline or Timeline()
    return {
        f"need_{suffix}": compliance.required(requirement, compliance.Period(year, quarter), certified_on, timeline)
        for suffix, requirement, quarter in CELLS
    }


def counts_of(workstation_ids: Iterable[int] | None = None, years: Iterable[int] | None = None) -> dict:
    """Accepted activity as ``{(workstation id, year): {"count_<suffix>": n}}`` (every workstation and year when not
    restricted): consultations per quarter, themed activities per year, distinct people trained per year."""
    reports = ActivityReport.objects.filter(
        status=ReportStatus.ACCEPTED, kind__in=[ActivityKind.CONSULTATION, ActivityKind.THEMED]
    )
    trained = TrainedPerson.objects.filter(report__status=ReportStatus.ACCEPTED, report__kind=ActivityKind.TRAINING)
    if workstation_ids is not None:
        ids = list(workstation_ids)
        reports, trained = reports.filter(workstation_id__in=ids), trained.filter(report__workstation_id__in=ids)
    if years is not None:
        ys = sorted(set(years))
        reports = reports.filter(held_on__year__in=ys)
        trained = trained.filter(report__held_on__year__in=ys)
    out: dict[tuple[int, int], dict[str, int]] = {}
    per_quarter = (
        reports.annotate(y=ExtractYear("held_on"), q=ExtractQuarter("held_on"))
        .values_list("workstation_id", "kind", "y", "q")
        .annotate(n=Count("id"))
        .order_by()
    )
    for ws_id, kind, y, q, n in per_quarter:
        row = out.setdefault((ws_id, y), {})
        key = f"count_q{q}" if kind == ActivityKind.CONSULTATION else "count_themed"
        row[key] = row.get(key, 0) + n
    people = (
        trained.annotate(y=ExtractYear("report__held_on"))
        .values_list("report__workstation_id", "y")
        .annotate(n=Count("name", distinct=True))
        .order_by()
    )
    for ws_id, y, n in people:
        out.setdefault((ws_id, y), {})["count_training"] = n
    return out


def _row(workstation_id: int, year: int, certified_on: date | None, counts: dict, timeline: Timeline) -> dict:
    zero = {f"count_{suffix}": 0 for suffix, _r, _q in CELLS}
    return {"workstation_id": workstation_id, "year": year, **needs(certified_on, year, timeline), **zero, **counts}


def refresh(workstation: Workstation | int, years: Iterable[int] | None = None) -> None:
    """Recompute a workstation's rows from its accepted reports and ``certified_on``, in the caller's transaction.

    ``years``: the years whose counts may have changed (a report's year); the year of certification and every year that
    has a row are recomputed as well, so that a change of ``certified_on`` reaches every need. Idempotent."""
    pk = workstation.pk if isinstance(workstation, Workstation) else workstation
    with transaction.atomic():
        # The workstation row lock serialises two recounts of one workstation: the second waits for the first to
        # commit, then counts both reports (each statement of READ COMMITTED sees what committed before it).
        certified_on = Workstation.objects.select_for_update().values_list("certified_on", flat=True).get(pk=pk)
        wanted = set(years or ()) | set(
            ComplianceSummary.objects.filter(workstation_id=pk).values_list("year", flat=True)
        )
        if certified_on is not None:
            wanted.add(certified_on.year)
        counts = counts_of([pk], wanted)
        timeline = Timeline()
        for year in sorted(wanted):
            row = _row(pk, year, certified_on, counts.get((pk, year), {}), timeline)
            ComplianceSummary.objects.update_or_create(
                workstation_id=pk, year=year, defaults={f: row[f] for f in FIELDS}
            )


def report_decided(report: ActivityReport) -> None:
    """An activity report was accepted (or its acceptance changed): recount its workstation's year."""
    refresh(report.workstation_id, [report.held_on.year])


def computed_rows(workstations: QuerySet | None = None) -> list[dict]:
    """The rows as the reports and ``certified_on`` give them (what :func:`rebuild` writes; what a test compares
    with): one per year with accepted activity, and the year of certification. Sorted by (workstation, year)."""
    qs = Workstation.objects.all() if workstations is None else workstations
    certified = dict(qs.values_list("pk", "certified_on").order_by())
    counts = counts_of(None if workstations is None else list(certified), None)
    keys = {key for key in counts if key[0] in certified}
    keys |= {(pk, day.year) for pk, day in certified.items() if day is not None}
    timeline = Timeline()  # the measures' numbers of every version, read once
    return [_row(pk, year, certified[pk], counts.get((pk, year), {}), timeline) for pk, year in sorted(keys)]


def stored_rows() -> list[dict]:
    return list(ComplianceSummary.objects.values("workstation_id", "year", *FIELDS).order_by("workstation_id", "year"))


def rebuild(workstations: QuerySet | None = None) -> int:
    """Recompute the rows (of ``workstations``, else of every workstation) in one transaction; returns how many.

    Safe to run from a Celery task or a command while the portal serves: the rows are replaced in one transaction, and
    a report accepted meanwhile recounts its own row after it (it waits on the workstation lock only for its row)."""
    rows = computed_rows(workstations)
    with transaction.atomic():
        stale = ComplianceSummary.objects.all()
        if workstations is not None:
            stale = stale.filter(workstation__in=workstations.values("pk"))
        stale.delete()
        ComplianceSummary.objects.bulk_create([ComplianceSummary(**row) for row in rows], batch_size=1000)
        aggregates.bump(aggregates.COMPLIANCE)  # bulk writes send no signal
    return len(rows)
