"""Version 1 of the measures' numbers: 平人社办〔2024〕44号 as the portal has applied it so far (issue 18 part 6).

Its values are the constants the code used until now (and the two settings WORKSTATION_TERM_YEARS and
WORKSTATION_REAPPLY_BAN_YEARS as this installation set them), in force from MEASURES_ISSUED_ON, so an existing
installation decides exactly as before.
"""

import datetime as dt

from django.conf import settings
from django.db import migrations
from django.utils import timezone

VALUES = {
    "min_service_years": 5,
    "min_further_mentors": 2,
    "min_staff": 5,
    "publicity_working_days": 5,
    "consultations_per_quarter": 1,
    "themed_per_year": 2,
    "trained_per_year": 2,
    "term_years": 3,
    "excellent_min": 90,
    "good_min": 80,
    "pass_min": 60,
    "rectification_days": 90,
    "reapply_ban_years": 3,
}


def forwards(apps, schema_editor):
    MeasuresVersion = apps.get_model("portal", "MeasuresVersion")
    if MeasuresVersion.objects.exists():
        return
    values = dict(VALUES)
    values["term_years"] = int(getattr(settings, "WORKSTATION_TERM_YEARS", 3))
    values["reapply_ban_years"] = int(getattr(settings, "WORKSTATION_REAPPLY_BAN_YEARS", 3))
    MeasuresVersion.objects.create(
        number=1,
        effective_on=dt.date.fromisoformat(str(getattr(settings, "MEASURES_ISSUED_ON", "2024-01-01"))),
        document_number="平人社办〔2024〕44号",
        document_title="平顶山市大众创业指导大师工作室认定管理办法",
        values=values,
        note="",
        entered_by=None,
        entered_at=timezone.now(),
    )


class Migration(migrations.Migration):
    dependencies = [("portal", "0010_measures_versions")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
