"""The case list counts exactly up to EXACT_COUNT_UP_TO rows and estimates above (PostgreSQL):
a million cases are not counted on every page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from oneseal.cases import actions
from oneseal.interface import counts
from oneseal.testing import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(handling_item, applicant, clerk):
    return [
        actions.receive(
            handling_item, actor=clerk, applicant=applicant, at=at(f"2025-03-0{d} 09:00")
        )
        for d in (3, 4, 5)
    ]


def listing(user, query=""):
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"/api/v1/cases?limit=2{query}")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_short_list_is_counted_exactly(three, clerk):
    body = listing(clerk)
    assert body["count"] == 3 and body["count_estimated"] is False
    assert [c["id"] for c in body["results"]] == [three[2].pk, three[1].pk]
    assert body["next"] is not None
    assert listing(clerk, "&received_from=2025-03-04")["count"] == 2


def test_above_the_limit_the_count_is_the_estimate_never_below_what_was_counted(
    three, clerk, monkeypatch
):
    monkeypatch.setattr(counts, "EXACT_COUNT_UP_TO", 1)
    body = listing(clerk)
    if connection.vendor == "postgresql":
        assert body["count_estimated"] is True and body["count"] >= 2
    else:
        assert body == {**body, "count": 3, "count_estimated": False}
    assert len(body["results"]) == 2 and body["next"] is not None


def test_the_list_still_refuses_a_bad_offset(three, clerk):
    client = APIClient()
    client.force_authenticate(clerk)
    response = client.get("/api/v1/cases?offset=-1")
    assert response.status_code == 400 and "offset" in response.json()["fields"]


def test_a_period_is_read_by_the_receiving_time_and_counted_by_the_date(
    handling_item, applicant, clerk
):
    """The rows of a period are read with a bound on their receiving time as well (the list's
    index starts at the period's end), which changes none of them: the cases of the first and
    the last minute of the period are listed, the minute after it is not. The count is by the
    dates alone: its plan and its estimate would take the two bounds for independent."""
    received = {
        when: actions.receive(handling_item, actor=clerk, applicant=applicant, at=at(when)).pk
        for when in ("2025-03-03 23:59", "2025-03-04 00:00", "2025-03-06 23:59", "2025-03-07 00:00")
    }
    client = APIClient()
    client.force_authenticate(clerk)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/v1/cases?received_from=2025-03-04&received_to=2025-03-06")
    body = response.json()
    assert [c["id"] for c in body["results"]] == [
        received["2025-03-06 23:59"],
        received["2025-03-04 00:00"],
    ]
    assert body["count"] == 2
    on_cases = [q["sql"] for q in captured.captured_queries if '"cases_case"' in q["sql"]]
    counting = [sql for sql in on_cases if "COUNT(" in sql]
    reading = [sql for sql in on_cases if '"cases_case"."number"' in sql]
    assert counting and reading
    assert all('"received_at" <' not in sql for sql in counting)
    assert all('"received_at" <' in sql for sql in reading)
