"""The cases received in a period in one state, within a region: the workbench's tabs and
heading with the date filter (workbench.queries.apply_filters), each a state or a few. With
(received_on, region_code) and (state, region_code) apart, a tab found its first hundred
cases by ANDing a month's 82,000 entries with a state's, or along another index, testing the
date of each case on the table (a superuser's delivery tab for May 2025 skipped 8,703 granted
cases): the counts of such a page took 48 ms for a county clerk and 60 ms for a superuser at
1,000,000 cases, and 15 and 36 ms with this index (docs/scaling.md).

Built CONCURRENTLY on PostgreSQL, like 0019: a plain CREATE INDEX would hold every write to
`cases_case` for the whole scan. The model state gets the index as an ordinary AddIndex, so
the models and the migrations agree."""

from django.db import migrations, models

from oneseal.indexes import AddIndexConcurrently

INDEX = models.Index(
    fields=["state", "received_on", "region_code"], name="case_state_received_region"
)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("cases", "0020_case_event_correction_by")]

    operations = [
        AddIndexConcurrently(model_name="case", index=INDEX),
    ]
