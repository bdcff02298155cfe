import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from oneseal.inspections import actions
from oneseal.testing import accepted_case, at


def schedule_one(hi, applicant, clerk, reviewer, second_reviewer):
    with time_machine.travel(at("2025-09-24 09:00"), tick=False):
        case = accepted_case(hi, applicant, clerk, "2025-09-24")
    with time_machine.travel(at("2025-09-26 10:00"), tick=False):
        return actions.schedule_inspection(
            case,
            actor=reviewer,
            at=at("2025-09-30 10:00"),
            place="现场",
            expected_days=2,
            inspectors=[reviewer, second_reviewer],
        )


def listed(user) -> int:
    client = APIClient()
    client.force_authenticate(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/inspections")
    assert response.status_code == 200
    return len(queries), len(response.json())


@pytest.mark.django_db
def test_the_list_costs_the_same_for_one_inspection_or_three(
    surveyed_item, own_applicant, clerk, reviewer, second_reviewer, signatory
):
    schedule_one(surveyed_item, own_applicant, clerk, reviewer, second_reviewer)
    listed(signatory)  # warm the per-process caches (the calendar, the user's staff row)
    one, n = listed(signatory)
    assert n == 1
    for _ in range(2):
        schedule_one(surveyed_item, own_applicant, clerk, reviewer, second_reviewer)
    three, n = listed(signatory)
    assert n == 3
    assert three == one
