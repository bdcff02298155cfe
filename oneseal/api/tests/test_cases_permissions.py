"""Who may see and touch a case through the API. A case outside the caller's scope is a 404
that does not reveal it exists; a case the caller may see but not act on is a 403. Every
refusal says nothing about the case and writes nothing."""

import base64

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from rest_framework.test import APIClient

from oneseal.applicants.models import Applicant
from oneseal.applicants.rules import id_check_char
from oneseal.cases import actions
from oneseal.cases.models import Case, CaseEvent, CaseMaterial
from oneseal.cases.queries import visible_cases
from oneseal.organisation.models import Role


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def person_number(seq: str) -> str:
    first17 = "11010519800101" + seq
    return first17 + id_check_char(first17)


def citizen(username: str, name: str, seq: str):
    user = get_user_model().objects.create_user(username=username, password="pw-" + username)
    Applicant.objects.create(
        kind=Applicant.Kind.PERSON,
        name=name,
        id_number=person_number(seq),
        phone="13900000000",
        user=user,
    )
    return user


@pytest.fixture
def owner(db):
    return citizen("owner", "𠮷田花子", "001")


@pytest.fixture
def case(handling_item, clerk, owner):
    """A received case, materials checked, so that only the caller's rights stand in the way."""
    case = actions.receive(handling_item, actor=clerk, applicant=Applicant.objects.get(user=owner))
    return actions.check_materials(
        case,
        actor=clerk,
        statuses={m.pk: CaseMaterial.Status.PROVIDED for m in case.materials.all()},
    )


def assert_refused(response, case, statuses, events_before):
    assert response.status_code in statuses, response.content
    body = response.content.decode()
    assert case.number not in body
    assert case.applicant.name not in body
    assert case.applicant.number not in body
    assert CaseEvent.objects.count() == events_before
    assert Case.objects.get(pk=case.pk).lock_version == case.lock_version


def test_a_clerk_of_another_county_neither_sees_nor_touches_the_case(
    case, make_staff, other_county
):
    far = client_for(make_staff("far", other_county, Role.CLERK))
    before = CaseEvent.objects.count()
    assert_refused(far.get(f"/api/v1/cases/{case.pk}"), case, {404}, before)
    assert_refused(far.get(f"/api/v1/cases/{case.pk}/events"), case, {404}, before)
    assert_refused(
        far.post(f"/api/v1/cases/{case.pk}/accept", {}, format="json"), case, {404}, before
    )
    assert_refused(
        far.post(f"/api/v1/cases/{case.pk}/refuse", {"clause": "1", "reason": "x"}, format="json"),
        case,
        {404},
        before,
    )
    line = case.materials.first()
    assert_refused(
        far.post(f"/api/v1/cases/{case.pk}/materials/{line.pk}/files", {}, format="multipart"),
        case,
        {404},
        before,
    )
    listed = far.get("/api/v1/cases")
    assert listed.status_code == 200 and listed.json()["count"] == 0


def test_an_unknown_case_and_a_hidden_case_answer_alike(case, make_staff, other_county):
    far = client_for(make_staff("far", other_county, Role.CLERK))
    hidden = far.get(f"/api/v1/cases/{case.pk}")
    unknown = far.get(f"/api/v1/cases/{case.pk + 1000}")
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json() == unknown.json()


def test_a_department_supervisor_of_the_same_county_may_read_but_not_accept(
    case, make_staff, county, department
):
    supervisor = client_for(make_staff("sup", county, Role.SUPERVISOR, department=department))
    assert supervisor.get(f"/api/v1/cases/{case.pk}").status_code == 200
    before = CaseEvent.objects.count()
    response = supervisor.post(
        f"/api/v1/cases/{case.pk}/accept", {"expected_version": case.lock_version}, format="json"
    )
    assert_refused(response, case, {403}, before)
    assert response.json()["code"] == "not_permitted"


def test_staff_without_any_role_see_nothing(case, make_staff, county):
    idle = client_for(make_staff("idle", county))
    before = CaseEvent.objects.count()
    assert_refused(idle.get(f"/api/v1/cases/{case.pk}"), case, {404}, before)
    assert idle.get("/api/v1/cases").json()["count"] == 0


def test_another_applicant_cannot_see_the_case(case):
    other = client_for(citizen("other", "王五", "002"))
    before = CaseEvent.objects.count()
    assert_refused(other.get(f"/api/v1/cases/{case.pk}"), case, {404}, before)
    assert_refused(
        other.post(f"/api/v1/cases/{case.pk}/withdraw", {"reason": "不办了"}, format="json"),
        case,
        {404},
        before,
    )
    assert other.get("/api/v1/cases").json()["count"] == 0


def test_an_anonymous_caller_is_refused_everywhere(case):
    anonymous = client_for()
    before = CaseEvent.objects.count()
    assert_refused(anonymous.get("/api/v1/cases"), case, {401, 403}, before)
    assert_refused(anonymous.get(f"/api/v1/cases/{case.pk}"), case, {401, 403}, before)
    assert_refused(
        anonymous.post(f"/api/v1/cases/{case.pk}/accept", {}, format="json"),
        case,
        {401, 403},
        before,
    )
    assert_refused(anonymous.post("/api/v1/cases", {}, format="json"), case, {401, 403}, before)
    assert_refused(
        anonymous.post("/api/v1/applicants", {}, format="json"), case, {401, 403}, before
    )
    assert visible_cases(AnonymousUser()).count() == 0


def test_wrong_basic_credentials_are_refused_and_right_ones_work(case, clerk):
    def basic(username, password):
        token = base64.b64encode(f"{username}:{password}".encode()).decode()
        return APIClient(HTTP_AUTHORIZATION=f"Basic {token}")

    before = CaseEvent.objects.count()
    assert_refused(
        basic("clerk", "wrong").get(f"/api/v1/cases/{case.pk}"), case, {401, 403}, before
    )
    assert basic("clerk", "pw-clerk").get(f"/api/v1/cases/{case.pk}").status_code == 200


def test_the_applicant_may_read_their_case_but_not_accept_it(case, owner):
    client = client_for(owner)
    detail = client.get(f"/api/v1/cases/{case.pk}")
    assert detail.status_code == 200 and detail.json()["applicant"]["name"] == "𠮷田花子"
    before = CaseEvent.objects.count()
    response = client.post(
        f"/api/v1/cases/{case.pk}/accept", {"expected_version": case.lock_version}, format="json"
    )
    assert_refused(response, case, {403}, before)


def test_a_clerk_cannot_act_as_a_signatory(case, clerk):
    before = CaseEvent.objects.count()
    response = client_for(clerk).post(
        f"/api/v1/cases/{case.pk}/terminate", {"reason": "申请人已注销"}, format="json"
    )
    assert_refused(response, case, {403}, before)


def test_a_city_clerk_sees_the_cases_of_the_counties_below(case, make_staff, regions):
    city = regions.get(code="640200")
    assert (
        client_for(make_staff("city", city, Role.CLERK)).get(f"/api/v1/cases/{case.pk}").status_code
        == 200
    )


# The intake decisions check a region-wide clerk's scope by their lock (CaseAction.locks_first):
# every refusal must answer as when the scope was asked first.
INTAKE_DECISIONS = [
    ("check-materials", {"statuses": "not a mapping"}),
    ("accept", {}),
    ("accept", {"tolerated": "not a mapping"}),
    ("refuse", {"clause": "1", "reason": "x"}),
    ("refuse", {}),
    ("request-correction", {"items": {"1": "缺少签字"}}),
]


@pytest.mark.parametrize(("name", "body"), INTAKE_DECISIONS)
def test_an_intake_decision_on_a_case_outside_a_clerks_region_is_a_404_whatever_the_body(
    case, make_staff, other_county, name, body
):
    far = client_for(make_staff("far", other_county, Role.CLERK))
    before = CaseEvent.objects.count()
    response = far.post(f"/api/v1/cases/{case.pk}/{name}", body, format="json")
    assert_refused(response, case, {404}, before)
    unknown = far.post(f"/api/v1/cases/{case.pk + 1000}/{name}", body, format="json")
    assert unknown.status_code == 404 and unknown.json() == response.json()


@pytest.mark.parametrize(
    "role", [Role.REVIEWER, Role.SIGNATORY, Role.OVERSEER, Role.CATALOGUE_ADMIN]
)
def test_staff_of_the_county_without_the_clerks_role_see_the_case_but_may_not_accept(
    case, make_staff, county, role
):
    other = client_for(make_staff("other", county, role))
    assert other.get(f"/api/v1/cases/{case.pk}").status_code == 200
    before = CaseEvent.objects.count()
    response = other.post(f"/api/v1/cases/{case.pk}/accept", {}, format="json")
    assert_refused(response, case, {403}, before)
    assert response.json()["code"] == "not_permitted"


def test_a_clerk_elsewhere_sees_their_own_application_but_may_not_accept_it(
    handling_item, clerk, make_staff, other_county
):
    """Outside the clerk's region the lock finds nothing; the exact check finds the case is
    the clerk's own application, so the act runs as always and refuses the role."""
    far_user = make_staff("far", other_county, Role.CLERK)
    own = Applicant.objects.create(
        kind=Applicant.Kind.PERSON,
        name="远窗口",
        id_number=person_number("003"),
        phone="13900000001",
        user=far_user,
    )
    case = actions.receive(handling_item, actor=clerk, applicant=own)
    far = client_for(far_user)
    assert far.get(f"/api/v1/cases/{case.pk}").status_code == 200
    before = CaseEvent.objects.count()
    response = far.post(f"/api/v1/cases/{case.pk}/accept", {}, format="json")
    assert_refused(response, case, {403}, before)
    assert response.json()["code"] == "not_permitted"


def test_the_applicant_sees_the_case_but_may_not_accept_it(case, owner):
    before = CaseEvent.objects.count()
    response = client_for(owner).post(f"/api/v1/cases/{case.pk}/accept", {}, format="json")
    assert_refused(response, case, {403}, before)
