"""Lockouts hold across processes: the tracking-code failures and the login failures are
counted in the database (the cache table and django-axes' table), so a guesser spreading tries
over several server processes (gunicorn workers) meets one count. Two separate interpreters on
one SQLite file stand for two workers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# PBKDF2 costs a third of a second per password (about twenty here, in the setup and in every
# login try); the count is what this test is about, not the hash, so the workers use the fast
# hasher the test settings use (oneseal/conftest.py). Set before the first hash is made.
FAST_HASHER = """
import django; django.setup()
from django.conf import settings
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
"""

SETUP = (
    FAST_HASHER
    + """
from django.core.management import call_command
# The tables from the models, as the suite's own databases are made (a second, where replaying
# the migrations takes a minute; oneseal/tests/test_migrations.py checks both agree).
class _NoMigrations(dict):
    def __contains__(self, app):
        return True
    def __getitem__(self, app):
        return None
settings.MIGRATION_MODULES = _NoMigrations()
call_command("migrate", run_syncdb=True, verbosity=0)
call_command("createcachetable", verbosity=0)
from django.contrib.auth import get_user_model
get_user_model().objects.create_user("clerk", password="pw-right-one")
"""
)

# argv: how many wrong tracking pairs, how many wrong passwords; prints the status of one more
# (wrong) tracking try and, with a third argument, of the right password.
WORKER = (
    FAST_HASHER
    + """
import sys
from django.test import Client
tracks, logins = int(sys.argv[1]), int(sys.argv[2])
c = Client(REMOTE_ADDR="198.51.100.9")
for n in range(tracks):
    c.post("/track/", {"number": "640221209999999999", "query_code": f"9{n:05d}"})
for n in range(logins):
    c.post("/accounts/login/", {"username": "clerk", "password": f"guess-{n}"})
track = c.post("/track/", {"number": "640221209999999999", "query_code": "123456"}).status_code
if len(sys.argv) > 3:
    login = c.post("/accounts/login/", {"username": "clerk", "password": "pw-right-one"})
    print(track, login.status_code, "_auth_user_id" in c.session)
else:
    print(track)
"""
)


def interpreter(tmp_path, database: str):
    """Runs code in a fresh interpreter on the SQLite file `database` under tmp_path."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("ONESEAL_") and k != "DATABASE_URL"
    }
    env.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="oneseal.settings",
        ONESEAL_VAR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / database}",
        ONESEAL_TRACK_FAILURES_PER_CLIENT="5",
        ONESEAL_LOGIN_FAILURE_LIMIT="10",
        ONESEAL_SEARCH_EMBEDDINGS="0",
    )

    def python(code, *args):
        result = subprocess.run(
            [sys.executable, "-c", code, *map(str, args)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout.split()

    return python


@pytest.mark.slow
def test_a_lockout_counted_in_one_process_holds_in_another(tmp_path):
    python = interpreter(tmp_path, "shared.sqlite3")
    python(SETUP)
    # First worker: 3 wrong pairs and its probe (4 of 5), 6 wrong passwords (of 10): not locked.
    assert python(WORKER, 3, 6) == ["404"]
    # Second worker: 1 wrong pair makes 5 with the first worker's, so its probe is refused;
    # 4 wrong passwords make 10, so the right password is refused as well.
    assert python(WORKER, 1, 4, "right") == ["429", "429", "False"]


@pytest.mark.slow
def test_alone_the_second_worker_stays_under_the_limits(tmp_path):
    """The control: the second worker's tries on a fresh database are not locked out, so the
    lockout above comes from the counts the first process left."""
    python = interpreter(tmp_path, "alone.sqlite3")
    python(SETUP)
    assert python(WORKER, 1, 4, "right") == ["404", "302", "True"]
