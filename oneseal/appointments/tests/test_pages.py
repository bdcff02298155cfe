"""The appointment pages, as the applicant and the clerk use them, and as outsiders cannot."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oneseal.appointments import actions
from oneseal.appointments.models import Booking, Hall


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def booked(live_slots, next_workday, handling_item, own_applicant, applicant_user):
    slot = live_slots.filter(day=next_workday).first()
    return actions.book(
        slot, actor=applicant_user, applicant=own_applicant, handling_item=handling_item
    )


def test_the_booking_page_asks_an_anonymous_visitor_to_sign_in(handling_item):
    url = reverse("appointments:book", args=[handling_item.pk])
    r = Client().get(url)
    assert r.status_code == 302 and reverse("login") in r["Location"]


def test_an_applicant_books_a_slot_and_sees_the_code(
    live_slots, next_workday, handling_item, own_applicant, applicant_user, group
):
    c = client_for(applicant_user)
    url = reverse("appointments:book", args=[handling_item.pk])
    page = c.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "平罗县政务服务中心 · 市场准入" in html and "vendor/htmx-2.0.11.min.js" in html
    slot = live_slots.filter(day=next_workday).first()
    assert f'value="{slot.pk}"' in html
    r = c.post(url, {"group": group.pk, "slot": slot.pk})
    booking = Booking.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse(
        "appointments:booking", args=[booking.code]
    )
    detail = c.get(r["Location"]).content.decode()
    assert f"{booking.code[:4]}-{booking.code[4:]}" in detail
    assert booking.code in c.get(reverse("appointments:mine")).content.decode()


def test_htmx_gets_only_the_slots_of_the_chosen_window(
    live_slots, handling_item, applicant_user, own_applicant, group
):
    r = client_for(applicant_user).get(
        reverse("appointments:book", args=[handling_item.pk]),
        {"group": group.pk},
        HTTP_HX_REQUEST="true",
    )
    html = r.content.decode()
    assert r.status_code == 200 and "<html" not in html and "第二步：选择时段" in html


def test_a_full_slot_is_shown_as_an_error_on_the_slot_and_keeps_the_choice(
    live_slots,
    next_workday,
    handling_item,
    own_applicant,
    applicant_user,
    other_applicant_user,
    clerk,
    group,
):
    slot = live_slots.filter(day=next_workday).first()
    actions.set_slot_capacity(slot, actor=clerk, capacity=1)
    other = other_applicant_user.applicants.get()
    actions.book(slot, actor=other_applicant_user, applicant=other, handling_item=handling_item)
    # The page listed it free a moment ago; by the time the form arrives it is full.
    r = client_for(applicant_user).post(
        reverse("appointments:book", args=[handling_item.pk]), {"group": group.pk, "slot": slot.pk}
    )
    assert r.status_code == 400
    assert "该时段已约满，请选择其他时段" in r.content.decode()
    assert Booking.objects.count() == 1


def test_the_applicant_cancels_on_the_page(booked, applicant_user):
    c = client_for(applicant_user)
    r = c.post(reverse("appointments:cancel", args=[booked.code]))
    assert r.status_code == 302
    booked.refresh_from_db()
    assert booked.state == Booking.BookingState.CANCELLED


@pytest.mark.parametrize("who", ["other_applicant_user", "far_clerk"])
def test_another_applicant_or_a_clerk_of_another_county_learns_nothing_of_a_booking(
    who, booked, request
):
    c = client_for(request.getfixturevalue(who))
    for url in (
        reverse("appointments:booking", args=[booked.code]),
        reverse("appointments:cancel", args=[booked.code]),
        reverse("appointments:mark", args=[booked.code]),
    ):
        r = c.post(url, {"state": "arrived"}) if not url.endswith(f"{booked.code}/") else c.get(url)
        assert r.status_code == 404, url
        assert booked.applicant.name not in r.content.decode()
    booked.refresh_from_db()
    assert booked.state == Booking.BookingState.BOOKED


def test_the_clerk_sees_the_days_bookings_and_marks_an_arrival(booked, clerk, hall):
    c = client_for(clerk)
    day = booked.slot.day.isoformat()
    page = c.get(
        reverse("appointments:day"), {"hall": hall.pk, "day": day, "code": booked.code.lower()}
    )
    html = page.content.decode()
    assert page.status_code == 200 and booked.applicant.name in html and 'class="found"' in html
    assert booked.applicant.id_number not in html  # the number is masked
    r = c.post(reverse("appointments:mark", args=[booked.code]), {"state": "arrived"})
    assert r.status_code == 302
    booked.refresh_from_db()
    # Arrival is marked only on the day itself; the booking is for the next working day.
    assert booked.state == Booking.BookingState.BOOKED
    assert "只能在预约当天登记到场" in c.get(r["Location"]).content.decode()


def test_the_day_page_is_for_clerks_of_the_halls_region(booked, far_clerk, applicant_user, hall):
    assert client_for(far_clerk).get(reverse("appointments:day")).status_code == 403
    assert client_for(applicant_user).get(reverse("appointments:day")).status_code == 403
    r = client_for(far_clerk).get(
        reverse("appointments:day"), {"hall": hall.pk, "day": booked.slot.day.isoformat()}
    )
    assert booked.applicant.name not in r.content.decode()


def test_a_clerk_creates_a_hall_and_a_bad_field_is_named(clerk, bureau):
    c = client_for(clerk)
    url = reverse("appointments:hall_new", args=[bureau.pk])
    fields = {
        "name": "城关镇便民服务中心预约点",
        "opens_at": "09:00",
        "closes_at": "08:00",
        "slot_minutes": 30,
        "days_ahead": 5,
        "cancel_cutoff_minutes": 60,
        "is_active": "on",
    }
    r = c.post(url, fields)
    assert r.status_code == 400
    assert re.search(r"结束办公时间应晚于开始办公时间", r.content.decode())
    assert not Hall.objects.exists()
    r = c.post(url, {**fields, "closes_at": "17:00", "lunch_from": "12:00", "lunch_until": "13:00"})
    hall = Hall.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("appointments:hall", args=[hall.pk])


def test_hall_management_is_refused_to_others(hall, far_clerk, applicant_user):
    for user in (far_clerk, applicant_user):
        c = client_for(user)
        assert c.get(reverse("appointments:halls")).status_code == 403
        assert c.get(reverse("appointments:hall", args=[hall.pk])).status_code == 404
        assert c.post(reverse("appointments:generate", args=[hall.pk])).status_code == 404


def test_the_hall_page_generates_slots_and_adjusts_a_capacity(hall, group, clerk):
    c = client_for(clerk)
    assert c.post(reverse("appointments:generate", args=[hall.pk])).status_code == 302
    slot = group.slots.filter(day__gte=timezone.localdate()).last()
    c.post(reverse("appointments:slot_capacity", args=[slot.pk]), {"capacity": "5"})
    slot.refresh_from_db()
    assert slot.capacity == 5
    page = c.get(reverse("appointments:hall", args=[hall.pk])).content.decode()
    assert "市场准入" in page


def test_nav_links_follow_the_role(clerk, applicant_user, own_applicant):
    assert reverse("appointments:mine") in client_for(applicant_user).get("/").content.decode()
    home = client_for(clerk).get("/").content.decode()
    assert reverse("appointments:day") in home and reverse("appointments:halls") in home


def test_the_pages_speak_english_from_the_apps_translations(booked, applicant_user):
    c = client_for(applicant_user)
    html = c.get("/en" + reverse("appointments:mine")).content.decode()
    assert "My bookings" in html and "Cancel booking" in html
