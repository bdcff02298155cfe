"""Halls, slots and bookings through the real actions: working days only, capacity kept,
the cancellation cut-off, arrival marking, and every refusal writing nothing."""

import datetime

import pytest
import time_machine

from oneseal.appointments import actions
from oneseal.appointments.models import Booking, Hall, Slot
from oneseal.audit.models import AuditEvent
from oneseal.calendars.actions import enter_day
from oneseal.errors import Conflict, InvalidTransition, NotPermitted, ValidationFailed
from oneseal.organisation.models import Department

from .conftest import MONDAY, moment

BEFORE = moment(MONDAY, "07:30")


def first_slot(slots, day=MONDAY, start="09:00"):
    return slots.get(day=day, starts_at=start)


def test_slots_are_generated_for_working_days_only_and_again_changes_nothing(hall, group, clerk):
    created, removed = actions.generate_slots(hall, actor=clerk, today=MONDAY)
    days = sorted(set(group.slots.values_list("day", flat=True)))
    # Monday and the next five working days: the weekend of 8–9 March is skipped.
    assert days == [datetime.date(2025, 3, d) for d in (3, 4, 5, 6, 7, 10)]
    assert created == 6 * 14 and removed == 0
    assert set(group.slots.values_list("capacity", flat=True)) == {2}
    assert actions.generate_slots(hall, actor=clerk, today=MONDAY) == (0, 0)
    assert AuditEvent.objects.filter(action="appointments.generate_slots").count() == 1


def test_a_holiday_entered_later_removes_its_empty_slots(
    hall, group, clerk, slots, own_applicant, applicant_user, admin_user, handling_item
):
    booked = actions.book(
        first_slot(slots, datetime.date(2025, 3, 5)),
        actor=applicant_user,
        applicant=own_applicant,
        handling_item=handling_item,
        now=BEFORE,
    )
    enter_day(datetime.date(2025, 3, 5), is_workday=False, name="演示假日", actor=admin_user)
    created, removed = actions.generate_slots(hall, actor=clerk, today=MONDAY)
    assert removed == 13  # the booked slot stays for the clerks to see
    assert list(group.slots.filter(day="2025-03-05").values_list("pk", flat=True)) == [
        booked.slot_id
    ]
    assert (
        group.slots.filter(day="2025-03-11").count() == 14
    )  # the horizon moved one working day on
    assert created == 14


def test_booking_gives_a_code_and_takes_a_place(
    slots, handling_item, own_applicant, applicant_user
):
    slot = first_slot(slots)
    booking = actions.book(
        slot, actor=applicant_user, applicant=own_applicant, handling_item=handling_item, now=BEFORE
    )
    assert len(booking.code) == 8 and booking.state == Booking.BookingState.BOOKED
    assert booking.region_code == "640221"
    slot.refresh_from_db()
    assert slot.booked == 1
    assert AuditEvent.objects.filter(
        action="appointments.book", subject_id=str(booking.pk)
    ).exists()


def test_a_full_slot_is_a_conflict_that_names_the_slot(
    slots, handling_item, own_applicant, applicant_user, clerk, other_applicant_user
):
    slot = first_slot(slots)
    actions.set_slot_capacity(slot, actor=clerk, capacity=1)
    actions.book(
        slot, actor=applicant_user, applicant=own_applicant, handling_item=handling_item, now=BEFORE
    )
    other = other_applicant_user.applicants.get()
    with pytest.raises(Conflict) as exc:
        actions.book(
            slot,
            actor=other_applicant_user,
            applicant=other,
            handling_item=handling_item,
            now=BEFORE,
        )
    assert exc.value.fields["slot"] == ["该时段已约满，请选择其他时段"]
    slot.refresh_from_db()
    assert slot.booked == 1 and Booking.objects.count() == 1


def test_one_active_booking_per_applicant_and_slot(
    slots, handling_item, own_applicant, applicant_user
):
    slot = first_slot(slots)
    booking = actions.book(
        slot, actor=applicant_user, applicant=own_applicant, handling_item=handling_item, now=BEFORE
    )
    with pytest.raises(ValidationFailed) as exc:
        actions.book(
            slot,
            actor=applicant_user,
            applicant=own_applicant,
            handling_item=handling_item,
            now=BEFORE,
        )
    assert "slot" in exc.value.fields
    actions.cancel(booking, actor=applicant_user, now=BEFORE)
    again = actions.book(
        slot, actor=applicant_user, applicant=own_applicant, handling_item=handling_item, now=BEFORE
    )
    slot.refresh_from_db()
    assert again.code != booking.code and slot.booked == 1


@pytest.mark.parametrize("who", ["another_applicant", "clerk", "anonymous"])
def test_only_the_applicants_own_account_books_for_them(
    who, slots, handling_item, own_applicant, clerk, other_applicant_user
):
    from django.contrib.auth.models import AnonymousUser

    actor = {
        "another_applicant": other_applicant_user,
        "clerk": clerk,
        "anonymous": AnonymousUser(),
    }[who]
    with pytest.raises(NotPermitted):
        actions.book(
            first_slot(slots),
            actor=actor,
            applicant=own_applicant,
            handling_item=handling_item,
            now=BEFORE,
        )
    assert Booking.objects.count() == 0


def test_past_slots_holidays_and_far_days_cannot_be_booked(
    hall, group, slots, handling_item, own_applicant, applicant_user
):
    def problem(slot, now):
        with pytest.raises(ValidationFailed) as exc:
            actions.book(
                slot,
                actor=applicant_user,
                applicant=own_applicant,
                handling_item=handling_item,
                now=now,
            )
        return exc.value.fields["slot"][0]

    assert "已开始或已过去" in problem(first_slot(slots), moment(MONDAY, "09:10"))
    saturday = Slot.objects.create(
        group=group,
        day=datetime.date(2025, 3, 8),
        starts_at=datetime.time(9),
        ends_at=datetime.time(9, 30),
        capacity=2,
    )
    assert "休息日" in problem(saturday, BEFORE)
    assert "5个工作日内" in problem(
        first_slot(slots, datetime.date(2025, 3, 10)), moment(datetime.date(2025, 2, 28), "09:00")
    )
    assert Booking.objects.count() == 0


def test_a_window_that_does_not_handle_the_item_says_so_on_the_item(
    slots, handling_item, own_applicant, applicant_user, hall, clerk, county
):
    other = Department.objects.create(region=county, name="平罗县民政局", short_name="民政局")
    social = actions.save_group(hall, actor=clerk, name="社会事务", capacity=2, departments=[other])
    actions.generate_slots(hall, actor=clerk, today=MONDAY)
    slot = social.slots.get(day=MONDAY, starts_at="10:00")
    with pytest.raises(ValidationFailed) as exc:
        actions.book(
            slot,
            actor=applicant_user,
            applicant=own_applicant,
            handling_item=handling_item,
            now=BEFORE,
        )
    assert "不办理该事项" in exc.value.fields["handling_item"][0]


def test_cancel_up_to_the_cutoff_frees_the_place(
    slots, handling_item, own_applicant, applicant_user, other_applicant_user
):
    slot = first_slot(slots, datetime.date(2025, 3, 4))
    booking = actions.book(
        slot, actor=applicant_user, applicant=own_applicant, handling_item=handling_item, now=BEFORE
    )
    with pytest.raises(NotPermitted):
        actions.cancel(booking, actor=other_applicant_user, now=BEFORE)
    late = moment(datetime.date(2025, 3, 4), "08:00")  # 60 minutes before: the hall's cut-off
    assert actions.cancel_blockers(booking, now=late)
    with pytest.raises(InvalidTransition):
        actions.cancel(booking, actor=applicant_user, now=late)
    actions.cancel(booking, actor=applicant_user, now=moment(datetime.date(2025, 3, 4), "07:59"))
    booking.refresh_from_db()
    slot.refresh_from_db()
    assert booking.state == Booking.BookingState.CANCELLED and slot.booked == 0
    with pytest.raises(InvalidTransition):
        actions.cancel(booking, actor=applicant_user, now=BEFORE)


def test_a_clerk_of_the_region_marks_arrival_on_the_day_and_no_show_after_the_start(
    slots, handling_item, own_applicant, applicant_user, clerk, far_clerk
):
    booking = actions.book(
        first_slot(slots),
        actor=applicant_user,
        applicant=own_applicant,
        handling_item=handling_item,
        now=BEFORE,
    )
    with pytest.raises(NotPermitted):
        actions.mark(booking, actor=far_clerk, state="arrived", now=moment(MONDAY, "09:05"))
    with pytest.raises(NotPermitted):
        actions.mark(booking, actor=applicant_user, state="arrived", now=moment(MONDAY, "09:05"))
    with pytest.raises(InvalidTransition):
        actions.mark(booking, actor=clerk, state="no_show", now=moment(MONDAY, "08:55"))
    with pytest.raises(InvalidTransition):
        actions.mark(
            booking,
            actor=clerk,
            state="arrived",
            now=moment(MONDAY - datetime.timedelta(days=3), "09:00"),
        )
    actions.mark(booking, actor=clerk, state="arrived", now=moment(MONDAY, "08:55"))
    booking.refresh_from_db()
    assert booking.state == Booking.BookingState.ARRIVED and booking.marked_by == clerk
    with pytest.raises(InvalidTransition):
        actions.mark(booking, actor=clerk, state="no_show", now=moment(MONDAY, "10:00"))


def test_a_new_group_capacity_applies_to_future_slots_but_never_below_the_booked(
    hall, group, slots, handling_item, own_applicant, applicant_user, clerk, department
):
    slot = first_slot(slots, datetime.date(2025, 3, 4))
    actions.book(
        slot, actor=applicant_user, applicant=own_applicant, handling_item=handling_item, now=BEFORE
    )
    with pytest.raises(ValidationFailed) as exc:
        actions.set_slot_capacity(slot, actor=clerk, capacity=0)
    assert "不能少于1" in exc.value.fields["capacity"][0]
    with time_machine.travel(BEFORE, tick=False):
        actions.save_group(
            hall, actor=clerk, group=group, name="市场准入", capacity=4, departments=[department]
        )
    slot.refresh_from_db()
    assert slot.capacity == 4
    assert set(group.slots.values_list("capacity", flat=True)) == {4}


def test_staff_of_another_county_cannot_keep_this_hall(hall, group, far_clerk, bureau, county):
    with pytest.raises(NotPermitted):
        actions.update_hall(hall, actor=far_clerk, slot_minutes=20)
    with pytest.raises(NotPermitted):
        actions.generate_slots(hall, actor=far_clerk, today=MONDAY)
    with pytest.raises(NotPermitted):
        actions.create_hall(bureau, actor=far_clerk, region=county, name="另一个大厅")
    hall.refresh_from_db()
    assert hall.slot_minutes == 30 and Slot.objects.count() == 0


def test_bad_hall_hours_are_refused_field_by_field_and_nothing_changes(hall, clerk):
    with pytest.raises(ValidationFailed) as exc:
        actions.update_hall(
            hall,
            actor=clerk,
            opens_at=datetime.time(18),
            slot_minutes=5,
            days_ahead=0,
            lunch_from=datetime.time(12),
            lunch_until=None,
        )
    assert set(exc.value.fields) >= {"closes_at", "slot_minutes", "days_ahead", "lunch_until"}
    assert Hall.objects.get(pk=hall.pk).opens_at == datetime.time(9)


def test_a_group_needs_a_name_a_capacity_and_something_to_handle(hall, clerk):
    with pytest.raises(ValidationFailed) as exc:
        actions.save_group(hall, actor=clerk, name=" ", capacity=0)
    assert set(exc.value.fields) == {"name", "capacity", "items"}


def test_no_user_may_book_in_an_inactive_hall(
    hall, slots, handling_item, own_applicant, applicant_user, clerk
):
    actions.update_hall(hall, actor=clerk, is_active=False)
    with pytest.raises(ValidationFailed) as exc:
        actions.book(
            first_slot(slots),
            actor=applicant_user,
            applicant=own_applicant,
            handling_item=handling_item,
            now=BEFORE,
        )
    assert "暂停预约" in exc.value.fields["slot"][0]
