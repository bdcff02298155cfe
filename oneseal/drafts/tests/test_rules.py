"""The retention clock on real dates: calendar days, a holiday does not lengthen it."""

from oneseal.drafts import rules
from oneseal.testing import day


def test_a_draft_changed_before_the_spring_festival_goes_30_calendar_days_later():
    # 2026 Spring Festival: 2026-02-15 .. 02-23 off; the days are counted all the same.
    assert rules.removal_day(day("2026-01-27")) == day("2026-02-26")
    assert rules.warning_day(day("2026-01-27")) == day("2026-02-23")


def test_over_national_day_and_across_a_month_end():
    assert rules.removal_day(day("2025-09-30")) == day("2025-10-30")
    assert rules.warning_day(day("2025-09-30")) == day("2025-10-27")
    assert rules.removal_day(day("2025-01-31")) == day("2025-03-02")


def test_a_late_warning_pushes_the_removal_three_days_after_it():
    assert rules.removal_day(day("2025-01-01"), day("2025-01-28")) == day("2025-01-31")
    assert rules.removal_day(day("2025-01-01"), day("2025-02-05")) == day("2025-02-08")


def test_the_job_selects_by_the_last_day_changed():
    assert rules.last_changed_day_to_warn(day("2026-02-23")) == day("2026-01-27")
    assert rules.last_changed_day_to_remove(day("2026-02-26")) == day("2026-01-27")
    assert rules.last_warned_day_to_remove(day("2026-02-26")) == day("2026-02-23")


def test_the_licence_field_is_an_id_or_nothing():
    assert rules.clean_fields({"licence": " 12 ", "csrfmiddlewaretoken": "x"}) == (
        {"licence": 12},
        {},
    )
    assert rules.clean_fields({"licence": ""}) == ({"licence": None}, {})
    cleaned, errors = rules.clean_fields({"licence": "abc"})
    assert cleaned == {} and list(errors) == ["licence"]
