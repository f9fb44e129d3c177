"""``python manage.py publicity_window YYYY-MM-DD``: the five-working-day window of a list published that day.

Prints the first and last day as ISO dates (``2026-05-11 2026-05-15``); exits non-zero with the reason when the
calendar does not cover the dates needed.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from portal.workdays.services import CalendarNotCovered, InvalidWindowStart, publicity_window


def _iso(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date in the form YYYY-MM-DD") from exc


class Command(BaseCommand):
    help = "Print the first and last day (ISO) of the publicity window for a list published on the given date."

    def add_arguments(self, parser):
        parser.add_argument("published_on", help="Publication date, YYYY-MM-DD")
        parser.add_argument("--start", help="A later first day picked by staff, YYYY-MM-DD")
        parser.add_argument("--closes-at", action="store_true", help="Also print when the window closes.")

    def handle(self, *args, **options):
        published = _iso(options["published_on"])
        start = _iso(options["start"]) if options["start"] else None
        try:
            window = publicity_window(published, start)
        except (CalendarNotCovered, InvalidWindowStart) as exc:
            raise CommandError(str(exc)) from exc
        line = f"{window.first_day.isoformat()} {window.last_day.isoformat()}"
        if options["closes_at"]:
            line += f" {window.closes_at.isoformat()}"
        self.stdout.write(line)
