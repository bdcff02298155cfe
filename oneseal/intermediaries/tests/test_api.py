import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from oneseal.intermediaries import actions
from oneseal.testing import accepted_case

PDF = b"%PDF-1.7\n1 0 obj\n"


def client_of(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def own_case(handling_item, own_applicant, clerk, listing):
    return accepted_case(handling_item, own_applicant, clerk, "2025-09-22")


def test_public_listing_needs_no_login(make_intermediary):
    make_intermediary("甲检测", fee="880.00")
    response = client_of().get("/api/v1/intermediaries")
    assert response.status_code == 200
    [row] = response.json()
    assert row["name"] == "甲检测" and row["offers"][0]["fee"] == "880.00"


def test_engage_deliver_rate_through_the_api(
    own_case,
    applicant_user,
    other_applicant_user,
    make_intermediary,
    agency_user,
    django_user_model,
):
    own = make_intermediary("甲检测", user=agency_user)
    url = f"/api/v1/cases/{own_case.pk}/engagements"
    body = {"service": "food-testing", "method": "direct", "intermediary": own.pk}
    assert client_of(other_applicant_user).post(url, body, format="json").status_code == 404
    response = client_of(applicant_user).post(url, {**body, "method": "x"}, format="json")
    assert response.status_code == 400 and "method" in response.json()["fields"]
    response = client_of(applicant_user).post(url, body, format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    stranger = django_user_model.objects.create_user(username="agency9", password="pw")
    assert client_of(stranger).get("/api/v1/intermediaries/me/engagements").status_code == 403
    assert [
        e["id"] for e in client_of(agency_user).get("/api/v1/intermediaries/me/engagements").json()
    ] == [pk]
    deliver = f"/api/v1/engagements/{pk}/deliver"
    assert (
        client_of(applicant_user)
        .post(deliver, {"file": SimpleUploadedFile("r.pdf", PDF)}, format="multipart")
        .status_code
        == 404
    )
    response = client_of(agency_user).post(
        deliver, {"file": SimpleUploadedFile("r.pdf", PDF)}, format="multipart"
    )
    assert response.status_code == 200 and response.json()["status"] == "delivered"
    rate = f"/api/v1/engagements/{pk}/rate"
    scores = {"quality": 5, "timeliness": 5, "attitude": 4, "fee": 4}
    assert client_of(other_applicant_user).post(rate, scores, format="json").status_code == 404
    assert client_of(applicant_user).post(rate, scores, format="json").status_code == 204
    assert client_of(applicant_user).post(rate, scores, format="json").status_code == 400


def test_steering_listing_is_for_staff(applicant_user, clerk):
    assert client_of(applicant_user).get("/api/v1/intermediaries/steering").status_code == 403
    response = client_of(clerk).get("/api/v1/intermediaries/steering")
    assert response.status_code == 200 and response.json() == []


def test_schema_lists_the_endpoints(admin_user):
    response = client_of(admin_user).get("/api/schema/")
    assert response.status_code == 200
    assert b"engage_intermediary" in response.content


def test_case_services_list_the_qualified_offers_with_ratings(
    own_case, applicant_user, other_applicant_user, make_intermediary, admin_user
):
    make_intermediary("甲检测", fee="880.00")
    paused = make_intermediary("乙检测", fee="700.00")
    actions.suspend_intermediary(paused, actor=admin_user, reason="投诉核查")
    url = f"/api/v1/cases/{own_case.pk}/intermediary-services"
    assert client_of(other_applicant_user).get(url).status_code == 404
    [row] = client_of(applicant_user).get(url).json()
    assert row["service"] == "food-testing" and row["running"] is None
    assert [(o["intermediary"], o["fee"], o["ratings"]) for o in row["offers"]] == [
        ("甲检测", "880.00", 0)
    ]


def test_staff_change_standing_and_decide_appeals(
    make_intermediary, admin_user, clerk, far_staff, agency_user
):
    row = make_intermediary("甲检测", user=agency_user)
    url = f"/api/v1/intermediaries/{row.pk}/suspend"
    assert client_of(far_staff).post(url, {"reason": "投诉"}, format="json").status_code == 404
    assert client_of(clerk).post(url, {"reason": "投诉"}, format="json").status_code == 403
    response = client_of(admin_user).post(url, {"reason": ""}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["fields"]
    response = client_of(admin_user).post(url, {"reason": "投诉核查"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "suspended"
    assert (
        client_of(agency_user)
        .post("/api/v1/intermediaries/me/appeal", {"reason": "投诉不实"}, format="json")
        .status_code
        == 204
    )
    appeal = row.appeals.get()
    decide = f"/api/v1/intermediary-appeals/{appeal.pk}/decide"
    body = {"upheld": True, "answer": "核实后恢复"}
    assert client_of(clerk).post(decide, body, format="json").status_code == 403
    assert client_of(admin_user).post(decide, body, format="json").status_code == 204
    assert client_of(admin_user).post(decide, body, format="json").status_code == 400
    row.refresh_from_db()
    assert row.status == "active"
    removed = client_of(admin_user).post(
        f"/api/v1/intermediaries/{row.pk}/remove", {"reason": "出具虚假报告"}, format="json"
    )
    assert removed.status_code == 200 and removed.json()["status"] == "removed"
