"""Each decision due date gets its own provisional flag. Until now one flag, `due_provisional`,
said "either date is provisional", so a promised date in a published year was printed 暂定
whenever the statutory date of the same case fell in the next, unpublished one.

The data step gives existing cases their two flags from the calendar in force: a date is
provisional when a year from acceptance to it has no official schedule (what
`WorkCalendar.is_provisional` says of the span the date was counted over). Only cases whose
`due_provisional` is set can have a provisional date. Should neither date come out provisional
(the schedule was entered and the recalculation has not run yet), both keep the old flag, so
`due_provisional` stays "either" and the recalculation still finds the case and clears them."""

import datetime

from django.db import migrations, models

BATCH = 2000


def official_years(apps) -> frozenset[int]:
    from oneseal.calendars.rules import package_schedule

    CalendarYear = apps.get_model("calendars", "CalendarYear")
    return package_schedule()[1] | frozenset(CalendarYear.objects.values_list("year", flat=True))


def provisional(years: frozenset[int], start: datetime.date | None, due: datetime.date) -> bool:
    lo, hi = sorted((start or due, due))
    return any(y not in years for y in range(lo.year, hi.year + 1))


def split_flags(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    years = official_years(apps)
    rows = (
        Case.objects.filter(due_provisional=True, promised_due__isnull=False)
        .only("id", "accepted_on", "promised_due", "statutory_due")
        .order_by("id")
    )
    batch = []
    for case in rows.iterator(chunk_size=BATCH):
        promised = provisional(years, case.accepted_on, case.promised_due)
        statutory = case.statutory_due is not None and provisional(
            years, case.accepted_on, case.statutory_due
        )
        if not (promised or statutory):
            promised = statutory = True
        case.promised_due_provisional, case.statutory_due_provisional = promised, statutory
        batch.append(case)
        if len(batch) == BATCH:
            Case.objects.bulk_update(
                batch, ["promised_due_provisional", "statutory_due_provisional"]
            )
            batch = []
    if batch:
        Case.objects.bulk_update(batch, ["promised_due_provisional", "statutory_due_provisional"])


class Migration(migrations.Migration):
    dependencies = [
        ("calendars", "0001_initial"),
        ("cases", "0016_heldscan"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="promised_due_provisional",
            field=models.BooleanField(default=False, verbose_name="承诺办结日期暂定"),
        ),
        migrations.AddField(
            model_name="case",
            name="statutory_due_provisional",
            field=models.BooleanField(default=False, verbose_name="法定办结日期暂定"),
        ),
        migrations.RunPython(split_flags, migrations.RunPython.noop, elidable=True),
    ]
