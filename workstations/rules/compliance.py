"""The Art. 10 compliance engine: pure functions over counts already fetched, so that a board of any size costs the
same few queries (``workstations.selectors.outcomes.load_counts`` does the fetching, in aggregate).

Art. 10 asks of every workstation:
1. every quarter at least 1 regional policy-consultation or guidance exchange;
2. every year at least 2 themed "mentors into parks / enterprises / campuses / communities" activities;
3. every year at least 2 entrepreneurship-service backbone staff trained (distinct people, named).

Periods are calendar quarters and calendar years from the day of certification (``Workstation.certified_on``).
An activity counts for the period that contains the day it was held (a report of 31 December counts for that year),
and only once the city bureau has accepted it.

The targets are the measures' numbers (``portal.measures``): a period is judged by the version in force on its first
day (a new version never changes a period already running, nor one already judged); callers pass a
``portal.measures.selectors.Timeline`` (one query for a whole board). Without one, version 1's numbers apply.

First partial period (docs/decisions.md, issue 7): a quarter is assessed when the workstation was recognised for at
least half of its days (certified on or before its middle day). The yearly targets of the certification year are
pro-rated by the quarters assessed: ``ceil(target × assessed quarters / 4)`` — so a workstation certified on
1 March owes 2 themed activities that year, one certified on 1 August owes 1, one certified on 20 November owes none.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Requirement(StrEnum):
    CONSULTATION = "consultation"
    THEMED = "themed"
    TRAINING = "training"


class Status(StrEnum):
    MET = "met"
    NOT_YET = "not_yet"
    MISSED = "missed"
    NA = "na"


STATUS_LABELS = {
    Status.MET: _("Met"),
    Status.NOT_YET: _("Not yet"),
    Status.MISSED: _("Missed"),
    Status.NA: _("Not applicable"),
}
REQUIREMENT_LABELS = {
    Requirement.CONSULTATION: _("Consultations (≥ 1 per quarter)"),
    Requirement.THEMED: _("Themed activities (≥ 2 per year)"),
    Requirement.TRAINING: _("Backbone staff trained (≥ 2 per year)"),
}
# Art. 10: (period kind, target per period).
QUARTERLY = "quarter"
YEARLY = "year"
RULES: dict[Requirement, tuple[str, int]] = {
    Requirement.CONSULTATION: (QUARTERLY, 1),
    Requirement.THEMED: (YEARLY, 2),
    Requirement.TRAINING: (YEARLY, 2),
}

# The parameter of the measures that sets each target (portal.measures.params).
TARGET_PARAMS = {
    Requirement.CONSULTATION: "consultations_per_quarter",
    Requirement.THEMED: "themed_per_year",
    Requirement.TRAINING: "trained_per_year",
}

# Counts of accepted activity by (requirement, year, quarter); quarter 0 is the whole year. For training the yearly
# count is of distinct people, so it is fetched per year and never summed from quarters.
Counts = Mapping[tuple[str, int, int], int]


@dataclass(frozen=True, order=True)
class Period:
    year: int
    quarter: int = 0  # 1–4, or 0 for the whole year

    @property
    def start(self) -> date:
        if self.quarter == 0:
            return date(self.year, 1, 1)
        return date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> date:
        if self.quarter == 0 or self.quarter == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.quarter + 1, 1) - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def key(self) -> str:
        return f"{self.year}Q{self.quarter}" if self.quarter else str(self.year)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def quarter_of(day: date) -> Period:
    return Period(day.year, (day.month - 1) // 3 + 1)


def quarters(year: int) -> list[Period]:
    return [Period(year, q) for q in (1, 2, 3, 4)]


def quarter_assessed(certified_on: date | None, quarter: Period) -> bool:
    """Recognised for at least half of the quarter's days (the first-partial-period rule)."""
    if certified_on is None or certified_on > quarter.end:
        return False
    if certified_on <= quarter.start:
        return True
    covered = (quarter.end - certified_on).days + 1
    return 2 * covered >= quarter.days


def required(requirement: Requirement, period: Period, certified_on: date | None, timeline=None) -> int:
    """How many activities ``requirement`` asks for in ``period`` (0: not assessed)."""
    kind, target = RULES[requirement]
    if timeline is not None:
        target = timeline.on(period.start).values[TARGET_PARAMS[requirement]]
    if kind == QUARTERLY:
        if period.quarter == 0:
            raise ValueError("a quarterly requirement is assessed per quarter")
        return target if quarter_assessed(certified_on, period) else 0
    if period.quarter != 0:
        raise ValueError("a yearly requirement is assessed per year")
    if certified_on is None or certified_on > period.end:
        return 0
    if certified_on <= period.start:
        return target
    assessed = sum(quarter_assessed(certified_on, q) for q in quarters(period.year))
    return math.ceil(target * assessed / 4)


def status(*, need: int, count: int, period: Period, today: date) -> Status:
    if need == 0 or period.start > today:
        return Status.NA
    if count >= need:
        return Status.MET
    if today <= period.end:
        return Status.NOT_YET
    return Status.MISSED


@dataclass(frozen=True)
class Cell:
    requirement: Requirement
    period: Period
    need: int
    count: int
    status: Status

    @property
    def css(self) -> str:
        return f"heat-{self.status}"

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


def count_for(counts: Counts, requirement: Requirement, period: Period) -> int:
    return counts.get((str(requirement), period.year, period.quarter), 0)


def cell(
    requirement: Requirement, period: Period, certified_on: date | None, counts: Counts, today: date, timeline=None
) -> Cell:
    need = required(requirement, period, certified_on, timeline)
    count = count_for(counts, requirement, period)
    return Cell(requirement, period, need, count, status(need=need, count=count, period=period, today=today))


def year_cells(certified_on: date | None, counts: Counts, year: int, today: date, timeline=None) -> list[Cell]:
    """One year of a workstation: the four quarterly consultation cells, then the two yearly cells."""
    cells = [cell(Requirement.CONSULTATION, q, certified_on, counts, today, timeline) for q in quarters(year)]
    cells.append(cell(Requirement.THEMED, Period(year), certified_on, counts, today, timeline))
    cells.append(cell(Requirement.TRAINING, Period(year), certified_on, counts, today, timeline))
    return cells


def current_cells(certified_on: date | None, counts: Counts, today: date, timeline=None) -> list[Cell]:
    """What is due now: this quarter's consultation and this year's themed activities and training."""
    return [
        cell(Requirement.CONSULTATION, quarter_of(today), certified_on, counts, today, timeline),
        cell(Requirement.THEMED, Period(today.year), certified_on, counts, today, timeline),
        cell(Requirement.TRAINING, Period(today.year), certified_on, counts, today, timeline),
    ]


def summary(
    certified_on: date | None, counts: Counts, years: Iterable[int], today: date, timeline=None
) -> dict[str, dict]:
    """Per requirement, how many assessed periods were met out of how many (for evaluations).

    Only periods that have ended before ``today`` count (issue 15): a quarter still running is neither met nor
    missed yet, and a period that does not apply (``NA``) is not in the base at all. ``of`` may therefore be 0.
    """
    out = {str(r): {"met": 0, "of": 0} for r in Requirement}
    for year in years:
        for c in year_cells(certified_on, counts, year, today, timeline):
            if c.status != Status.NA and c.period.end < today:
                out[str(c.requirement)]["of"] += 1
                out[str(c.requirement)]["met"] += c.status == Status.MET
    return out


def counts_from_rows(rows: Iterable[tuple[str, int, int, int]]) -> dict[tuple[str, int, int], int]:
    """Build ``Counts`` from (kind, year, quarter, n) rows of accepted consultation and themed reports (per quarter)
    and (training, year, 0, distinct people) rows."""
    counts: dict[tuple[str, int, int], int] = {}
    for kind, year, quarter, n in rows:
        counts[(kind, year, quarter)] = counts.get((kind, year, quarter), 0) + n
        if quarter:
            counts[(kind, year, 0)] = counts.get((kind, year, 0), 0) + n
    return counts


def periods_assessed(shown_item: dict | None) -> int:
    """How many ended, applicable periods an automatic item was assessed on. 成效 (issue 18) rests on the Art. 10
    periods: its Art. 4 count is per calendar year and would otherwise make a year that never applied count."""
    shown_item = shown_item or {}
    return shown_item.get("art10_of", shown_item.get("of")) or 0
