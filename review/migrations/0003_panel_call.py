"""Panels point at their call (applications.Call) instead of naming it in text.

A panel whose document number matches a call's is linked to it before the text columns go.
"""

import django.db.models.deletion
from django.db import migrations, models


def link_calls(apps, schema_editor):
    Panel = apps.get_model("review", "Panel")
    Call = apps.get_model("applications", "Call")
    for panel in Panel.objects.exclude(call_reference=""):
        call = Call.objects.filter(document_number=panel.call_reference).order_by("-opens_on", "-id").first()
        if call is not None:
            Panel.objects.filter(pk=panel.pk).update(call=call)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0001_initial"),
        ("review", "0002_publicity"),
    ]

    operations = [
        migrations.AddField(
            model_name="panel",
            name="call",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="review_panels",
                to="applications.call",
                verbose_name="call",
            ),
        ),
        migrations.RunPython(link_calls, migrations.RunPython.noop),
        migrations.RemoveField(model_name="panel", name="call_reference"),
        migrations.RemoveField(model_name="panel", name="call_title"),
    ]
