"""How the test processes talk to their database (oneseal/conftest.py's pytest_configure)."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_a_commit_on_postgresql_does_not_wait_for_the_disk():
    # The test database is thrown away after the run: a commit need not wait for its WAL to
    # reach the disk, which each statement of a transactional test and each migration did.
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's test database is in memory")
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"  # the settings' own options are kept
