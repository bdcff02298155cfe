"""The cases of one item in one state, within a region: the workbench's tabs and heading with
the item filter (workbench.queries.apply_filters), each a state or a few. With only
(handling_item, region_code) a province's tab read each of the item's 25,000 cases from the
table to test its state (1.4 s for a superuser's page at 1,000,000 cases, docs/scaling.md);
(handling_item, state, region_code) answers the state and a county's range from the index.

Built CONCURRENTLY on PostgreSQL, like 0015: a plain CREATE INDEX would hold every write to
`cases_case` for the whole scan. The model state gets the index as an ordinary AddIndex, so
the models and the migrations agree."""

from django.db import migrations, models

INDEX = models.Index(fields=["handling_item", "state", "region_code"], name="case_item_state_region")


def create(apps, schema_editor):
    model = apps.get_model("cases", "Case")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(model, INDEX, concurrently=True)
    else:
        schema_editor.add_index(model, INDEX)


def drop(apps, schema_editor):
    model = apps.get_model("cases", "Case")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(model, INDEX, concurrently=True)
    else:
        schema_editor.remove_index(model, INDEX)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("cases", "0017_per_date_provisional")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="case", index=INDEX)],
            database_operations=[migrations.RunPython(create, drop, elidable=False)],
        )
    ]
