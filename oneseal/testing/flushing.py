"""Emptying PostgreSQL's tables after a transactional test with DELETE instead of TRUNCATE.

pytest-django empties every table after a test that commits (transactional_db, live_server):
Django's flush, one `TRUNCATE` of all of the project's tables. PostgreSQL truncates a table by
giving it a new, empty file — for each of some 250 tables, mostly empty, every time — which
made each flush take seconds; a DELETE of the few rows such a test leaves is a moment. The
foreign keys Django makes on PostgreSQL are DEFERRABLE INITIALLY DEFERRED and flush runs in one
transaction, so the order of the tables does not matter. Only when no sequence is to be reset
(the tests' flush; `oneseal restore --force` and `flush` itself reset them and keep TRUNCATE).
Installed for the test processes by oneseal/conftest.py; the application never flushes."""

from django.db.backends.postgresql.operations import DatabaseOperations

_truncating = DatabaseOperations.sql_flush


def _deleting(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    if reset_sequences or allow_cascade:
        return _truncating(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    return [
        f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
        for table in tables
    ]


def delete_instead_of_truncate() -> None:
    DatabaseOperations.sql_flush = _deleting
