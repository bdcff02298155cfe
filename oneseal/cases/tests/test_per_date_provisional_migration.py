"""Migration 0017 gives the cases of before it a provisional flag per decision due date, from
the calendar in force (2026 published, 2027 not); 0018 drops the stored "either" flag, which
the two per-date flags now answer."""

import pytest

from oneseal.cases.models import Case
from oneseal.testing import accepted_case

SPLIT = ("cases", "0017_per_date_provisional")
DROPPED = ("cases", "0018_drop_due_provisional")


def _flags(model) -> dict[int, tuple[bool, bool]]:
    return {
        pk: (promised, statutory)
        for pk, promised, statutory in model.objects.values_list(
            "pk", "promised_due_provisional", "statutory_due_provisional"
        )
    }


@pytest.mark.django_db(transaction=True)
def test_existing_cases_get_each_dates_own_flag_from_the_calendar(
    migration_steps, item, applicant, clerk
):
    # Promised 5 / statutory 20 working days: 11-09 and 11-30; 12-14 and 2027-01-05;
    # 2027-01-05 and 2027-01-26.
    certain = accepted_case(item, applicant, clerk, "2026-11-02")
    split = accepted_case(item, applicant, clerk, "2026-12-07")
    both = accepted_case(item, applicant, clerk, "2026-12-28")
    # Flagged, yet both dates lie in a published year: the schedule was entered and the
    # recalculation has not run. Both dates stay provisional so that it still finds the case.
    stale = accepted_case(item, applicant, clerk, "2026-11-02")

    steps = migration_steps(SPLIT, DROPPED)
    before = steps.back().apps.get_model("cases", "Case")
    # Undoing 0018 gave back the "either" flag from the per-date ones.
    either = dict(before.objects.values_list("pk", "due_provisional"))
    assert either == {certain.pk: False, split.pk: True, both.pk: True, stale.pk: False}
    before.objects.filter(pk=stale.pk).update(due_provisional=True)
    steps.forward()

    assert _flags(Case) == {
        certain.pk: (False, False),
        split.pk: (False, True),
        both.pk: (True, True),
        stale.pk: (True, True),
    }
    assert [c.due_provisional for c in Case.objects.order_by("pk")] == [False, True, True, True]


@pytest.mark.django_db(transaction=True)
def test_dropping_the_either_flag_keeps_a_flagged_case_for_the_recalculation(
    migration_steps, item, applicant, clerk
):
    """A case flagged "either" with neither date's flag (written behind set_dues) gets both
    flags, as 0017 did to a case it could not place: the recalculation still finds it."""
    certain = accepted_case(item, applicant, clerk, "2026-11-02")
    stray = accepted_case(item, applicant, clerk, "2026-11-02")

    steps = migration_steps(DROPPED)
    before = steps.back().apps.get_model("cases", "Case")
    before.objects.filter(pk=stray.pk).update(due_provisional=True)
    steps.forward()

    assert _flags(Case) == {certain.pk: (False, False), stray.pk: (True, True)}
