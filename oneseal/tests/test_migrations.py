"""The suite builds its databases from the models (`--no-migrations` in pyproject.toml: a second
instead of a minute of CPU per worker). What a bureau runs is the migrations, so here they are
applied from zero, once per backend, to a scratch database of the backend under test, and the
schema they leave is compared with the one the models make; and the models must have no change
the migrations lack."""

import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import override_settings

ROOT = Path(__file__).resolve().parents[2]

# Run in a fresh interpreter: pytest-django has switched this one's migrations off.
MIGRATE_AND_DESCRIBE = """
import json, django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.test.utils import override_settings
call_command("migrate", verbosity=0, interactive=False)
print(json.dumps(__DESCRIBE__(connection)))
"""


def describe(conn) -> dict[str, list[list]]:
    """Every table with its columns and whether each may be null."""
    with conn.cursor() as cursor:
        tables = [
            t.name
            for t in conn.introspection.get_table_list(cursor)
            if t.type == "t" and t.name != "django_migrations"
        ]
        return {
            table: sorted(
                [c.name, bool(c.null_ok)]
                for c in conn.introspection.get_table_description(cursor, table)
            )
            for table in sorted(tables)
        }


def _scratch_url(tmp_path) -> tuple[str, object]:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'migrated.sqlite3'}", None
    name = f"{settings['NAME']}_migrated_{uuid.uuid4().hex[:8]}"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')

    url = "postgres://{USER}:{PASSWORD}@{HOST}:{PORT}/".format(
        **{k: settings[k] or "" for k in ("USER", "PASSWORD", "HOST", "PORT")}
    )
    return url + name, drop


@pytest.mark.slow
@pytest.mark.django_db
def test_the_migrations_from_zero_make_the_schema_the_models_make(tmp_path):
    url, drop = _scratch_url(tmp_path)
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("ONESEAL_") and k != "DATABASE_URL"
    }
    env.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="oneseal.settings",
        ONESEAL_VAR=str(tmp_path),
        DATABASE_URL=url,
        ONESEAL_SEARCH_EMBEDDINGS="0",
    )
    code = "import oneseal.tests.test_migrations as m\n" + MIGRATE_AND_DESCRIBE.replace(
        "__DESCRIBE__", "m.describe"
    )
    try:
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
    finally:
        if drop:
            drop()
    assert result.returncode == 0, result.stderr[-3000:]
    migrated = json.loads(result.stdout.strip().splitlines()[-1])
    assert migrated == json.loads(json.dumps(describe(connection)))


@pytest.mark.django_db
def test_the_models_have_no_change_the_migrations_lack():
    out = io.StringIO()
    try:
        # The real migration modules, which --no-migrations hides from this process.
        with override_settings(MIGRATION_MODULES={}):
            call_command("makemigrations", check=True, dry_run=True, stdout=out)
    except SystemExit:
        pytest.fail("models changed without a migration:\n" + out.getvalue())
