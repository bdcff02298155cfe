"""The case clocks (《行政许可法》第四十二条、第四十四条、第四十五条、第八十二条) on the official
schedule: the 2026 Spring Festival (2/15–2/23 off, Saturdays 2/14 and 2/28 worked), the 2025
Spring Festival (1/28–2/4 off, Sunday 1/26 and Saturday 2/8 worked) and National Day 2025
(10/1–10/8 off, Sunday 9/28 and Saturday 10/11 worked). Every expected date is counted by hand
in the comment beside it.

The first half is pure arithmetic (no database); the second goes through the actions."""

from datetime import date as dt_date

import pytest

from oneseal.calendars.rules import WorkCalendar
from oneseal.cases import actions, rules
from oneseal.cases.rules import Warning
from oneseal.errors import InvalidTransition
from oneseal.testing import accepted_case, day


@pytest.fixture(scope="module")
def cal():
    return WorkCalendar.build()


# --- pure rules ---------------------------------------------------------------------------


def test_remaining_days_skip_the_spring_festival(cal):
    # After Thursday 2026-02-12 up to Friday 2/27: 2/13, Saturday 2/14, (2/15–2/23 off) 2/24, 2/25, 2/26, 2/27.
    assert rules.remaining(cal, day("2026-02-12"), day("2026-02-27")) == 6
    assert rules.remaining(cal, day("2026-02-27"), day("2026-02-27")) == 0


def test_resumed_dues_count_from_the_resumption_day(cal):
    # Suspended 2026-02-02 with 6 and 15 working days kept (the dates then: 2-10 and 2-27).
    before = rules.Dues(day("2026-02-10"), day("2026-02-27"), False, False)
    dues = rules.resumed_dues(
        cal,
        before,
        accepted_on=day("2026-01-26"),
        suspended_on=day("2026-02-02"),
        resumed_on=day("2026-03-02"),
        left=(6, 15),
    )
    # 6 after Monday 3/2: 3/3, 3/4, 3/5, 3/6, 3/9, 3/10.
    assert dues.promised == day("2026-03-10")
    # 15 after 3/2: those 6, then 3/11, 3/12, 3/13, 3/16–3/20, 3/23.
    assert dues.statutory == day("2026-03-23")
    assert not dues.provisional


def test_a_late_case_resumes_with_its_due_date_behind_it(cal):
    # Due Friday 2025-09-26, suspended Tuesday 9/30: Sunday 9/28, 9/29, 9/30 already overrun.
    assert rules.remaining(cal, day("2025-09-30"), day("2025-09-26")) == -3
    before = rules.Dues(day("2025-09-26"), day("2025-10-27"), False, False)
    dues = rules.resumed_dues(
        cal,
        before,
        accepted_on=day("2025-09-19"),
        suspended_on=day("2025-09-30"),
        resumed_on=day("2025-10-13"),
        left=(-3, 12),
    )
    # 3 working days before Monday 10/13: Saturday 10/11, 10/10, 10/9.
    assert dues.promised == day("2025-10-09")
    assert rules.remaining(cal, day("2025-10-13"), dues.promised) == -3  # exactly as late as before


def test_an_extension_adds_ten_working_days_or_fifteen_when_joint(cal):
    dues = rules.Dues(day("2025-09-26"), day("2025-10-17"), False, False)
    plain = rules.extended_dues(cal, dues, is_joint=False)
    # 9/26 + 10: Sunday 9/28, 9/29, 9/30, (10/1–10/8 off) 10/9, 10/10, Saturday 10/11, 10/13, 10/14, 10/15, 10/16.
    # 10/17 + 10: 10/20–10/24, 10/27–10/31.
    assert (plain.promised, plain.statutory) == (day("2025-10-16"), day("2025-10-31"))
    joint = rules.extended_dues(cal, dues, is_joint=True)
    # 9/26 + 15: the ten above, then 10/17, 10/20, 10/21, 10/22, 10/23.
    assert joint.promised == day("2025-10-23")


def test_the_delivery_limit_runs_over_the_2025_spring_festival(cal):
    # 10 after Friday 2025-01-24: Sunday 1/26, 1/27, 2/5, 2/6, 2/7, Saturday 2/8, 2/10, 2/11, 2/12, 2/13.
    assert rules.delivery_due(cal, day("2025-01-24")).date == day("2025-02-13")


def test_each_due_date_is_provisional_by_its_own_span(cal):
    # 2026 is published, 2027 not. Accepted Monday 2026-12-07: promised 5 → 12-14; statutory 20
    # → 12-08 … 12-31 are 18, then (New Year's Day off by law) 1-4, 1-5.
    dues = rules.decision_dues(
        cal,
        day("2026-12-07"),
        promised_days=5,
        statutory_limit_days=20,
        is_joint=False,
        is_instant=False,
    )
    assert (dues.promised, dues.statutory) == (day("2026-12-14"), day("2027-01-05"))
    assert (dues.promised_provisional, dues.statutory_provisional, dues.provisional) == (
        False,
        True,
        True,
    )
    # Extended by ten: 12-28 keeps to 2026; the statutory date stays provisional.
    extended = rules.extended_dues(cal, dues, is_joint=False)
    assert extended.promised == day("2026-12-28")
    assert (extended.promised_provisional, extended.statutory_provisional) == (False, True)
    # Resumed on 12-10 with 2 and 15 days kept: 12-14 certain; 12-11 … 12-31 are 15, certain too.
    # The days used before the suspension (12-08) lie in 2026 too.
    resumed = rules.resumed_dues(
        cal,
        dues,
        accepted_on=day("2026-12-07"),
        suspended_on=day("2026-12-08"),
        resumed_on=day("2026-12-10"),
        left=(2, 15),
    )
    assert (resumed.promised, resumed.statutory) == (day("2026-12-14"), day("2026-12-31"))
    assert not resumed.provisional
    # Only the promised clock stopped: the statutory date it ran on to keeps its own flag.
    ran_on = rules.resumed_dues(
        cal,
        dues,
        accepted_on=day("2026-12-07"),
        suspended_on=day("2026-12-08"),
        resumed_on=day("2026-12-10"),
        left=(2, None),
    )
    assert (ran_on.promised_provisional, ran_on.statutory_provisional) == (False, True)


@pytest.mark.parametrize(
    ("today", "level"),
    [
        ("2026-02-12", Warning.NONE),  # promised left: 2/13, 2/14, 2/24 → 3
        ("2026-02-13", Warning.YELLOW),  # 2/14, 2/24 → 2
        ("2026-02-24", Warning.YELLOW),  # due today → 0
        (
            "2026-02-25",
            Warning.RED,
        ),  # promise broken; statutory left 2/26, 2/27, 2/28, 3/2–3/6, 3/9–3/13 → 13
        ("2026-03-09", Warning.RED),  # statutory left 3/10–3/13 → 4
        ("2026-03-10", Warning.STATUTORY),  # statutory left 3/11, 3/12, 3/13 → 3
        ("2026-03-16", Warning.STATUTORY),  # past the legal wall
    ],
)
def test_warning_levels_on_real_dates(cal, today, level):
    assert (
        rules.warning_level(
            cal, day(today), day("2026-02-24"), day("2026-03-13"), yellow_at=2, statutory_alarm_at=3
        )
        == level
    )


def test_the_decision_step_is_the_last_signatory_step():
    assert rules.decision_index(["clerk", "reviewer", "reviewer", "signatory"]) == 3
    assert rules.decision_index(["clerk", "reviewer", "signatory", "signatory", "clerk"]) == 3
    assert rules.decision_index(["reviewer"]) is None
    assert rules.leading_clerk_steps(["clerk", "reviewer", "clerk"]) == 1


def test_remedies_give_sixty_days_and_six_months():
    r = rules.remedies("平罗县")
    assert r["reconsideration"]["days"] == 60 and r["reconsideration"]["body"] == "平罗县人民政府"
    assert r["litigation"]["months"] == 6
    assert "第二十条" in r["reconsideration"]["basis"] and "第四十六条" in r["litigation"]["basis"]


# --- through the actions ------------------------------------------------------------------


@pytest.fixture
def ten_day_item(make_item):
    return make_item(promised_limit_days=10, statutory_limit_days=20)


def test_a_suspension_across_the_2026_spring_festival_then_resumption(
    ten_day_item, applicant, clerk, reviewer
):
    case = accepted_case(ten_day_item, applicant, clerk, "2026-02-09")
    # Promised 10 after Monday 2/9: 2/10, 2/11, 2/12, 2/13, Saturday 2/14, (2/15–2/23 off) 2/24–2/27, Saturday 2/28.
    # Statutory 20: then 3/2–3/6, 3/9–3/13.
    assert (case.promised_due, case.statutory_due) == (day("2026-02-28"), day("2026-03-13"))
    case = actions.suspend(
        case,
        actor=reviewer,
        kind="testing",
        reason="样品送检",
        expected_days=5,
        on=day("2026-02-11"),
    )
    # Left after Wednesday 2/11: 2/12, 2/13, 2/14, 2/24, 2/25, 2/26, 2/27, 2/28 → 8; statutory 8 + 10 → 18.
    assert (case.promised_remaining_at_suspension, case.statutory_remaining_at_suspension) == (
        8,
        18,
    )
    event = case.events.last()
    # Expected end, 5 after 2/11: 2/12, 2/13, 2/14, 2/24, 2/25.
    assert event.notice_due == "special_procedure" and event.data["expected_end"] == "2026-02-25"
    case = actions.resume(case, actor=reviewer, on=day("2026-03-02"))
    # 8 after Monday 3/2: 3/3–3/6, 3/9–3/12 → 3/12. 18: then 3/13, 3/16–3/20, 3/23–3/26 → 3/26.
    assert (case.promised_due, case.statutory_due) == (day("2026-03-12"), day("2026-03-26"))
    assert case.state == "accepted" and case.suspended_on is None
    assert case.events.last().data["promised_due"] == "2026-03-12"


def test_two_suspensions_add_up_exactly(ten_day_item, applicant, clerk, reviewer, cal):
    case = accepted_case(ten_day_item, applicant, clerk, "2026-02-09")
    case = actions.suspend(
        case,
        actor=reviewer,
        kind="testing",
        reason="样品送检",
        expected_days=5,
        on=day("2026-02-11"),
    )
    case = actions.resume(case, actor=reviewer, on=day("2026-03-02"))
    case = actions.suspend(
        case,
        actor=reviewer,
        kind="expert_review",
        reason="专家评审",
        expected_days=3,
        on=day("2026-03-04"),
    )
    # After Wednesday 3/4 up to 3/12: 3/5, 3/6, 3/9, 3/10, 3/11, 3/12 → 6; statutory to 3/26: 6 + 3/13, 3/16–3/20,
    # 3/23–3/26 → 16.
    assert (case.promised_remaining_at_suspension, case.statutory_remaining_at_suspension) == (
        6,
        16,
    )
    case = actions.resume(case, actor=reviewer, on=day("2026-03-09"))
    # 6 after Monday 3/9: 3/10–3/13, 3/16, 3/17 → 3/17. 16: then 3/18–3/20, 3/23–3/27, 3/30, 3/31 → 3/31.
    assert (case.promised_due, case.statutory_due) == (day("2026-03-17"), day("2026-03-31"))
    # The clock ran 2/10–2/11 (2), 3/3–3/4 (2) and 3/10–3/17 (6): exactly the promised 10 working days.
    ran = (
        cal.between(day("2026-02-09"), day("2026-02-11"))
        + cal.between(day("2026-03-02"), day("2026-03-04"))
        + cal.between(day("2026-03-09"), case.promised_due)
    )
    assert ran == 10
    assert case.suspensions.count() == 2


def test_suspension_then_extension(item, applicant, clerk, reviewer, signatory):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    # Promised 5 after Monday 9/22: 9/23–9/26, Sunday 9/28. Statutory 20: then 9/29, 9/30, 10/9, 10/10,
    # Saturday 10/11, 10/13–10/17, 10/20–10/24.
    assert (case.promised_due, case.statutory_due) == (day("2025-09-28"), day("2025-10-24"))
    case = actions.suspend(
        case,
        actor=reviewer,
        kind="appraisal",
        reason="委托鉴定",
        expected_days=10,
        on=day("2025-09-24"),
    )
    # Left after 9/24: 9/25, 9/26, 9/28 → 3; statutory 20 − 2 used (9/23, 9/24) → 18.
    assert (case.promised_remaining_at_suspension, case.statutory_remaining_at_suspension) == (
        3,
        18,
    )
    case = actions.resume(case, actor=reviewer, on=day("2025-10-09"))
    # 3 after Thursday 10/9: 10/10, Saturday 10/11, 10/13. 18: then 10/14–10/17, 10/20–10/24, 10/27–10/31, 11/3.
    assert (case.promised_due, case.statutory_due) == (day("2025-10-13"), day("2025-11-03"))
    actions.request_extension(case, actor=reviewer, reason="鉴定结论需复核", on=day("2025-10-10"))
    case = actions.approve_extension(case, actor=signatory, on=day("2025-10-10"))
    # +10: 10/13 → 10/14–10/17, 10/20–10/24, 10/27; 11/3 → 11/4–11/7, 11/10–11/14, 11/17.
    assert (case.promised_due, case.statutory_due) == (day("2025-10-27"), day("2025-11-17"))
    event = case.events.last()
    assert (
        event.data["promised_due_before"] == "2025-10-13"
        and event.data["statutory_due"] == "2025-11-17"
    )


def test_a_case_suspended_after_its_due_date_resumes_still_late(
    item, applicant, clerk, reviewer, cal
):
    case = accepted_case(item, applicant, clerk, "2025-09-19")
    # Promised 5 after Friday 9/19: 9/22–9/26. Statutory 20: then Sunday 9/28, 9/29, 9/30, 10/9, 10/10,
    # Saturday 10/11, 10/13–10/17, 10/20–10/23.
    assert (case.promised_due, case.statutory_due) == (day("2025-09-26"), day("2025-10-23"))
    case = actions.suspend(
        case,
        actor=reviewer,
        kind="quarantine",
        reason="检疫",
        expected_days=5,
        on=day("2025-09-30"),
    )
    # Promised overrun by 9/28, 9/29, 9/30 → −3; statutory left 10/9, 10/10, 10/11, 10/13–10/17, 10/20–10/23 → 12.
    assert (case.promised_remaining_at_suspension, case.statutory_remaining_at_suspension) == (
        -3,
        12,
    )
    case = actions.resume(case, actor=reviewer, on=day("2025-10-13"))
    # 3 working days before Monday 10/13: Saturday 10/11, 10/10, 10/9 → the due date lies before the resumption.
    # Statutory 12 after 10/13: 10/14–10/17, 10/20–10/24, 10/27–10/29 → 10/29.
    assert (case.promised_due, case.statutory_due) == (day("2025-10-09"), day("2025-10-29"))
    assert case.promised_due < day("2025-10-13")
    level = rules.warning_level(
        cal,
        day("2025-10-13"),
        case.promised_due,
        case.statutory_due,
        yellow_at=2,
        statutory_alarm_at=3,
    )
    assert level == Warning.RED


def test_an_extension_after_the_statutory_limit_is_refused(item, applicant, clerk, reviewer):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    with pytest.raises(InvalidTransition) as e:
        actions.request_extension(case, actor=reviewer, reason="来不及", on=day("2025-10-27"))
    assert e.value.message == "法定办结期限（2025年10月24日）已届满，不能再延期"


def test_a_promise_due_on_friday_is_broken_on_saturday(cal):
    # 2025-03-14 is a Friday, 03-15 a plain Saturday.
    friday, saturday = dt_date(2025, 3, 14), dt_date(2025, 3, 15)
    level = rules.warning_level(
        cal, saturday, friday, dt_date(2025, 4, 30), yellow_at=2, statutory_alarm_at=3
    )
    assert level == rules.Warning.RED
    assert (
        rules.warning_level(
            cal, saturday, dt_date(2025, 3, 1), friday, yellow_at=2, statutory_alarm_at=3
        )
        == rules.Warning.STATUTORY
    )


def test_a_resumed_date_is_provisional_by_every_span_it_was_counted_over():
    """How many days a stopped clock keeps depends on the days it used before the suspension: if
    those lay in a year with no official schedule, the date they give after the resumption is
    provisional too, even when the days after the resumption lie in a published year. Real dates with 2027 taken
    as unpublished and 2028 as published (an administrator entered 2028 first)."""
    years = WorkCalendar.build().official_years - {2027}
    cal = WorkCalendar(exceptions=WorkCalendar.build().exceptions, official_years=years | {2028})
    # Accepted Monday 2027-12-20: promised 5 → 12-27; statutory 20 → 2028-01-17, both counted
    # over 2027. Suspended (both clocks) on 12-22: 3 and 18 days kept, counted in 2027.
    before = rules.decision_dues(
        cal,
        day("2027-12-20"),
        promised_days=5,
        statutory_limit_days=20,
        is_joint=False,
        is_instant=False,
    )
    assert (before.promised_provisional, before.statutory_provisional) == (True, True)
    left = (
        rules.remaining(cal, day("2027-12-22"), before.promised),
        rules.remaining(cal, day("2027-12-22"), before.statutory),
    )
    resumed = rules.resumed_dues(
        cal,
        before,
        accepted_on=day("2027-12-20"),
        suspended_on=day("2027-12-22"),
        resumed_on=day("2028-01-10"),
        left=left,
    )
    assert resumed.promised.year == resumed.statutory.year == 2028
    assert (resumed.promised_provisional, resumed.statutory_provisional) == (True, True)


def test_a_date_that_ran_on_through_a_suspension_keeps_its_own_flag(cal):
    # Accepted 2026-11-23: 11-30 and 12-21, both in published 2026. Only the promise stopped,
    # on 11-25 with 3 days kept; resumed 2027-01-04 (2027 unpublished): 1-7 is after the law's
    # 12-21, so the promise ends on 12-21 — a date counted over 2026 alone, certain.
    before = rules.Dues(day("2026-11-30"), day("2026-12-21"), False, False)
    resumed = rules.resumed_dues(
        cal,
        before,
        accepted_on=day("2026-11-23"),
        suspended_on=day("2026-11-25"),
        resumed_on=day("2027-01-04"),
        left=(3, None),
    )
    assert resumed == rules.Dues(day("2026-12-21"), day("2026-12-21"), False, False)
    # Resumed on 12-10 instead: 12-15, before the law; both certain as before.
    earlier = rules.resumed_dues(
        cal,
        before,
        accepted_on=day("2026-11-23"),
        suspended_on=day("2026-11-25"),
        resumed_on=day("2026-12-10"),
        left=(3, None),
    )
    assert earlier == rules.Dues(day("2026-12-15"), day("2026-12-21"), False, False)
