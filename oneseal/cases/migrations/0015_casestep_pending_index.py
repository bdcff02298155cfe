"""The pending-step index the review and decision queues read (workbench.queries._pending_step).

Built CONCURRENTLY on PostgreSQL, like 0014: a plain CREATE INDEX would hold every write to
`cases_casestep` (each review or decision step) for the whole scan of a bureau's table
(oneseal.indexes.AddIndexConcurrently)."""

from django.conf import settings
from django.db import migrations, models

from oneseal.indexes import AddIndexConcurrently

INDEX = models.Index(
    condition=models.Q(("state", "pending")),
    fields=["case", "order", "id"],
    include=("role", "assignee"),
    name="casestep_pending",
)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0014_case_search_trigram_indexes"),
        ("catalogue", "0006_life_events"),
        ("organisation", "0003_role_archivist"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexConcurrently(model_name="casestep", index=INDEX),
    ]
