"""Art. 11(1): how long a term runs, as a date rule (the terms themselves are ``workstations.models.terms``)."""

from datetime import date, timedelta


def anniversary(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 1 March for 29 February in a year without it."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return date(day.year + years, 3, 1)


def term_end_for(starts_on: date, years: int) -> date:
    """The last day of a term of ``years`` starting on ``starts_on`` (a term from 1 March 2026 ends 28 Feb 2029)."""
    return anniversary(starts_on, years) - timedelta(days=1)
