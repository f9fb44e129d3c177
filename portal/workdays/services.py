"""Every question about working days is answered here, from the calendar table, never guessed (Art. 6(4)).

A date without a row raises :class:`CalendarNotCovered`, whose message tells staff which year to enter. Writes:
:func:`calendar_year_save` (staff entering a State Council schedule) and ``library.sync_from_library``.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from portal.formatting import format_date
from portal.workdays.models import CalendarDay

if TYPE_CHECKING:
    from portal.models import User

PUBLICITY_WORKING_DAYS = 5  # Art. 6(4): "公示5个工作日"
_CHUNK = 31  # days fetched per query while counting forwards


class CalendarNotCovered(Exception):
    """The calendar has no row for a date of ``year``: staff must enter that year's schedule first."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            _(
                "The working-day calendar does not cover %(year)s yet. City staff must enter the State Council "
                "holiday schedule for %(year)s (Working-day calendar → %(year)s) before this deadline can be counted."
            )
            % {"year": year}
        )


class InvalidWindowStart(ValueError):
    """Staff picked a first day of publicity that is not allowed."""


def _rows(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    return dict(CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "is_working_day"))


def is_working_day(day: dt.date) -> bool:
    """Whether ``day`` is a working day by the official calendar (holidays off, make-up days on)."""
    try:
        return CalendarDay.objects.values_list("is_working_day", flat=True).get(date=day)
    except CalendarDay.DoesNotExist:
        raise CalendarNotCovered(day.year) from None


def working_days_after(day: dt.date, count: int) -> list[dt.date]:
    """The first ``count`` working days strictly after ``day``."""
    found: list[dt.date] = []
    cursor = day
    while len(found) < count:
        start, end = cursor + dt.timedelta(days=1), cursor + dt.timedelta(days=_CHUNK)
        rows = _rows(start, end)
        probe = start
        while probe <= end and len(found) < count:
            if probe not in rows:
                raise CalendarNotCovered(probe.year)
            if rows[probe]:
                found.append(probe)
            probe += dt.timedelta(days=1)
        cursor = end
    return found


def nth_working_day_after(day: dt.date, n: int) -> dt.date:
    """The ``n``-th working day strictly after ``day`` (n ≥ 1): the 1st working day after a Friday is Monday."""
    if n < 1:
        raise ValueError("n must be at least 1")
    return working_days_after(day, n)[-1]


add_working_days = nth_working_day_after


def working_days_between(first: dt.date, last: dt.date) -> int:
    """How many working days lie in ``first``..``last`` inclusive (0 when last < first)."""
    if last < first:
        return 0
    rows = _rows(first, last)
    day = first
    while day <= last:
        if day not in rows:
            raise CalendarNotCovered(day.year)
        day += dt.timedelta(days=1)
    return sum(1 for working in rows.values() if working)


def local_date(value: dt.date | dt.datetime) -> dt.date:
    """The Asia/Shanghai calendar date of a date or an aware datetime."""
    if isinstance(value, dt.datetime):
        return value.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()
    return value


@dataclass(frozen=True)
class PublicityWindow:
    first_day: dt.date
    last_day: dt.date
    closes_at: dt.datetime  # aware: 24:00 Asia/Shanghai of last_day

    def __iter__(self):
        return iter((self.first_day, self.last_day, self.closes_at))


def publicity_window(
    published_on: dt.date | dt.datetime, start: dt.date | None = None, *, days: int = PUBLICITY_WORKING_DAYS
) -> PublicityWindow:
    """Art. 6(4): the five-working-day publicity window of a list published on ``published_on``.

    The first day defaults to the first working day after publication; staff may pick a later working day
    (``start``), never a non-working day nor one before the default. The window closes at 24:00 Asia/Shanghai of
    its ``days``-th working day, i.e. at 00:00 of the next calendar day. Unpack it as (first, last, closes_at).
    """
    published = local_date(published_on)
    default_first = nth_working_day_after(published, 1)
    if start is None:
        first = default_first
    else:
        if start < default_first:
            raise InvalidWindowStart(
                _("Publicity cannot start before %(date)s, the first working day after publication.")
                % {"date": format_date(default_first)}
            )
        if not is_working_day(start):
            raise InvalidWindowStart(
                _("%(date)s is not a working day; publicity must start on a working day.")
                % {"date": format_date(start)}
            )
        first = start
    last = first if days == 1 else nth_working_day_after(first, days - 1)
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    closes_at = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return PublicityWindow(first_day=first, last_day=last, closes_at=closes_at)


def working_days_left(window: PublicityWindow, today: dt.date) -> int:
    """For a countdown: working days of the window from ``today`` (inclusive) to its last day."""
    return working_days_between(max(today, window.first_day), window.last_day)


# --- staff entering a year -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HolidayRange:
    first: dt.date
    last: dt.date
    name: str


@dataclass(frozen=True)
class MakeupDay:
    date: dt.date
    note: str = ""


def year_days(year: int, holidays: list[HolidayRange], makeup_days: list[MakeupDay]) -> dict[dt.date, tuple[bool, str]]:
    """Every day of ``year`` as (working, note): weekends off, weekdays on, then the schedule applied."""
    days: dict[dt.date, tuple[bool, str]] = {}
    day = dt.date(year, 1, 1)
    while day.year == year:
        days[day] = (day.weekday() < 5, "")
        day += dt.timedelta(days=1)
    for holiday in holidays:
        day = holiday.first
        while day <= holiday.last:
            if day in days:
                days[day] = (False, holiday.name)
            day += dt.timedelta(days=1)
    for makeup in makeup_days:
        if makeup.date in days:
            days[makeup.date] = (True, makeup.note or _("make-up working day"))
    return days


def calendar_year_save(
    *, year: int, holidays: list[HolidayRange], makeup_days: list[MakeupDay], actor: "User"
) -> dict[dt.date, tuple[bool, str]]:
    """Art. 6(4): staff enter the State Council schedule of ``year``; a row is written for every day of it.

    Weekends are days off unless listed as make-up working days; the listed holiday ranges are days off. The whole
    year is replaced in one transaction (rows become ``source=staff``), so a half-entered year never exists.
    """
    days = year_days(year, holidays, makeup_days)
    with transaction.atomic():
        existing = {row.date: row for row in CalendarDay.objects.select_for_update().in_year(year)}
        to_create, to_update = [], []
        for day, (working, note) in days.items():
            row = existing.get(day)
            if row is None:
                to_create.append(
                    CalendarDay(date=day, is_working_day=working, note=note, source="staff", updated_by=actor)
                )
            else:
                row.is_working_day, row.note, row.source, row.updated_by = working, note, "staff", actor
                to_update.append(row)
        CalendarDay.objects.bulk_create(to_create)
        CalendarDay.objects.bulk_update(to_update, ["is_working_day", "note", "source", "updated_by"])
    return days


def year_schedule(year: int) -> tuple[list[HolidayRange], list[MakeupDay]]:
    """Read a stored year back as holiday ranges and make-up days (to prefill the staff form)."""
    rows = list(CalendarDay.objects.in_year(year).order_by("date"))
    holidays: list[HolidayRange] = []
    makeups: list[MakeupDay] = []
    for row in rows:
        if row.is_makeup_day:
            makeups.append(MakeupDay(row.date, row.note))
        elif row.is_holiday:
            name = row.note or _("holiday")
            prev = holidays[-1] if holidays else None
            if prev and prev.name == name and prev.last + dt.timedelta(days=1) == row.date:
                holidays[-1] = HolidayRange(prev.first, row.date, name)
            else:
                holidays.append(HolidayRange(row.date, row.date, name))
    return holidays, makeups


def year_coverage() -> dict[int, dict]:
    """Per year present in the table: number of days, and whether staff entered it."""
    rows = (
        CalendarDay.objects.annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(days=Count("id"), staff=Count("id", filter=Q(source="staff")))
        .order_by("year")
    )
    return {r["year"]: {"days": r["days"], "staff": r["staff"]} for r in rows}
