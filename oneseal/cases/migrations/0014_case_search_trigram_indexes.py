"""Trigram indexes for the case search by number or applicant name (PostgreSQL only).

The workbench's search is `icontains`, which Django writes on PostgreSQL as
`UPPER(col::text) LIKE UPPER('%…%')`: no b-tree answers a pattern with a leading wildcard, so
every case of the scope was read (0.8 s for a county, 8 s for a province at 1,000,000 cases,
docs/scaling.md). A GIN index of pg_trgm's trigrams over that same expression answers it.
The applicant's name is indexed here too, although the table is the applicants app's: it
exists for the case search alone (workbench.queries.apply_filters reads the matching
applicants first), and one migration keeps the extension and both indexes together.

SQLite, for small installations, has no such index and scans; the migration does nothing
there. The indexes are built CONCURRENTLY (so not in a transaction), so that adding them to a
bureau's running database does not block intake while they build."""

from django.db import migrations

INDEXES = (
    ("case_number_trgm", "cases_case", "number"),
    ("applicant_name_trgm", "applicants_applicant", "name"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        # A concurrent build that failed (a timeout, an interrupted deploy) leaves an INVALID
        # index of that name, which IF NOT EXISTS would keep for ever: drop it and build again.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT NOT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                " WHERE c.relname = %s",
                [name],
            )
            row = cursor.fetchone()
        if row is not None and row[0]:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
    # The extension stays: other objects may have come to use it.


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("applicants", "0003_one_person_per_account"),
        ("cases", "0013_case_list_filter_indexes"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
