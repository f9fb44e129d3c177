"""Demo builder step: make sure the working-day calendar holds every year the library knows (idempotent)."""

from portal.workdays.library import sync_from_library
from portal.workdays.models import CalendarDay


def build(world) -> None:
    result = sync_from_library(CalendarDay)
    world.data["calendar_years"] = result.years
