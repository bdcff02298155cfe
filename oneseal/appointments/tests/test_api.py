"""The appointments API: open slots, book (201), a full slot (409), cancel, mark, and the
refusals that say nothing about someone else's booking."""

import pytest
from rest_framework.test import APIClient

from oneseal.appointments import actions
from oneseal.appointments.models import Booking


def api(user=None) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


@pytest.fixture
def slot(live_slots, next_workday):
    return live_slots.filter(day=next_workday).first()


def test_open_slots_of_a_handling_item_by_window(slot, handling_item):
    r = api().get(f"/api/v1/appointments/handling-items/{handling_item.pk}/slots")
    assert r.status_code == 200
    [group] = r.json()
    assert group["group"] == "市场准入" and group["hall"] == "平罗县政务服务中心"
    assert any(s["id"] == slot.pk and s["free"] == 2 for s in group["slots"])


def test_book_read_and_cancel_through_the_api(slot, handling_item, own_applicant, applicant_user):
    c = api(applicant_user)
    r = c.post(
        "/api/v1/appointments/bookings",
        {"slot": slot.pk, "handling_item": handling_item.pk},
        format="json",
    )
    assert r.status_code == 201, r.content
    code = r.json()["code"]
    assert r.json()["state"] == "booked" and r.json()["code_display"] == f"{code[:4]}-{code[4:]}"
    assert [b["code"] for b in c.get("/api/v1/appointments/bookings").json()] == [code]
    assert c.get(f"/api/v1/appointments/bookings/{code[:4]}-{code[4:]}").status_code == 200
    r = c.post(f"/api/v1/appointments/bookings/{code}/cancel")
    assert r.status_code == 200 and r.json()["state"] == "cancelled"


def test_a_full_slot_answers_409_naming_the_slot(
    slot, handling_item, own_applicant, applicant_user, clerk, other_applicant_user
):
    actions.set_slot_capacity(slot, actor=clerk, capacity=1)
    api(other_applicant_user).post(
        "/api/v1/appointments/bookings",
        {"slot": slot.pk, "handling_item": handling_item.pk},
        format="json",
    )
    r = api(applicant_user).post(
        "/api/v1/appointments/bookings",
        {"slot": slot.pk, "handling_item": handling_item.pk},
        format="json",
    )
    assert r.status_code == 409
    assert r.json()["code"] == "conflict" and r.json()["fields"]["slot"] == [
        "该时段已约满，请选择其他时段"
    ]


def test_bad_input_names_the_field(slot, handling_item, own_applicant, applicant_user):
    c = api(applicant_user)
    r = c.post(
        "/api/v1/appointments/bookings",
        {"slot": 999999, "handling_item": handling_item.pk},
        format="json",
    )
    assert r.status_code == 400 and "slot" in r.json()["fields"]
    r = c.post("/api/v1/appointments/bookings", {"handling_item": handling_item.pk}, format="json")
    assert r.status_code == 400 and "slot" in r.json()["fields"]


def test_an_account_without_an_applicant_cannot_book(
    slot, handling_item, other_applicant_user, django_user_model
):
    nobody = django_user_model.objects.create_user("nobody", password="pw")
    r = api(nobody).post(
        "/api/v1/appointments/bookings",
        {"slot": slot.pk, "handling_item": handling_item.pk},
        format="json",
    )
    assert r.status_code == 400 and "applicant" in r.json()["fields"]


def test_outsiders_get_404_or_403_and_nothing_changes(
    slot, handling_item, own_applicant, applicant_user, other_applicant_user, far_clerk
):
    booking = actions.book(
        slot, actor=applicant_user, applicant=own_applicant, handling_item=handling_item
    )
    base = f"/api/v1/appointments/bookings/{booking.code}"
    for user in (other_applicant_user, far_clerk):
        c = api(user)
        assert c.get(base).status_code == 404
        assert c.post(base + "/cancel").status_code == 404
        assert c.post(base + "/mark", {"state": "no_show"}, format="json").status_code == 404
        assert c.get("/api/v1/appointments/bookings").json() == []
    assert api().get(base).status_code == 403
    assert (
        api()
        .post(
            "/api/v1/appointments/bookings",
            {"slot": slot.pk, "handling_item": handling_item.pk},
            format="json",
        )
        .status_code
        == 403
    )
    booking.refresh_from_db()
    assert booking.state == Booking.BookingState.BOOKED


def test_the_clerk_lists_a_halls_day_and_cannot_mark_before_the_day(
    slot, handling_item, own_applicant, applicant_user, clerk, hall
):
    booking = actions.book(
        slot, actor=applicant_user, applicant=own_applicant, handling_item=handling_item
    )
    c = api(clerk)
    rows = c.get(
        "/api/v1/appointments/bookings", {"hall": hall.pk, "day": slot.day.isoformat()}
    ).json()
    assert [b["code"] for b in rows] == [booking.code]
    r = c.post(
        f"/api/v1/appointments/bookings/{booking.code}/mark", {"state": "arrived"}, format="json"
    )
    assert r.status_code == 400 and r.json()["code"] == "invalid_transition"
    r = c.post(
        f"/api/v1/appointments/bookings/{booking.code}/mark", {"state": "maybe"}, format="json"
    )
    assert r.status_code == 400 and "state" in r.json()["fields"]
