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


def test_a_lock_given_a_region_range_reads_the_case_only_within_it(handling_item, applicant, clerk):
    """`Case.in_range` (the API's intake decisions): outside the range nothing is locked or
    done and `OutsideRange` says so; inside it the act runs as without it."""
    from oneseal.cases import actions
    from oneseal.cases.actions._base import lock
    from oneseal.cases.locks import OutsideRange

    case = actions.receive(handling_item, actor=clerk, applicant=applicant)
    code = case.region_code
    elsewhere = Case(pk=case.pk)
    elsewhere.in_range = ("650000", "660000")
    with pytest.raises(OutsideRange), transaction.atomic():
        actions.accept(elsewhere, actor=clerk)
    assert Case.objects.get(pk=case.pk).state == "received"
    within = Case(pk=case.pk)
    within.in_range = (code[:4], str(int(code[:4]) + 1))
    with transaction.atomic():
        locked = lock(within)
        assert locked.pk == case.pk and holds_lock(locked)
    assert "in_range" not in within.__dict__  # used once: a second lock reads as always
    missing = Case(pk=case.pk + 1000)
    missing.in_range = (code[:4], str(int(code[:4]) + 1))
    with pytest.raises(OutsideRange), transaction.atomic():
        lock(missing)
