"""Issue 21 item 1: the Art. 10 board's totals and the city staff home's missed-consultation count read from the
summary rows that ``workstations.services.compliance_summary`` keeps (one aggregate query each)."""

from datetime import date

from django.db.models import Case as SqlCase
from django.db.models import Count, F, FilteredRelation, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual, LessThan

from workstations.models import OPERATING_STATES, Workstation
from workstations.rules import compliance
from workstations.services.compliance_summary import CELLS, needs


def _later_year_needs(year: int) -> dict[str, int]:
    """The needs of ``year`` for a workstation certified before it (the reading of a missing row)."""
    return needs(date(year - 1, 1, 1), year)


def board_totals(workstations: QuerySet, *, year: int, today: date) -> dict[str, int]:
    """How many cells of ``year`` are met, not yet, missed and not applicable over ``workstations`` (already restricted
    to what the user may see): one aggregate query over the workstations and their summary row of the year."""
    qs = workstations.order_by().annotate(
        summary=FilteredRelation("compliance_summaries", condition=Q(compliance_summaries__year=year))
    )
    defaults = _later_year_needs(year)
    before_year = Q(certified_on__lt=date(year, 1, 1))
    aggregates: dict = {"n": Count("pk")}
    assessed: list[tuple[str, str]] = []  # (cell suffix, status of a short cell)
    for suffix, _requirement, quarter in CELLS:
        period = compliance.Period(year, quarter)
        if period.start > today:
            continue  # not started: every cell of the period is not applicable
        default_need = defaults[f"need_{suffix}"]
        need = Coalesce(
            F(f"summary__need_{suffix}"),
            SqlCase(When(before_year, then=Value(default_need)), default=Value(0)),
            output_field=IntegerField(),
        )
        count = Coalesce(F(f"summary__count_{suffix}"), Value(0), output_field=IntegerField())
        due = GreaterThan(need, 0)
        aggregates[f"met_{suffix}"] = Count("pk", filter=Q(due, GreaterThanOrEqual(count, need)))
        aggregates[f"short_{suffix}"] = Count("pk", filter=Q(due, LessThan(count, need)))
        short = compliance.Status.NOT_YET if today <= period.end else compliance.Status.MISSED
        assessed.append((suffix, str(short)))
    got = qs.aggregate(**aggregates)
    totals = {str(s): 0 for s in compliance.Status}
    for suffix, short_status in assessed:
        totals[str(compliance.Status.MET)] += got[f"met_{suffix}"] or 0
        totals[short_status] += got[f"short_{suffix}"] or 0
    totals[str(compliance.Status.NA)] = len(CELLS) * (got["n"] or 0) - sum(totals.values())
    return totals


def missed_consultations(quarter: compliance.Period, today: date) -> int:
    """How many operating, certified workstations missed the consultation of ``quarter`` (the city staff home): one
    count over the workstations and their summary row of the quarter's year."""
    if today <= quarter.end or quarter.start > today:
        return 0  # a quarter still running (or not started) has no misses yet
    suffix = f"q{quarter.quarter}"
    default_need = _later_year_needs(quarter.year)[f"need_{suffix}"]
    need = Coalesce(
        F(f"summary__need_{suffix}"),
        SqlCase(When(Q(certified_on__lt=date(quarter.year, 1, 1)), then=Value(default_need)), default=Value(0)),
        output_field=IntegerField(),
    )
    count = Coalesce(F(f"summary__count_{suffix}"), Value(0), output_field=IntegerField())
    of_year = FilteredRelation("compliance_summaries", condition=Q(compliance_summaries__year=quarter.year))
    return (
        Workstation.objects.filter(state__in=OPERATING_STATES, certified_on__isnull=False)
        .order_by()
        .annotate(summary=of_year)
        .alias(cell_need=need, cell_count=count)
        .filter(cell_need__gt=0, cell_count__lt=F("cell_need"))
        .count()
    )
