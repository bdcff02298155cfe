"""`Case.due_provisional` ("either decision due date is provisional") is no longer stored: it
was derivable from the two per-date flags of 0017, kept only for the recalculation's partial
index, and a third flag that had to agree with the other two. The index now looks at the two
flags themselves; `Case.due_provisional` is a property.

A case flagged with neither date's flag set (written behind `set_dues`'s back, none known) would
drop out of the recalculation with the column: it gets both flags first, as 0017 gave them to a
case it could not place, so the recalculation finds it and clears them."""

from django.db import migrations, models


def keep_the_flag_in_the_dates(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Case.objects.filter(
        due_provisional=True,
        promised_due_provisional=False,
        statutory_due_provisional=False,
        promised_due__isnull=False,
    ).update(promised_due_provisional=True, statutory_due_provisional=True)


def either_flag(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Case.objects.filter(
        models.Q(promised_due_provisional=True) | models.Q(statutory_due_provisional=True)
    ).update(due_provisional=True)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0017_per_date_provisional"),
    ]

    operations = [
        migrations.RunPython(keep_the_flag_in_the_dates, either_flag, elidable=True),
        migrations.RemoveIndex(
            model_name="case",
            name="case_provisional",
        ),
        migrations.RemoveField(
            model_name="case",
            name="due_provisional",
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(
                    ("acceptance_due_provisional", True),
                    ("promised_due_provisional", True),
                    ("statutory_due_provisional", True),
                    _connector="OR",
                ),
                fields=["id"],
                name="case_provisional",
            ),
        ),
    ]
