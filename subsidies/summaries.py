"""Issue 21 item 1: the city subsidy overview from summary rows (``LedgerSum``), not from every ledger entry.

Every service that writes a ledger entry calls :func:`entry_added` inside its transaction: the row of the entry's
county, year, source, base kind and category gains its signed amount with an ``F()`` update, so two entries recorded
at once in one county both count (and a refused or rolled-back entry counts in neither). :func:`rebuild` recomputes
every row from the entries (``manage.py rebuild_ledger_sums``; after a bulk load or a county's change of recommender).
"""

from collections import defaultdict
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear

from portal import aggregates
from portal.models import Organisation
from portal.roles import OrgKind
from subsidies.models import Entry, Ledger, LedgerSum
from subsidies.selectors import SIGNED, CountyRow, Totals, _money

KEY = ("county_pk", "year", "source", "base_kind", "category")


def county_pk_of(workstation) -> int:
    """``Workstation.county`` as a key: the recommending county bureau, else the host unit's county; 0 for none."""
    county = workstation.county
    return county.pk if county else 0


def county_expression(prefix: str):
    """``county_pk_of`` in SQL, for the workstation reached through ``prefix`` (e.g. ``ledger__workstation``)."""
    return Case(
        When(
            Q(**{f"{prefix}__recommender__kind": OrgKind.COUNTY_BUREAU}),
            then=F(f"{prefix}__recommender_id"),
        ),
        default=Coalesce(F(f"{prefix}__host_unit__county_id"), Value(0)),
        output_field=IntegerField(),
    )


def _bump(key: dict, total: Decimal, entries: int) -> None:
    changes = {"total": F("total") + total, "entries": F("entries") + entries}
    if LedgerSum.objects.filter(**key).update(**changes):
        return
    try:
        with transaction.atomic():  # a savepoint: the first entry of a key inserts its row
            LedgerSum.objects.create(**key, total=total, entries=entries)
    except IntegrityError:  # another transaction inserted it first (it waited on the unique index): add to it
        LedgerSum.objects.filter(**key).update(**changes)


def entry_added(entry: Entry, workstation) -> None:
    """Count ``entry`` (just created, in the caller's transaction) in its summary row."""
    base_kind = entry.reverses.kind if entry.reverses_id else entry.kind
    key = {
        "county_pk": county_pk_of(workstation),
        "year": entry.date.year,
        "source": entry.source,
        "base_kind": base_kind,
        "category": entry.category,
    }
    _bump(key, entry.amount * entry.sign, 1)


def computed_rows() -> list[dict]:
    """The summary rows as the entries give them (what :func:`rebuild` writes; what a test compares with)."""
    return list(
        Entry.objects.annotate(
            county_pk=county_expression("ledger__workstation"),
            year=ExtractYear("date"),
            base_kind=Coalesce("reverses__kind", "kind"),
        )
        .values(*KEY)
        .annotate(total=Sum(SIGNED), entries=Count("id"))
        .order_by(*KEY)
    )


def stored_rows() -> list[dict]:
    return list(LedgerSum.objects.filter(entries__gt=0).values(*KEY, "total", "entries").order_by(*KEY))


def rebuild() -> int:
    """Recompute every summary row from the ledger entries, in one transaction; returns the number of rows."""
    rows = computed_rows()
    with transaction.atomic():
        LedgerSum.objects.all().delete()
        LedgerSum.objects.bulk_create(
            [LedgerSum(**{**row, "total": _money(row["total"])}) for row in rows], batch_size=1000
        )
    return len(rows)


def _ledgers_per_county() -> dict[int, int]:
    return dict(
        Ledger.objects.annotate(county_pk=county_expression("workstation"))
        .values("county_pk")
        .annotate(n=Count("id"))
        .values_list("county_pk", "n")
        .order_by()
    )


def overview_by_county(year: int | None = None) -> tuple[list[CountyRow], Totals]:
    """The city overview (every ledger, for city staff): totals per county and funding source from the summary rows,
    and the number of ledgers per county counted on ledgers (one row a workstation, never its entries)."""
    sums = LedgerSum.objects.all()
    if year:
        sums = sums.filter(year=year)
    per_county: dict[int, Totals] = defaultdict(Totals)
    grand = Totals()
    grouped = sums.values("county_pk", "source", "base_kind", "category").annotate(total=Sum("total")).order_by()
    for row in grouped:
        for target in (per_county[row["county_pk"]], grand):
            target.add(
                source=row["source"], base_kind=row["base_kind"], category=row["category"], signed=_money(row["total"])
            )
    ledgers = aggregates.cached(
        "ledgers-per-county", (), (aggregates.LEDGERS, aggregates.WORKSTATIONS), _ledgers_per_county
    )
    names = {o.pk: o.display_short for o in Organisation.objects.filter(pk__in=set(per_county) | set(ledgers))}
    rows = [
        CountyRow(county=names.get(pk) or "—", totals=per_county[pk], ledgers=ledgers.get(pk, 0))
        for pk in set(per_county) | set(ledgers)
    ]
    return sorted(rows, key=lambda r: r.county), grand
