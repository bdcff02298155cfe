"""Score bands, the reasons each band allows, and the follow-up's due date (no database)."""

import datetime

from oneseal.calendars.rules import WorkCalendar
from oneseal.ratings import rules


def test_bands_and_bad_ratings():
    assert [rules.band(s) for s in (5, 4, 3, 2, 1)] == ["good", "good", "fair", "bad", "bad"]
    assert [rules.is_bad(s) for s in (5, 3, 2, 1)] == [False, False, True, True]


def test_reasons_must_belong_to_the_band_and_a_bad_rating_needs_one():
    assert rules.rating_errors(5, ["polite", "fast"], "") == {}
    assert rules.rating_errors(4, [], "") == {}
    assert "reasons" in rules.rating_errors(5, ["attitude"], "")
    assert "reasons" in rules.rating_errors(2, [], "很不满意")
    assert rules.rating_errors(2, ["late"], "") == {}
    assert set(rules.rating_errors(6, [], "")) == {"score"}
    assert set(rules.rating_errors(True, [], "")) == {"score"}
    assert set(rules.rating_errors(3, ["slow_but_done"], "字" * 1001)) == {"comment"}


def test_the_answer_is_due_after_working_days_not_counting_the_day_itself():
    cal = WorkCalendar.build()
    # Rated on Tuesday 30 September 2025: National Day (1–8 October) is not counted, the
    # adjusted workday Saturday 11 October is: 9, 10, 11, 13, 14 October.
    assert rules.follow_up_due(cal, datetime.date(2025, 9, 30), 5).date == datetime.date(
        2025, 10, 14
    )
    # Saturday 11 October 2025 is an adjusted workday and counts.
    assert rules.follow_up_due(cal, datetime.date(2025, 10, 10), 1).date == datetime.date(
        2025, 10, 11
    )
