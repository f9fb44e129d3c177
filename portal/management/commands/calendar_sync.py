"""``python manage.py calendar_sync``: fill the working-day calendar from the chinesecalendar package (idempotent)."""

from django.core.management.base import BaseCommand

from portal.workdays.library import library_years, sync_from_library
from portal.workdays.models import CalendarDay
from portal.workdays.services import year_coverage


class Command(BaseCommand):
    help = "Write a calendar row for every day the chinesecalendar package knows; staff-entered years are kept."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", help="Only this year (repeatable).")
        parser.add_argument("--force", action="store_true", help="Overwrite rows staff entered with the library's.")

    def handle(self, *args, **options):
        known = library_years()
        years = options["year"] or known
        unknown = sorted(set(years) - set(known))
        if unknown:
            self.stderr.write(f"The calendar library does not know {', '.join(map(str, unknown))}; staff enter it.")
        result = sync_from_library(CalendarDay, years=[y for y in years if y in known], force=options["force"])
        self.stdout.write(
            f"Library years {known[0]}–{known[-1]}: {result.created} days created, {result.updated} updated, "
            f"{result.kept_staff} staff-entered days kept."
        )
        last = max(year_coverage(), default=None)
        self.stdout.write(f"The calendar now covers up to {last}.")
