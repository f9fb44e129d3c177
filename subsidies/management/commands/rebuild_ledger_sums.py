"""Recompute the city overview's summary rows (``LedgerSum``) from every ledger entry (issue 21).

The services keep the rows current; run this after loading entries in bulk (a migration of old ledgers, the benchmark
city) or when a workstation's county changed, since the rows keep the county an entry was recorded under.
"""

from django.core.management.base import BaseCommand

from subsidies import summaries


class Command(BaseCommand):
    help = "Recompute the subsidy overview's per county, per year sums from the ledger entries."

    def handle(self, *args, **options):
        rows = summaries.rebuild()
        self.stdout.write(f"{rows} ledger sum rows rebuilt.")
