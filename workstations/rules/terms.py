"""Art. 11(1): how long a term runs, as a date rule (the terms themselves are ``workstations.models.terms``)."""

from datetime import date, timedelta


def term_end_for(starts_on: date, years: int) -> date:
    """The last day of a term of ``years`` starting on ``starts_on`` (a term from 1 March 2026 ends 28 Feb 2029)."""
    try:
        anniversary = starts_on.replace(year=starts_on.year + years)
    except ValueError:  # starts on 29 February
        anniversary = date(starts_on.year + years, 3, 1)
    return anniversary - timedelta(days=1)
