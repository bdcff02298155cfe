import pytest
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="package", autouse=True)
def _scratch_media(tmp_path_factory):
    # load-demo signs and stores every notice and licence; they must not land in var/media.
    # One directory for the package: the shared build's documents are read by every module.
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


def planned_for_the_loaded_demo() -> None:
    """The demo is loaded inside a test transaction, where autovacuum never analyses it: on
    PostgreSQL the planner would take its tables for empty and nest loops over thousands of
    rows (minutes for a report that takes milliseconds). ANALYZE counts the rows the
    transaction itself inserted, as a deployment's autovacuum would after loading."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


@pytest.fixture(scope="package")
def demo_county(django_db_setup, django_db_blocker):
    """The demo county and its cases (`builder.load()`), built once for the package inside a
    transaction rolled back after its last test: the build takes a minute or more on two
    cores, and each module used to repeat it. A module adds its own steps in a savepoint on top
    (`demo_savepoint`) and each test runs in its own savepoint on top of that. The package's
    tests that do not ask for it run before it is built (oneseal/conftest.py orders them), so
    they see an empty database; under xdist the whole package runs on one worker."""
    from oneseal.calendars.queries import invalidate
    from oneseal.demo import builder

    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        invalidate()
        assert builder.load() is True
        planned_for_the_loaded_demo()
        yield timezone.localdate()
        transaction.set_rollback(True)
    invalidate()


@pytest.fixture(scope="module")
def demo_savepoint(demo_county, django_db_blocker):
    """A module's own layer over the shared demo county, rolled back at the module's end, so
    the steps one module loads are never seen by the next."""
    from oneseal.calendars.queries import invalidate

    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        invalidate()
        yield demo_county
        transaction.set_rollback(True)
    invalidate()
