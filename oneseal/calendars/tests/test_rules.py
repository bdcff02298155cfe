"""Working days on real dates (no database). Expected values come from the State Council's
holiday notices, not from the code under test."""

import datetime as dt

import chinese_calendar
import pytest

from oneseal.calendars.rules import WorkCalendar, statutory_holidays

CAL = WorkCalendar.build()


def d(text):
    return dt.date.fromisoformat(text)


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # 2025 Spring Festival: 1/28–2/4 off, Sunday 1/26 and Saturday 2/8 worked (国办发明电〔2024〕12号)
        ("2025-01-24", 5, "2025-02-07"),
        ("2025-01-24", 1, "2025-01-26"),
        ("2025-01-27", 1, "2025-02-05"),
        # National Day 2025: 10/1–10/8 off, Sunday 9/28 and Saturday 10/11 worked
        ("2025-09-26", 1, "2025-09-28"),
        ("2025-09-30", 1, "2025-10-09"),
        ("2025-10-09", 2, "2025-10-11"),
        # 2026 Spring Festival: 2/15–2/23 off, Saturdays 2/14 and 2/28 worked (国办发明电〔2025〕7号)
        ("2026-02-13", 1, "2026-02-14"),
        ("2026-02-14", 1, "2026-02-24"),
        ("2026-02-24", 4, "2026-02-28"),
        # The statutory 20 days from an acceptance just before the 2025 Spring Festival
        ("2025-01-20", 20, "2025-02-21"),  # Saturday 2/8 worked too
    ],
)
def test_the_nth_working_day_after_a_date(start, n, due):
    result = CAL.add(d(start), n)
    assert result.date == d(due)
    assert result.provisional is False


def test_the_start_day_never_counts_and_zero_days_is_the_start():
    assert CAL.add(d("2025-03-03"), 0).date == d("2025-03-03")
    assert CAL.add(d("2025-03-03"), 1).date == d("2025-03-04")


def test_between_is_the_inverse_of_add():
    start = d("2025-01-20")
    for n in range(0, 45):
        assert CAL.between(start, CAL.add(start, n).date) == n
    assert CAL.between(d("2025-02-07"), d("2025-01-24")) == -5


def test_adjusted_weekend_days_are_working_days_and_holidays_are_not():
    assert CAL.is_workday(d("2025-01-26"))  # Sunday, worked
    assert not CAL.is_workday(d("2025-10-06"))  # Monday, holiday
    assert not CAL.is_workday(d("2025-03-01"))  # plain Saturday


def test_every_day_of_2004_to_2026_agrees_with_the_package():
    day = dt.date(2004, 1, 1)
    while day.year <= 2026:
        assert CAL.is_workday(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


def test_a_year_without_an_official_schedule_counts_the_statutory_holidays_and_is_provisional():
    result = CAL.add(d("2026-12-30"), 3)
    assert result.date == d("2027-01-05")  # 12/31, then 1/1 is 元旦 by law: 1/4, 1/5
    assert result.provisional is True
    assert CAL.is_provisional(d("2026-12-30"), d("2027-01-05"))


def test_the_holidays_the_law_fixes_are_computed_for_any_year():
    # 2027: 春节 2-6 (除夕 2-5), 清明 4-5, 端午 6-9, 中秋 9-15 — lunar dates and the solar term.
    assert statutory_holidays(2027) == {
        d("2027-01-01"): "元旦",
        d("2027-02-05"): "春节",
        d("2027-02-06"): "春节",
        d("2027-02-07"): "春节",
        d("2027-02-08"): "春节",
        d("2027-04-05"): "清明节",
        d("2027-05-01"): "劳动节",
        d("2027-05-02"): "劳动节",
        d("2027-06-09"): "端午节",
        d("2027-09-15"): "中秋节",
        d("2027-10-01"): "国庆节",
        d("2027-10-02"): "国庆节",
        d("2027-10-03"): "国庆节",
    }
    for day in (
        d("2027-02-05"),
        d("2027-02-08"),
        d("2027-04-05"),
        d("2027-06-09"),
        d("2027-09-15"),
        d("2027-10-01"),
    ):
        assert not CAL.is_workday(day), day
    assert CAL.is_workday(d("2027-02-09"))  # the 调休 of 2027 is not known yet: a plain Tuesday


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_computed_holidays_are_days_off_in_the_published_schedules(year):
    """The rule reproduces what the State Council published: every day it fixes is a day off
    in the 2025 and 2026 schedules the package carries (which add the 调休 around them)."""
    for day, name in statutory_holidays(year).items():
        assert chinese_calendar.is_holiday(day), (day, name)


def test_entering_a_year_by_hand_changes_the_result_and_ends_provisional():
    # The published 2027 schedule (as entered) moves a working day: Monday 1-4 off instead.
    cal = WorkCalendar.build({d("2027-01-01"): False, d("2027-01-04"): False}, manual_years=[2027])
    result = cal.add(d("2026-12-30"), 3)
    assert result.date == d("2027-01-06") and result.provisional is False


def test_a_manual_day_overrides_the_package():
    cal = WorkCalendar.build({d("2025-01-26"): False, d("2025-03-03"): False})
    assert not cal.is_workday(d("2025-01-26")) and not cal.is_workday(d("2025-03-03"))


def test_dates_outside_the_supported_range_are_refused():
    with pytest.raises(ValueError):
        CAL.add(d("2003-12-31"), 1)
    with pytest.raises(ValueError):
        CAL.add(d("2025-01-01"), -1)


def test_before_walks_back_over_holidays():
    assert CAL.before(d("2025-02-05"), 1).date == d("2025-01-27")
    assert CAL.before(d("2025-02-05"), 2).date == d("2025-01-26")  # the worked Sunday
    start = d("2025-10-09")
    for n in range(0, 30):
        assert CAL.between(CAL.before(start, n).date, start) == n
