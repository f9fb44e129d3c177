"""Art. 8–9 and SPEC §4: the database refuses UPDATE and DELETE of ledger entries and their receipt links.

Vendor-conditional raw SQL (see ``subsidies.guard``). On SQLite, a later migration that rebuilds one of these
tables drops its triggers with it: such a migration must call ``guard.install`` again.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from subsidies import guard

    guard.install(schema_editor)


def backwards(apps, schema_editor):
    from subsidies import guard

    guard.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
