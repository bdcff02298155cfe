"""The reform API: drafting (201, or a 400 naming the field), signing by each side, sealing,
the staff register as of a day, and the denials (another county's staff, a clerk)."""

from rest_framework.test import APIClient

from oneseal.transfers.models import Agreement


def api(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


BODY = {
    "transfer_date": "2025-10-09",
    "bureau_duties": "受理、审查、决定",
    "department_duties": "事中事后监管",
    "approval_staff": 10,
    "handovers": [{"kind": "archive", "name": "许可档案", "quantity": 412, "unit": "卷"}],
}


def test_the_head_drafts_signs_and_seals_through_the_api(
    signatory, head, stationed, department, seal
):
    r = api(signatory).post(
        "/api/v1/transfers/agreements",
        {**BODY, "department": department.pk, "items": [{"item": stationed.pk}]},
        format="json",
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["items"][0]["basic_code"] == "640221-XK-002"
    assert r.json()["handovers"][0]["quantity"] == 412
    assert (
        api(signatory)
        .post(f"/api/v1/transfers/agreements/{pk}/sign", {"side": "bureau"}, format="json")
        .status_code
        == 200
    )
    r = api(signatory).post(f"/api/v1/transfers/agreements/{pk}/seal", format="json")
    assert r.status_code == 400 and r.json()["code"] == "invalid_transition"
    r = api(head).post(
        f"/api/v1/transfers/agreements/{pk}/sign", {"side": "department"}, format="json"
    )
    assert r.json()["signed"] is True
    r = api(signatory).post(f"/api/v1/transfers/agreements/{pk}/seal", format="json")
    assert (
        r.status_code == 200
        and r.json()["number"] == "平审批协〔" + r.json()["sealed_on"][:4] + "〕第1号"
    )


def test_bad_input_names_the_field_and_stores_nothing(signatory, stationed, department):
    for changes, field in (
        ({"transfer_date": "2025-02-30"}, "transfer_date"),
        ({"approval_staff": 0}, "approval_staff"),
        ({"items": [{"item": 999999}]}, "items"),
        ({"department": 999999}, "department"),
        (
            {"handovers": [{"kind": "castle", "name": "x", "quantity": 1, "unit": "座"}]},
            "handovers.0.kind",
        ),
    ):
        body = {**BODY, "department": department.pk, "items": [{"item": stationed.pk}], **changes}
        r = api(signatory).post("/api/v1/transfers/agreements", body, format="json")
        assert r.status_code == 400, (changes, r.content)
        assert field in r.json()["fields"], (changes, r.json())
    assert not Agreement.objects.exists()


def test_a_clerk_cannot_sign_and_another_county_sees_nothing(agreement, clerk, far_staff):
    r = api(clerk).post(
        f"/api/v1/transfers/agreements/{agreement.pk}/sign", {"side": "bureau"}, format="json"
    )
    assert r.status_code == 403 and r.json()["code"] == "not_permitted"
    assert api(far_staff).get("/api/v1/transfers/agreements").json()["results"] == []
    for url in (
        f"/api/v1/transfers/agreements/{agreement.pk}",
        f"/api/v1/transfers/agreements/{agreement.pk}/sign",
    ):
        assert api(far_staff).post(url, {"side": "bureau"}, format="json").status_code in (404, 405)
    assert api(far_staff).get(f"/api/v1/transfers/agreements/{agreement.pk}").status_code == 404
    r = api(far_staff).get(f"/api/v1/transfers/staff-register?bureau={agreement.bureau_id}")
    assert r.status_code == 404


def test_the_staff_register_takes_a_day(signatory, bureau):
    r = api(signatory).get("/api/v1/transfers/staff-register", {"on": "2025-10-09"})
    assert r.status_code == 200 and r.json()["on"] == "2025-10-09" and r.json()["rows"] == []
    r = api(signatory).get("/api/v1/transfers/staff-register", {"on": "2025-10-32"})
    assert r.status_code == 400 and "on" in r.json()["fields"]
