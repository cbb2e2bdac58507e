"""The short-abandon threshold defaults to 20 s, the usual standard the seed gives (002 第7篇:
"“短时放弃”按通常标准是20秒或者更少"), instead of 5 s.

Centres that kept the old default move to the new one: the targets page offered 5 s
pre-filled, so a stored 5 s is what a centre got by saving its rules without choosing a
threshold. A centre that chose any other value keeps it.
"""

from django.db import migrations, models

OLD_DEFAULT, NEW_DEFAULT = 5, 20


def forwards(apps, schema_editor):
    rules = apps.get_model("metrics", "CentreRules")
    rules.objects.filter(short_abandon_seconds=OLD_DEFAULT).update(
        short_abandon_seconds=NEW_DEFAULT
    )


class Migration(migrations.Migration):
    dependencies = [("metrics", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="centrerules",
            name="short_abandon_seconds",
            field=models.PositiveSmallIntegerField(
                choices=[
                    (3, "3 s"),
                    (5, "5 s"),
                    (10, "10 s"),
                    (15, "15 s"),
                    (20, "20 s"),
                    (30, "30 s"),
                    (45, "45 s"),
                    (60, "60 s"),
                    (90, "90 s"),
                    (120, "120 s"),
                    (180, "180 s"),
                    (300, "300 s"),
                ],
                default=20,
                verbose_name="short abandon threshold (s)",
            ),
        ),
        # Backwards leaves the values: a centre's 20 s may be its own choice by then.
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
