"""Migration 0017 gives the cases of before it a provisional flag per decision due date, from
the calendar in force (2026 published, 2027 not)."""

import pytest

from oneseal.cases.models import Case
from oneseal.testing import accepted_case

MOVED = [("cases", "0017_per_date_provisional")]


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
    Case.objects.filter(pk=stale.pk).update(due_provisional=True)

    steps = migration_steps(*MOVED)
    steps.back()
    new = steps.forward().apps.get_model("cases", "Case")

    flags = {
        pk: tuple(rest)
        for pk, *rest in new.objects.values_list(
            "pk", "promised_due_provisional", "statutory_due_provisional", "due_provisional"
        )
    }
    assert flags == {
        certain.pk: (False, False, False),
        split.pk: (False, True, True),
        both.pk: (True, True, True),
        stale.pk: (True, True, True),
    }
