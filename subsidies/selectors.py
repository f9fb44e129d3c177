"""Reads: balances and totals computed from entries (never stored), overviews, the chart series, findings."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Prefetch, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.functional import Promise

from portal import aggregates
from portal.formatting import CENT
from subsidies.models import Category, Entry, Finding, Kind, Ledger, Source
from subsidies.models.ledger import INFLOW_KINDS
from workstations.models.evaluations import Evaluation, EvaluationResult, Grade

ZERO = Decimal("0.00")
SIGNED = ExpressionWrapper(F("amount") * F("sign"), output_field=DecimalField(max_digits=14, decimal_places=2))


def _money(value) -> Decimal:
    return (value or ZERO).quantize(CENT)


@dataclass
class SourceTotals:
    received: Decimal = ZERO
    spent: Decimal = ZERO
    refunded: Decimal = ZERO

    @property
    def balance(self) -> Decimal:
        return self.received - self.spent - self.refunded


@dataclass
class Totals:
    """Totals per funding source and per expenditure category, net of reversals."""

    by_source: dict[str, SourceTotals] = field(default_factory=lambda: {s.value: SourceTotals() for s in Source})
    by_category: dict[str, Decimal] = field(default_factory=lambda: {c.value: ZERO for c in Category})

    def add(self, *, source: str, base_kind: str, category: str, signed: Decimal) -> None:
        row = self.by_source[source]
        if base_kind in INFLOW_KINDS:
            row.received += signed
        elif base_kind == Kind.EXPENDITURE:
            row.spent -= signed
            self.by_category[category or Category.OTHER] -= signed
        else:
            row.refunded -= signed

    @property
    def total(self) -> SourceTotals:
        return SourceTotals(
            received=sum((r.received for r in self.by_source.values()), ZERO),
            spent=sum((r.spent for r in self.by_source.values()), ZERO),
            refunded=sum((r.refunded for r in self.by_source.values()), ZERO),
        )

    def source_rows(self) -> list[tuple[str | Promise, SourceTotals]]:
        return [(Source(s).label, t) for s, t in self.by_source.items()]

    def category_rows(self) -> list[tuple[str | Promise, Decimal]]:
        return [(Category(c).label, t) for c, t in self.by_category.items()]


def _grouped(entries: QuerySet[Entry], *extra: str):
    """Signed sums grouped by source, base kind (a reversal counts under the kind it reverses) and category."""
    return (
        entries.annotate(base_kind=Coalesce("reverses__kind", "kind"))
        .values(*extra, "source", "base_kind", "category")
        .annotate(total=Sum(SIGNED))
        .order_by()
    )


def ledger_totals(ledger: Ledger | None) -> Totals:
    totals = Totals()
    if ledger is None:
        return totals
    for row in _grouped(Entry.objects.filter(ledger=ledger)):
        totals.add(
            source=row["source"], base_kind=row["base_kind"], category=row["category"], signed=_money(row["total"])
        )
    return totals


def balance_of(ledger: Ledger, source: str) -> Decimal:
    """The balance of one funding source: the sum of its signed entries (Art. 8; no stored running total)."""
    return _money(Entry.objects.filter(ledger=ledger, source=source).aggregate(total=Sum(SIGNED))["total"])


def balances(ledger: Ledger) -> dict[str, Decimal]:
    rows = Entry.objects.filter(ledger=ledger).values("source").annotate(total=Sum(SIGNED)).order_by()
    result = {s.value: ZERO for s in Source}
    result.update({row["source"]: _money(row["total"]) for row in rows})
    return result


def totals_by_ledger(ledgers: QuerySet[Ledger]) -> dict[int, Totals]:
    """Totals for many ledgers in one query."""
    result: dict[int, Totals] = defaultdict(Totals)
    for row in _grouped(Entry.objects.filter(ledger__in=ledgers), "ledger_id"):
        result[row["ledger_id"]].add(
            source=row["source"], base_kind=row["base_kind"], category=row["category"], signed=_money(row["total"])
        )
    return result


def ledger_entries(ledger: Ledger | None) -> QuerySet[Entry]:
    if ledger is None:
        return Entry.objects.none()
    return (
        Entry.objects.filter(ledger=ledger)
        .select_related(
            "recorded_by",
            "reverses",
            "reversed_by",
            "review",
            "evaluation_result__evaluation",
            "disbursement",  # issue 18: the money trail
            "publicity",
        )
        .prefetch_related("receipts__file")
        .order_by("date", "id")
    )


def live_awards_prefetch() -> Prefetch:
    """An evaluation result's unreversed award entries, as ``live_awards`` (the ledger page and the evaluation page's
    award cell, ``subsidies.sections.evaluation_awards``, read them the same way)."""
    return Prefetch(
        "award_entries",
        queryset=Entry.objects.filter(kind=Kind.AWARD, reversed_by__isnull=True).order_by("id"),
        to_attr="live_awards",
    )


def awardable_results(workstation) -> list:
    """Art. 11(3): the workstation's excellent results with an award recommended in closed evaluations, each with
    ``award_entry`` set to its unreversed award entry (None while the award is not recorded yet). Two queries."""
    results = list(
        EvaluationResult.objects.filter(
            workstation=workstation,
            grade=Grade.EXCELLENT,
            award_recommended=True,
            evaluation__status=Evaluation.Status.CLOSED,
        )
        .select_related("evaluation")
        .prefetch_related(live_awards_prefetch())
        .order_by("-evaluation__year", "evaluation__kind")
    )
    for result in results:
        result.award_entry = result.live_awards[0] if result.live_awards else None  # type: ignore[attr-defined]
    return results


def ledger_list_for(user) -> QuerySet[Ledger]:
    return (
        Ledger.objects.visible_to(user)
        .select_related("workstation__host_unit__county", "workstation__recommender")
        .order_by("id")
    )


def spending_by_month(ledger: Ledger | None) -> list[tuple]:
    """(month, spent that month, spent to date) for the chart, net of reversals, months without spending skipped."""
    if ledger is None:
        return []
    rows = (
        Entry.objects.filter(ledger=ledger)
        .annotate(base_kind=Coalesce("reverses__kind", "kind"))
        .filter(base_kind=Kind.EXPENDITURE)
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(total=Sum(SIGNED))
        .order_by("month")
    )
    series, running = [], ZERO
    for row in rows:
        spent = -_money(row["total"])
        running += spent
        series.append((row["month"], spent, running))
    return series


@dataclass
class CountyRow:
    county: str
    totals: Totals
    ledgers: int


def overview_by_county(ledgers: QuerySet[Ledger]) -> tuple[list[CountyRow], Totals]:
    """The city overview: totals per county and funding source (SPEC §5 "subsidy totals by source and county")."""
    per_ledger = totals_by_ledger(ledgers)
    rows: dict[str, CountyRow] = {}
    grand = Totals()
    for ledger in ledgers:
        county = ledger.workstation.county
        name = county.display_short if county else "—"
        row = rows.setdefault(name, CountyRow(county=name, totals=Totals(), ledgers=0))
        row.ledgers += 1
        for target in (row.totals, grand):
            for source, t in per_ledger[ledger.pk].by_source.items():
                target.by_source[source].received += t.received
                target.by_source[source].spent += t.spent
                target.by_source[source].refunded += t.refunded
            for category, amount in per_ledger[ledger.pk].by_category.items():
                target.by_category[category] += amount
    return sorted(rows.values(), key=lambda r: r.county), grand


def entries_awaiting_review() -> QuerySet[Entry]:
    """ "Other" expenditures flagged when recorded, not yet reviewed by city staff, and not reversed."""
    return (
        Entry.objects.filter(needs_review=True, review__isnull=True, reversed_by__isnull=True)
        .select_related("ledger__workstation__host_unit", "recorded_by")
        .order_by("date", "id")
    )


def awaiting_review() -> aggregates.ObjectsByIds:
    """:func:`entries_awaiting_review` for the staff pages: the queue's order kept once per change of the ledgers
    (issue 21), the rows fetched for the slice shown."""
    ids = aggregates.cached(
        "awaiting-review",
        (),
        (aggregates.LEDGERS,),
        lambda: list(entries_awaiting_review().values_list("pk", flat=True)),
    )
    return aggregates.ObjectsByIds(ids, entries_awaiting_review())


def misuse_findings_for(workstation) -> QuerySet[Finding]:
    """Misuse findings on the workstation's ledger (Art. 11(4)2: misuse of funds is a ground for forced exit)."""
    return (
        Finding.objects.filter(entry__ledger__workstation=workstation, verdict=Finding.Verdict.MISUSE)
        .select_related("entry", "assignment__audit", "recorded_by")
        .order_by("entry__date", "entry_id")
    )


def findings_by_entry(assignment) -> dict[int, Finding]:
    return {f.entry_id: f for f in assignment.findings.all()}


def ledger_workstations_for(user) -> QuerySet:
    """Workstations whose ledger page ``user`` may open (the same rule as ``Ledger.objects.visible_to``)."""
    from subsidies.models.ledger import ledger_scope
    from workstations.models import Workstation

    qs = Workstation.objects.select_related("host_unit__county", "recommender")
    scope = ledger_scope(user, ws="", ledger="ledger__")
    return qs if scope is None else qs.filter(scope).distinct()
