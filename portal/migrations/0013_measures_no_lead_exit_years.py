"""Art. 11(4)1's "一年及以上" becomes a parameter of the measures (``no_lead_exit_years``).

The versions entered before it was one never stated it; the portal applied one year to them (a code constant), so
each is given the value it was decided with. Nothing else in a version changes.
"""

from django.db import migrations

KEY, APPLIED = "no_lead_exit_years", 1


def forwards(apps, schema_editor):
    MeasuresVersion = apps.get_model("portal", "MeasuresVersion")
    for version in MeasuresVersion.objects.all():
        if KEY not in version.values:
            version.values = {**version.values, KEY: APPLIED}
            version.save(update_fields=["values"])


class Migration(migrations.Migration):
    dependencies = [("portal", "0012_merge_i18_i19")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
