"""A department's supervisors see the ratings of their department's items only, as with cases
(ItemVersion.original_department); the bureau's staff see every rating of the region."""

import datetime

import pytest

from oneseal.catalogue import actions as catalogue_actions
from oneseal.organisation.models import Department, Role

from .. import actions, queries
from .conftest import refused


@pytest.fixture
def housing(county):
    return Department.objects.create(
        region=county, name="平罗县住房和城乡建设局", short_name="住建局", order=9
    )


@pytest.fixture
def building_item(complete_draft, admin_user, housing):
    version = catalogue_actions.publish(
        complete_draft("640221-XK-020", "建筑工程施工许可"),
        actor=admin_user,
        effective_from=datetime.date(2024, 1, 1),
    )
    version.original_department = housing
    version.save(update_fields=["original_department"])
    return version.handling_items.get()


@pytest.fixture
def two_ratings(handling_item, building_item, own_applicant, applicant_user, clerk):
    food = actions.rate(
        refused(handling_item, own_applicant, clerk), actor=applicant_user, score=5, reasons=[]
    )
    building = actions.rate(
        refused(building_item, own_applicant, clerk),
        actor=applicant_user,
        score=2,
        reasons=["guide_wrong"],
        comment="指南没写清楚",
    )
    return food, building


def test_a_supervisor_sees_the_ratings_of_their_departments_items_only(
    two_ratings, make_staff, county, department, housing
):
    food, building = two_ratings
    market = make_staff("market", county, Role.SUPERVISOR, department=department)
    builder = make_staff("builder", county, Role.SUPERVISOR, department=housing)
    assert list(queries.visible_ratings(market)) == [food]
    assert list(queries.visible_ratings(builder)) == [building]
    assert [f.rating for f in queries.staff_follow_ups(market)] == []
    assert [f.rating for f in queries.staff_follow_ups(builder)] == [building]


def test_a_supervisor_without_a_department_sees_no_rating_and_the_bureau_sees_all(
    two_ratings, make_staff, county, clerk
):
    lost = make_staff("lost", county, Role.SUPERVISOR)
    assert (
        not queries.visible_ratings(lost).exists() and not queries.staff_follow_ups(lost).exists()
    )
    assert set(queries.visible_ratings(clerk)) == set(two_ratings)


def test_the_ratings_api_and_page_of_a_supervisor_hold_to_the_department(
    two_ratings, make_staff, county, department
):
    from rest_framework.test import APIClient

    food, building = two_ratings
    market = make_staff("market", county, Role.SUPERVISOR, department=department)
    client = APIClient()
    client.force_authenticate(market)
    listed = client.get("/api/v1/ratings").json()
    ids = [r["id"] for r in (listed["results"] if isinstance(listed, dict) else listed)]
    assert ids == [food.pk]
    assert client.get(f"/api/v1/ratings/{building.pk}").status_code == 404
