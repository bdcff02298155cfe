"""A migration operation for an index on a table that is written all day."""

from django.db import migrations


class AddIndexConcurrently(migrations.AddIndex):
    """AddIndex, built CONCURRENTLY on PostgreSQL: a plain CREATE INDEX holds every write to the
    table for the whole scan (at a province's million cases, a minute of refused intake).
    Elsewhere (SQLite, the demo's database) a plain CREATE INDEX. The migration that uses it
    must say `atomic = False`: PostgreSQL builds no index concurrently inside a transaction.

    Django's own AddIndexConcurrently (django.contrib.postgres) refuses any other database."""

    def _options(self, schema_editor) -> dict:
        return {"concurrently": True} if schema_editor.connection.vendor == "postgresql" else {}

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index, **self._options(schema_editor))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.remove_index(model, self.index, **self._options(schema_editor))
