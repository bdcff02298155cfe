"""The pending-step index the review and decision queues read (workbench.queries._pending_step).

Built CONCURRENTLY on PostgreSQL, like 0014: a plain CREATE INDEX would hold every write to
`cases_casestep` (each review or decision step) for the whole scan of a bureau's table. The
model state gets the index as an ordinary AddIndex, so the models and the migrations agree."""

from django.conf import settings
from django.db import migrations, models

INDEX = models.Index(
    condition=models.Q(("state", "pending")),
    fields=["case", "order", "id"],
    include=("role", "assignee"),
    name="casestep_pending",
)


def create(apps, schema_editor):
    model = apps.get_model("cases", "CaseStep")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(model, INDEX, concurrently=True)
    else:
        schema_editor.add_index(model, INDEX)


def drop(apps, schema_editor):
    model = apps.get_model("cases", "CaseStep")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(model, INDEX, concurrently=True)
    else:
        schema_editor.remove_index(model, INDEX)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0014_case_search_trigram_indexes"),
        ("catalogue", "0006_life_events"),
        ("organisation", "0003_role_archivist"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="casestep", index=INDEX)],
            database_operations=[migrations.RunPython(create, drop, elidable=False)],
        )
    ]
