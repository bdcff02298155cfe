"""The case list counts exactly up to EXACT_COUNT_UP_TO rows and estimates above (PostgreSQL):
a million cases are not counted on every page."""

import pytest
from django.db import connection
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
