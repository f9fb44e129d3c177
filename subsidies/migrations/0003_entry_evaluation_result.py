"""Art. 11(3): an award entry points at the evaluation result it rests on.

A nullable foreign key is added with ALTER TABLE ADD COLUMN on SQLite and PostgreSQL alike (``manage.py sqlmigrate
subsidies 0003``): the table is not rebuilt, so the append-only triggers of 0002 stay in place and need no
re-adding (tests/subsidies/test_append_only.py runs against the migrated schema).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("subsidies", "0002_append_only_triggers"),
        ("workstations", "0003_outcomes"),
    ]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="evaluation_result",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="award_entries",
                to="workstations.evaluationresult",
                verbose_name="evaluation result",
            ),
        ),
    ]
