"""A department's supervisors (行业主管部门监管人员) see the cases of the items their department
approved before the reform and supervises now (ItemVersion.original_department), not every
case of the county; overseers (改革办、纪检监察) see every case of their region and act on none."""

import pytest
from rest_framework.test import APIClient

from oneseal.applicants.actions import record_authorisation, register_applicant
from oneseal.cases import actions
from oneseal.cases.models import Case, CaseEvent, CaseMaterial
from oneseal.cases.queries import visible_cases
from oneseal.catalogue import actions as catalogue_actions
from oneseal.organisation.models import Department, Role
from oneseal.testing import day


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def housing(county):
    return Department.objects.create(
        region=county, name="平罗县住房和城乡建设局", short_name="住建局", order=9
    )


@pytest.fixture
def food_case(complete_draft, admin_user, applicant, clerk):
    """A case of 食品经营许可, an item 市场监管局 (the `department` fixture) approved before."""
    version = catalogue_actions.publish(
        complete_draft(), actor=admin_user, effective_from=day("2024-01-01")
    )
    case = actions.receive(version.handling_items.get(), actor=clerk, applicant=applicant)
    return actions.check_materials(
        case,
        actor=clerk,
        statuses={m.pk: CaseMaterial.Status.PROVIDED for m in case.materials.all()},
    )


@pytest.fixture
def building_case(complete_draft, admin_user, applicant, clerk, housing):
    """A case of 建筑工程施工许可, an item of 住建局."""
    version = catalogue_actions.publish(
        complete_draft("640221-XK-020", "建筑工程施工许可"),
        actor=admin_user,
        effective_from=day("2024-01-01"),
    )
    version.original_department = housing
    version.save(update_fields=["original_department"])
    return actions.receive(version.handling_items.get(), actor=clerk, applicant=applicant)


def refused(response, case, events_before):
    body = response.content.decode()
    return (
        response.status_code == 404
        and case.number not in body
        and case.applicant.name not in body
        and CaseEvent.objects.count() == events_before
    )


def test_a_supervisor_sees_only_the_cases_of_their_departments_items(
    food_case, building_case, make_staff, county, department, housing
):
    market = make_staff("market", county, Role.SUPERVISOR, department=department)
    building = make_staff("building", county, Role.SUPERVISOR, department=housing)
    assert list(visible_cases(market)) == [food_case]
    assert list(visible_cases(building)) == [building_case]
    listed = client_for(market).get("/api/v1/cases").json()
    assert [row["number"] for row in listed["results"]] == [food_case.number]
    assert client_for(market).get(f"/api/v1/cases/{food_case.pk}").status_code == 200

    # The other department's case answers as an unknown one, for reads and for actions.
    before = CaseEvent.objects.count()
    as_market = client_for(market)
    hidden = as_market.get(f"/api/v1/cases/{building_case.pk}")
    assert refused(hidden, building_case, before)
    assert hidden.json() == as_market.get(f"/api/v1/cases/{building_case.pk + 1000}").json()
    assert refused(as_market.get(f"/api/v1/cases/{building_case.pk}/events"), building_case, before)
    assert refused(
        as_market.post(
            f"/api/v1/cases/{building_case.pk}/verify-commitment",
            {"truthful": True, "findings": "属实"},
            format="json",
        ),
        building_case,
        before,
    )


def test_a_supervisor_of_the_right_department_may_read_but_not_act(
    food_case, make_staff, county, department
):
    market = client_for(make_staff("market", county, Role.SUPERVISOR, department=department))
    before = CaseEvent.objects.count()
    r = market.post(
        f"/api/v1/cases/{food_case.pk}/accept",
        {"expected_version": food_case.lock_version},
        format="json",
    )
    assert r.status_code == 403 and r.json()["code"] == "not_permitted"
    assert CaseEvent.objects.count() == before
    assert Case.objects.get(pk=food_case.pk).lock_version == food_case.lock_version


def test_a_supervisor_without_a_department_or_of_another_county_sees_nothing(
    food_case, make_staff, county, other_county, department
):
    nowhere = make_staff("nowhere", county, Role.SUPERVISOR)
    elsewhere = make_staff(
        "elsewhere",
        other_county,
        Role.SUPERVISOR,
        department=Department.objects.create(region=other_county, name="大武口区市场监督管理局"),
    )
    for user in (nowhere, elsewhere):
        assert not visible_cases(user).exists()
        client = client_for(user)
        assert client.get("/api/v1/cases").json()["count"] == 0
        assert refused(
            client.get(f"/api/v1/cases/{food_case.pk}"), food_case, CaseEvent.objects.count()
        )


def test_a_supervisor_who_also_reviews_sees_the_whole_county(
    food_case, building_case, make_staff, county, department
):
    both = make_staff("both", county, Role.SUPERVISOR, Role.REVIEWER, department=department)
    assert set(visible_cases(both)) == {food_case, building_case}


def test_a_supervisor_still_sees_their_own_applications(
    building_case, make_staff, county, department, clerk
):
    market = make_staff("market", county, Role.SUPERVISOR, department=department)
    # The supervisor is the applicant organisation's legal representative, recorded at the window.
    person = register_applicant(
        actor=clerk,
        user=market,
        kind="person",
        name="马监管",
        number="11010519491231002X",
        phone="13909520000",
    )
    record_authorisation(
        building_case.applicant,
        person=person,
        capacity="representative",
        papers="营业执照",
        actor=clerk,
    )
    assert list(visible_cases(market)) == [building_case]


def test_an_overseer_sees_every_case_of_the_region_and_acts_on_none(
    food_case, building_case, make_staff, county, regions
):
    overseer = make_staff("overseer", county, Role.OVERSEER)
    city_overseer = make_staff("city-overseer", regions.get(code="640200"), Role.OVERSEER)
    for user in (overseer, city_overseer):
        assert set(visible_cases(user)) == {food_case, building_case}
    client = client_for(overseer)
    assert client.get("/api/v1/cases").json()["count"] == 2
    assert client.get(f"/api/v1/cases/{building_case.pk}").status_code == 200
    before = CaseEvent.objects.count()
    for name, body in [
        ("accept", {}),
        ("refuse", {"clause": "1", "reason": "无需许可"}),
        ("withdraw", {"reason": "x"}),
        ("terminate", {"reason": "x"}),
    ]:
        r = client.post(f"/api/v1/cases/{food_case.pk}/{name}", body, format="json")
        assert r.status_code == 403 and r.json()["code"] == "not_permitted", (name, r.content)
    assert CaseEvent.objects.count() == before
    assert Case.objects.get(pk=food_case.pk).lock_version == food_case.lock_version
