"""The stage and project clocks as pure rules, on real dates of the official calendar."""

import datetime

from oneseal.calendars.rules import WorkCalendar
from oneseal.projects.clocks import StageSpan, Stop, project_clock, stage_clock

CAL = WorkCalendar.build()


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def test_the_2026_spring_festival_is_not_counted():
    clock = stage_clock(
        CAL,
        received_on=d("2026-02-10"),
        limit_days=10,
        stops=[],
        concluded_on=None,
        on=d("2026-02-10"),
    )
    # 11, 12, 13, Saturday 14 (worked), 24, 25, 26, 27, Saturday 28 (worked), 2 March.
    assert clock.due == d("2026-03-02") and clock.remaining == 10


def test_overlapping_stops_of_two_cases_stop_the_stage_once():
    stops = [Stop(d("2025-03-04"), d("2025-03-07")), Stop(d("2025-03-05"), d("2025-03-10"))]
    clock = stage_clock(
        CAL,
        received_on=d("2025-03-03"),
        limit_days=10,
        stops=stops,
        concluded_on=None,
        on=d("2025-03-12"),
    )
    # Stopped 5, 6, 7 and 10 March; counted 4, 11 and 12.
    assert (clock.stopped, clock.used, clock.remaining) == (4, 3, 7)
    assert clock.due == d("2025-03-21")
    assert not clock.paused


def test_an_open_stop_pauses_the_stage_and_moves_its_due_day():
    stops = [Stop(d("2025-03-05"), None)]
    monday = stage_clock(
        CAL,
        received_on=d("2025-03-03"),
        limit_days=5,
        stops=stops,
        concluded_on=None,
        on=d("2025-03-10"),
    )
    tuesday = stage_clock(
        CAL,
        received_on=d("2025-03-03"),
        limit_days=5,
        stops=stops,
        concluded_on=None,
        on=d("2025-03-11"),
    )
    assert monday.paused and monday.used == 2
    assert tuesday.due == CAL.add(monday.due, 1).date


def test_a_late_stage_turns_red():
    clock = stage_clock(
        CAL,
        received_on=d("2025-09-26"),
        limit_days=3,
        stops=[],
        concluded_on=None,
        on=d("2025-10-10"),
    )
    # The National Day holiday (1–8 October) is not counted and Sunday 28 September is worked:
    # 28, 29, 30 September (due on the 30th), 9, 10 October.
    assert (clock.due, clock.used, clock.warning) == (d("2025-09-30"), 5, "red")


def test_the_project_counts_its_stages_days_once_and_not_the_time_between():
    spans = [
        StageSpan(d("2025-03-03"), d("2025-03-07"), []),  # 4 days
        StageSpan(d("2025-03-06"), d("2025-03-12"), []),  # 7, 10, 11, 12 (6 and 7 shared)
        StageSpan(d("2025-05-06"), None, [Stop(d("2025-05-07"), d("2025-05-09"))]),
    ]
    clock = project_clock(CAL, spans=spans, limit_days=90, completed_on=None, on=d("2025-05-12"))
    # 4, 5, 6, 7, 10, 11, 12 March; 7 May and 12 May (8 and 9 stopped).
    assert (clock.used, clock.remaining, clock.started_on) == (9, 81, d("2025-03-03"))
