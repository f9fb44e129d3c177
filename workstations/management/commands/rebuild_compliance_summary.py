"""Recompute the Art. 10 board's summary rows (``ComplianceSummary``) from the accepted reports and the days of
certification (issue 21).

The services keep the rows current; run this after loading reports or workstations in bulk (a migration of old data,
the benchmark city) or when a new version of the measures' targets takes effect.
"""

from django.core.management.base import BaseCommand

from workstations.services import compliance_summary


class Command(BaseCommand):
    help = "Recompute the compliance board's per workstation, per year summary rows from the accepted reports."

    def handle(self, *args, **options):
        rows = compliance_summary.rebuild()
        self.stdout.write(f"{rows} compliance summary rows rebuilt.")
