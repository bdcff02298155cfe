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


def test_transitions_are_opened_and_listed_through_the_api(signatory, head, department, far_staff):
    body = {
        "department": department.pk,
        "liaison": head.staff.pk,
        "starts_on": "2025-07-01",
        "duties": "现场办公指导",
    }
    r = api(far_staff).post("/api/v1/transfers/transitions", body, format="json")
    assert r.status_code == 403
    r = api(signatory).post(
        "/api/v1/transfers/transitions", {**body, "liaison": 999999}, format="json"
    )
    assert r.status_code == 400 and "liaison" in r.json()["fields"]
    r = api(signatory).post("/api/v1/transfers/transitions", body, format="json")
    assert r.status_code == 201 and r.json()["ends_on"] == "2025-09-30"
    assert [
        t["liaison_name"]
        for t in api(signatory).get("/api/v1/transfers/transitions").json()["results"]
    ] == ["周局长"]
    assert api(far_staff).get("/api/v1/transfers/transitions").json()["results"] == []


def test_the_head_clears_a_trained_staff_member_through_the_api(
    signatory, administrator, clerk, far_staff, make_staff, county, department, bureau
):
    from oneseal.organisation.models import Role
    from oneseal.transfers import actions

    actions.set_quota(bureau, actor=administrator, body="bureau", kind="administrative", approved=2)
    staff = make_staff(
        "officer", county, Role.SUPERVISOR, display_name="马小兰", department=department
    ).staff
    moved = actions.record_staff_transfer(
        staff,
        actor=administrator,
        department=department,
        moved_on="2025-09-26",
        body="bureau",
        quota_kind="administrative",
    )
    url = f"/api/v1/transfers/staff/{moved.pk}/clear"
    r = api(signatory).post(url, {"on": "2025-10-10"}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "invalid_transition"
    actions.record_training(
        moved, actor=administrator, on="2025-10-09", subject="业务培训", hours=4, trainer="丁建华"
    )
    assert api(clerk).post(url, {"on": "2025-10-10"}, format="json").status_code == 403
    assert api(far_staff).post(url, {"on": "2025-10-10"}, format="json").status_code == 404
    r = api(signatory).post(url, {"on": "2025-10-10"}, format="json")
    assert r.status_code == 200 and r.json()["may_act_alone"] is True
