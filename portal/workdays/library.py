"""Seed the calendar table from the maintained chinesecalendar package (State Council schedules 2004–).

The package raises ``NotImplementedError`` for a year it does not know yet; such years are left to staff. Rows that
staff entered are never overwritten by the library unless asked to (``force``): staff enter a year because the
library was missing or wrong, and their entry is the one the bureau stands behind.
"""

import datetime as dt
from dataclasses import dataclass

import chinese_calendar
from django.utils import timezone

FIRST_LIBRARY_YEAR = 2004
LIBRARY = "library"
STAFF = "staff"


def library_years(until: int | None = None) -> list[int]:
    """The years the installed package knows, from 2004 up to the first year it refuses."""
    until = until or timezone.localdate().year + 3
    years = []
    for year in range(FIRST_LIBRARY_YEAR, until + 1):
        try:
            chinese_calendar.is_workday(dt.date(year, 1, 1))
            chinese_calendar.is_workday(dt.date(year, 12, 31))
        except NotImplementedError:
            break
        years.append(year)
    return years


def library_day(day: dt.date) -> tuple[bool, str]:
    """(is working day, note) for ``day`` according to the package."""
    working = chinese_calendar.is_workday(day)
    _on_holiday, name = chinese_calendar.get_holiday_detail(day)
    note = ""
    if name:
        chinese = chinese_calendar.Holiday(name).chinese
        # On a worked weekend day the package names the holiday it makes up for.
        note = f"{chinese}调休上班" if working else chinese
    return working, note[:60]


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    kept_staff: int = 0
    years: tuple[int, ...] = ()


def sync_from_library(model, *, years: list[int] | None = None, force: bool = False) -> SyncResult:
    """Write a row for every day of ``years`` (default: all the package knows). Idempotent.

    ``model`` is the CalendarDay class (the real one, or the historical one inside a data migration).
    """
    years = years or library_years()
    result = SyncResult(years=tuple(years))
    for year in years:
        existing = {row.date: row for row in model.objects.filter(date__year=year)}
        to_create, to_update = [], []
        day = dt.date(year, 1, 1)
        while day.year == year:
            working, note = library_day(day)
            row = existing.get(day)
            if row is None:
                to_create.append(model(date=day, is_working_day=working, note=note, source=LIBRARY))
            elif row.source == STAFF and not force:
                result.kept_staff += 1
            elif (row.is_working_day, row.note, row.source) != (working, note, LIBRARY):
                row.is_working_day, row.note, row.source = working, note, LIBRARY
                to_update.append(row)
            day += dt.timedelta(days=1)
        model.objects.bulk_create(to_create, batch_size=500)
        model.objects.bulk_update(to_update, ["is_working_day", "note", "source"], batch_size=500)
        result.created += len(to_create)
        result.updated += len(to_update)
    return result
