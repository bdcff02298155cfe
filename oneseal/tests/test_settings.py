"""The settings read from the environment, checked in a fresh interpreter per case: production
(ONESEAL_DEBUG=0) refuses to start without its secrets and public URL, a value that cannot be
read names its variable, the demo's secret key is random per install, and `oneseal check
--deploy` passes cleanly with the README's production settings."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "ONESEAL_DEBUG": "0",
    "ONESEAL_SECRET_KEY": "p" * 20 + "-a-long-random-production-secret-key-0123456789",
    "ONESEAL_PUBLIC_URL": "https://spj.pingluo.gov.cn",
    "ONESEAL_SEAL_KEY": "s" * 16 + "-a-long-random-seal-key-0123456789",
    "ONESEAL_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "ONESEAL_PROXY_COUNT": "1",
}


def run(code: str, tmp_path, **env) -> subprocess.CompletedProcess:
    # A fresh deployment's environment: none of ours, and not the browser tests' async switch
    # (conftest.browser sets DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly refuses).
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ONESEAL_") and k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    clean.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="oneseal.settings",
        ONESEAL_VAR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


SHOW = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({k: getattr(s, k) for k in %r}, default=str))"
)


def settings_of(tmp_path, names, **env) -> dict:
    result = run(SHOW % (names,), tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.parametrize("missing", ["ONESEAL_PUBLIC_URL", "ONESEAL_SECRET_KEY"])
def test_production_refuses_to_start_without(missing, tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = run("import django; django.setup()", tmp_path, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and missing in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ONESEAL_WARNING_YELLOW_DAYS", "two"),
        ("ONESEAL_WEBHOOK_TIMEOUT_SECONDS", "-1"),
        ("ONESEAL_DEBUG", "maybe"),
        ("ONESEAL_TIME_ZONE", "Mars/Olympus"),
        ("ONESEAL_OFFICE_HOURS", "8-18"),
        ("ONESEAL_PUBLIC_URL", "spj.gov.cn"),
        ("ONESEAL_THROTTLE_TRACK", "lots"),
        ("ONESEAL_SEAL_KEY", "short"),
        ("ONESEAL_EMAIL_PORT", "smtp"),
        ("ONESEAL_IMPORT_MAX_ROWS", "many"),
        ("ONESEAL_LOG_FORMAT", "xml"),
        ("ONESEAL_METRICS_ALLOWED_IPS", "10.0.0.300"),
        ("ONESEAL_BACKUP_KEY", "short"),
    ],
)
def test_a_value_that_cannot_be_read_names_its_variable(name, value, tmp_path):
    result = run("import django; django.setup()", tmp_path, **{name: value})
    assert result.returncode != 0 and name in result.stderr, result.stderr[-500:]


def test_the_environment_reaches_the_settings_the_apps_read(tmp_path):
    got = settings_of(
        tmp_path,
        [
            "PUBLIC_URL",
            "TIME_ZONE",
            "EMAIL_HOST",
            "EMAIL_PORT",
            "EMAIL_USE_TLS",
            "DEFAULT_FROM_EMAIL",
            "ONESEAL_PUSH_SIGN_DAYS",
            "ONESEAL_OFFICE_HOURS",
            "ONESEAL_WARNING_YELLOW_DAYS",
            "ONESEAL_WARNING_STATUTORY_DAYS",
            "ONESEAL_WEBHOOK_MAX_ATTEMPTS",
            "ONESEAL_WEBHOOK_LEASE_SECONDS",
            "SEARCH_EMBEDDINGS",
            "AXES_FAILURE_LIMIT",
            "TRACK_FAILURES_PER_CLIENT",
            "THROTTLE_RATES",
            "ALLOWED_HOSTS",
            "CSRF_TRUSTED_ORIGINS",
        ],
        ONESEAL_PUBLIC_URL="https://spj.pingluo.gov.cn/",
        ONESEAL_TIME_ZONE="Asia/Urumqi",
        ONESEAL_EMAIL_HOST="smtp.pingluo.gov.cn",
        ONESEAL_EMAIL_PORT="587",
        ONESEAL_EMAIL_USE_TLS="1",
        ONESEAL_EMAIL_FROM="spj@pingluo.gov.cn",
        ONESEAL_PUSH_SIGN_DAYS="5",
        ONESEAL_OFFICE_HOURS="08:30-17:30",
        ONESEAL_WARNING_YELLOW_DAYS="4",
        ONESEAL_WARNING_STATUTORY_DAYS="1",
        ONESEAL_WEBHOOK_MAX_ATTEMPTS="3",
        ONESEAL_WEBHOOK_LEASE_SECONDS="90",
        ONESEAL_SEARCH_EMBEDDINGS="0",
        ONESEAL_LOGIN_FAILURE_LIMIT="7",
        ONESEAL_TRACK_FAILURES_PER_CLIENT="3",
        ONESEAL_THROTTLE_VERIFY="10/min",
    )
    assert got["PUBLIC_URL"] == "https://spj.pingluo.gov.cn" and got["TIME_ZONE"] == "Asia/Urumqi"
    assert (
        got["EMAIL_HOST"],
        got["EMAIL_PORT"],
        got["EMAIL_USE_TLS"],
        got["DEFAULT_FROM_EMAIL"],
    ) == ("smtp.pingluo.gov.cn", 587, True, "spj@pingluo.gov.cn")
    assert (
        got["ONESEAL_PUSH_SIGN_DAYS"],
        got["ONESEAL_OFFICE_HOURS"],
        got["ONESEAL_WARNING_YELLOW_DAYS"],
        got["ONESEAL_WARNING_STATUTORY_DAYS"],
    ) == (5, "08:30-17:30", 4, 1)
    assert (got["ONESEAL_WEBHOOK_MAX_ATTEMPTS"], got["ONESEAL_WEBHOOK_LEASE_SECONDS"]) == (3, 90.0)
    assert got["SEARCH_EMBEDDINGS"] is False and got["AXES_FAILURE_LIMIT"] == 7
    assert got["TRACK_FAILURES_PER_CLIENT"] == 3 and got["THROTTLE_RATES"]["verify"] == "10/min"
    assert got["CSRF_TRUSTED_ORIGINS"] == ["https://spj.pingluo.gov.cn"]


def test_the_demo_defaults_are_local_with_a_random_key_kept_0600(tmp_path):
    first = settings_of(
        tmp_path, ["DEBUG", "SECRET_KEY", "PUBLIC_URL", "ALLOWED_HOSTS", "EMAIL_HOST"]
    )
    key_file = tmp_path / "var" / "secret_key"
    assert (
        first["DEBUG"] is True
        and first["PUBLIC_URL"] == "http://127.0.0.1:8000"
        and first["EMAIL_HOST"] == ""
    )
    assert set(first["ALLOWED_HOSTS"]) <= {"127.0.0.1", "localhost", "[::1]", "testserver"}
    assert key_file.stat().st_mode & 0o777 == 0o600 and len(first["SECRET_KEY"]) >= 50
    assert settings_of(tmp_path, ["SECRET_KEY"])["SECRET_KEY"] == first["SECRET_KEY"]  # kept
    other = tmp_path / "other"
    other.mkdir()
    assert settings_of(other, ["SECRET_KEY"])["SECRET_KEY"] != first["SECRET_KEY"]  # per install
    source = (ROOT / "oneseal" / "settings.py").read_text()
    assert first["SECRET_KEY"] not in source and "not-for-production" not in source


def test_production_derives_allowed_hosts_from_the_public_url_and_creates_no_key_file(tmp_path):
    got = settings_of(
        tmp_path,
        [
            "ALLOWED_HOSTS",
            "SEAL_KEY_CREATE",
            "SECURE_SSL_REDIRECT",
            "SESSION_COOKIE_SECURE",
            "SECURE_HSTS_SECONDS",
        ],
        **PRODUCTION,
    )
    assert got["ALLOWED_HOSTS"] == ["spj.pingluo.gov.cn"] and got["SEAL_KEY_CREATE"] is False
    assert (
        got["SECURE_SSL_REDIRECT"]
        and got["SESSION_COOKIE_SECURE"]
        and got["SECURE_HSTS_SECONDS"] >= 31536000
    )
    assert (
        not (tmp_path / "var" / "secret_key").exists()
        and not (tmp_path / "var" / "seal_key").exists()
    )


def test_check_deploy_passes_cleanly_with_the_production_settings(tmp_path):
    code = (
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['oneseal', 'check', '--deploy', '--fail-level', 'WARNING'])"
    )
    result = run(code, tmp_path, **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_check_deploy_fails_without_a_seal_key(tmp_path):
    code = (
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['oneseal', 'check', '--deploy'])"
    )
    env = {k: v for k, v in PRODUCTION.items() if k != "ONESEAL_SEAL_KEY"}
    result = run(code, tmp_path, **env)
    assert (
        result.returncode != 0
        and "oneseal.E001" in result.stderr
        and "ONESEAL_SEAL_KEY" in result.stderr
    )


WRITE_AFTER_ANOTHER = """
import sqlite3, django
django.setup()
from django.conf import settings
from django.db import connection, transaction
with connection.cursor() as c:
    c.execute("CREATE TABLE t (n integer)")
other = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=0)
with transaction.atomic():
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM t")
        try:
            other.execute("INSERT INTO t VALUES (2)")
            other.commit()
        except sqlite3.OperationalError:
            print("the other writer waits")
        c.execute("INSERT INTO t VALUES (1)")
print("written")
"""


def test_a_sqlite_transaction_that_read_first_still_writes_when_another_wrote_meanwhile(tmp_path):
    # The demo's SQLite: two submissions of one form, or a page and the worker, each read then
    # write. The one that began first keeps its turn; the other waits for it (busy_timeout)
    # instead of the first failing with "database is locked".
    result = run(WRITE_AFTER_ANOTHER, tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines()[-2:] == ["the other writer waits", "written"]
