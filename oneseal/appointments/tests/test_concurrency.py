"""Many applicants booking the last places of a slot at the same moment, each on its own
database connection (PostgreSQL only: SQLite serialises every writer, so it cannot show a race)."""

import pytest
from django.contrib.auth import get_user_model

from oneseal.applicants.actions import register_applicant
from oneseal.appointments import actions
from oneseal.appointments.models import Booking, Slot
from oneseal.testing import POSTGRES_ONLY, id_number, in_parallel, poster

pytestmark = POSTGRES_ONLY


@pytest.mark.django_db(transaction=True)
def test_six_people_at_once_for_two_places_two_get_them(
    live_slots, next_workday, handling_item, clerk
):
    slot = live_slots.filter(day=next_workday).first()
    users = []
    for i in range(6):
        user = get_user_model().objects.create_user(f"p{i}", password="pw")
        register_applicant(
            actor=clerk,
            kind="person",
            name=f"申请人{i}",
            number=id_number("640221", "19900101", f"{i + 1:03d}"),
            phone="13909520000",
            user=user,
        )
        users.append(user)
    body = {"slot": slot.pk, "handling_item": handling_item.pk}
    results = in_parallel(*[poster(u, "/api/v1/appointments/bookings", body) for u in users])
    assert not any(isinstance(r, Exception) for r in results), results
    assert sorted(r.status_code for r in results) == [201, 201, 409, 409, 409, 409], [
        r.content for r in results
    ]
    assert Slot.objects.get(pk=slot.pk).booked == 2
    assert Booking.objects.filter(slot=slot, state="booked").count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_same_applicant_twice_at_once_gets_one_booking(
    live_slots, next_workday, handling_item, own_applicant, applicant_user
):
    slot = live_slots.filter(day=next_workday).first()
    body = {"slot": slot.pk, "handling_item": handling_item.pk}
    first, second = in_parallel(
        poster(applicant_user, "/api/v1/appointments/bookings", body),
        poster(applicant_user, "/api/v1/appointments/bookings", body),
    )
    assert sorted([first.status_code, second.status_code]) == [201, 400], (
        first.content,
        second.content,
    )
    assert Slot.objects.get(pk=slot.pk).booked == 1


@pytest.mark.django_db(transaction=True)
def test_a_cancel_and_a_booking_at_once_leave_the_counter_right(
    live_slots,
    next_workday,
    handling_item,
    clerk,
    own_applicant,
    applicant_user,
    other_applicant_user,
):
    slot = live_slots.filter(day=next_workday).first()
    actions.set_slot_capacity(slot, actor=clerk, capacity=1)
    booking = actions.book(
        slot, actor=applicant_user, applicant=own_applicant, handling_item=handling_item
    )
    body = {"slot": slot.pk, "handling_item": handling_item.pk}
    cancelled, other = in_parallel(
        poster(applicant_user, f"/api/v1/appointments/bookings/{booking.code}/cancel", {}),
        poster(other_applicant_user, "/api/v1/appointments/bookings", body),
    )
    assert cancelled.status_code == 200
    assert other.status_code in (201, 409)
    slot.refresh_from_db()
    assert (
        slot.booked
        == Booking.objects.filter(slot=slot, state="booked").count()
        == (1 if other.status_code == 201 else 0)
    )
