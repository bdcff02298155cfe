"""The correction requests by their clerk: the assigned-to-me count on every staff page
(workbench.assigned) finds a clerk's cases back from a correction by the requests they made,
where it tested every received case of the scope for its last request (a province's
superuser: 4,110 cases at 1,000,000, 25–35 ms of each page, docs/scaling.md). Partial: only
the `request_correction` events, a small part of the table.

Built CONCURRENTLY on PostgreSQL, like 0019: a plain CREATE INDEX would hold every write to
`cases_caseevent` for the whole scan. The model state gets the index as an ordinary
AddIndex, so the models and the migrations agree."""

from django.db import migrations, models

from oneseal.indexes import AddIndexConcurrently

INDEX = models.Index(
    fields=["actor", "case"],
    condition=models.Q(action="request_correction"),
    name="case_event_correction_by",
)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("cases", "0019_case_item_state_region")]

    operations = [
        AddIndexConcurrently(model_name="caseevent", index=INDEX),
    ]
