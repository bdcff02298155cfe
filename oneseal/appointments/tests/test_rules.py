"""Slot times, bookable days and booking codes: pure rules, no database."""

import datetime

from oneseal.appointments import rules
from oneseal.calendars.rules import WorkCalendar

T = datetime.time


def test_slots_fill_the_opening_hours_and_skip_the_lunch_break():
    slots = rules.day_slots(T(9, 0), T(17, 30), 30, T(12, 0), T(13, 30))
    assert slots[0] == (T(9, 0), T(9, 30))
    assert (T(11, 30), T(12, 0)) in slots
    assert (T(12, 0), T(12, 30)) not in slots
    assert (T(13, 30), T(14, 0)) in slots
    assert slots[-1] == (T(17, 0), T(17, 30))
    assert len(slots) == 6 + 8


def test_only_whole_slots_are_offered():
    assert rules.day_slots(T(9, 0), T(10, 50), 45) == [(T(9, 0), T(9, 45)), (T(9, 45), T(10, 30))]
    # A slot that would run into lunch starts after it instead.
    assert rules.day_slots(T(11, 0), T(14, 0), 45, T(12, 0), T(13, 0)) == [
        (T(11, 0), T(11, 45)),
        (T(13, 0), T(13, 45)),
    ]


def test_bookable_days_skip_holidays_and_count_adjusted_workdays():
    cal = WorkCalendar.build()
    # National Day 2025: 1–8 October off; Sunday 28 September and Saturday 11 October worked.
    days = rules.bookable_days(cal, datetime.date(2025, 9, 26), 3)
    assert days == [
        datetime.date(2025, 9, 26),
        datetime.date(2025, 9, 28),
        datetime.date(2025, 9, 29),
        datetime.date(2025, 9, 30),
    ]
    after = rules.bookable_days(cal, datetime.date(2025, 10, 3), 2)
    assert after == [
        datetime.date(2025, 10, 9),
        datetime.date(2025, 10, 10),
    ]  # a holiday is not itself bookable


def test_codes_are_unambiguous_and_typed_codes_are_normalised():
    codes = {rules.new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 8
        assert not set(code) & set("01258BILOSZ")
    assert rules.normalise_code(" k7m3-x9qa ") == "K7M3X9QA"
    assert rules.format_code("K7M3X9QA") == "K7M3-X9QA"


def test_the_cancellation_deadline_is_the_cutoff_before_the_start():
    start = datetime.datetime(2025, 3, 4, 9, 0)
    assert rules.cancel_deadline(start, 60) == datetime.datetime(2025, 3, 4, 8, 0)
