"""Fill the working-day calendar from the chinesecalendar package (2004–2026 with version 1.11).

Later library releases are picked up by ``manage.py calendar_sync``; years the library does not know are entered by
staff on the calendar page.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from portal.workdays.library import sync_from_library

    sync_from_library(apps.get_model("portal", "CalendarDay"))


class Migration(migrations.Migration):
    dependencies = [("portal", "0004_calendar_and_documents")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
