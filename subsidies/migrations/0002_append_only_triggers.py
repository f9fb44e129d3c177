"""Art. 8–9 and SPEC §4: the database refuses UPDATE and DELETE of ledger entries and their receipt links.

Vendor-conditional triggers from ``portal.dbtriggers``. On SQLite, a later migration that rebuilds one of these
tables drops its triggers with it: such a migration must add the ``append_only`` operations again.
"""

from django.db import migrations

from portal.dbtriggers import append_only


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0001_initial")]

    operations = [append_only("subsidies_entry"), append_only("subsidies_entryreceipt")]
