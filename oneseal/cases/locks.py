"""Which case rows the current transaction already holds the lock of.

An act locks its case (`actions._base.lock`, or inserts it: `actions.receive`) and then, in the
same transaction, hands the case to hooks (`cases.notices`) that would otherwise lock and read
the row again. `mark_locked` remembers on the object that this transaction holds the row;
`holds_lock` is true only inside that very transaction, so an object kept past its commit or
rollback is locked again by whoever needs the lock.

A transaction is told apart by the connection's list of on-commit callbacks: Django replaces
that list when a transaction commits or rolls back (and when a savepoint rolls back, which
only makes `holds_lock` say False: one more lock taken, never one missed)."""

from django.db import transaction

from .models import Case


def mark_locked(case: Case) -> Case:
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        case._locked_in = connection.run_on_commit  # type: ignore[attr-defined]
    return case


def holds_lock(case: Case) -> bool:
    connection = transaction.get_connection()
    return (
        connection.in_atomic_block and getattr(case, "_locked_in", None) is connection.run_on_commit
    )


class OutsideRange(Exception):
    """The case is not in the region range its caller gave `actions._base.lock` to check the
    caller's scope with (`Case.in_range`): nothing was locked or done, and whether the caller
    may see the case at all is for the caller's own exact check (it may still: an applicant it
    acts for, outside its region) — a 404 or the act again without the range."""
