import pytest
from django.test.utils import override_settings


@pytest.fixture(scope="module", autouse=True)
def _scratch_media(tmp_path_factory):
    # load-demo signs and stores every notice and licence; they must not land in var/media.
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
