"""`cases.locks`: the lock an act holds is known inside its own transaction only."""

import pytest
from django.db import transaction

from oneseal.cases.locks import holds_lock, mark_locked
from oneseal.cases.models import Case


class Rollback(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_a_lock_is_held_in_its_own_transaction_and_never_after_it():
    case = Case(pk=1)
    assert not holds_lock(case)  # never marked
    with transaction.atomic():
        mark_locked(case)
        assert holds_lock(case)
        with transaction.atomic():
            assert holds_lock(case)  # a savepoint is the same transaction
    assert not holds_lock(case)  # outside any transaction
    with transaction.atomic():
        assert not holds_lock(case)  # a later transaction holds nothing yet
    with pytest.raises(Rollback), transaction.atomic():
        mark_locked(case)
        raise Rollback
    with transaction.atomic():
        assert not holds_lock(case)  # the rolled back one released it


@pytest.mark.django_db(transaction=True)
def test_marking_outside_a_transaction_marks_nothing():
    case = mark_locked(Case(pk=1))
    with transaction.atomic():
        assert not holds_lock(case)
