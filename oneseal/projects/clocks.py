"""The clocks of a stage and of a whole project, computed from what the cases recorded.

A stage's limit counts the working days after the stage application's receipt
(`calendars`: the law's days are working days, 《行政许可法》第八十二条) on which the
government works on it. A day does not count while the stage waits on the applicant (a case
awaiting the correction the applicant was asked for) or on a joint site inspection (a case
suspended for 现场勘验): from the day after the stop began up to and including the day it
ended, as a case's own suspension (第四十五条) is counted. Stops of several cases on the same
day stop the stage once.

A project's clock is the union of its stages' counted days, from the first stage application
to the completion of the last: the days between stages, when the owner designs, builds or
prepares, are the applicant's time and do not count against the project-wide limit
(国办发〔2019〕11号: the whole approval within 120 working days, fewer where a province says so).

Pure: the calendar, the stops and the day are passed in (`queries.stage_clock_of`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from oneseal.calendars.rules import WorkCalendar
from oneseal.cases import clocks as case_clocks


def yellow_at() -> int:
    """Working days left at which a stage or a project turns yellow: the threshold of the
    cases' promised limit (setting ONESEAL_WARNING_YELLOW_DAYS), so one yellow means one thing."""
    return case_clocks.yellow_at()


@dataclass(frozen=True)
class Stop:
    """A span the stage waits: days after `start` up to `end` (None: still waiting)."""

    start: datetime.date
    end: datetime.date | None
    why: str = ""


@dataclass(frozen=True)
class StageClock:
    received_on: datetime.date
    limit_days: int
    used: int
    stopped: int
    remaining: int
    due: datetime.date
    paused: bool
    concluded_on: datetime.date | None
    provisional: bool

    @property
    def warning(self) -> str:
        if self.remaining < 0:
            return "red"
        if self.concluded_on is None and self.remaining <= yellow_at():
            return "yellow"
        return ""


@dataclass(frozen=True)
class ProjectClock:
    started_on: datetime.date | None
    limit_days: int | None
    used: int
    remaining: int | None
    completed_on: datetime.date | None

    @property
    def warning(self) -> str:
        if self.remaining is None:
            return ""
        if self.remaining < 0:
            return "red"
        if self.completed_on is None and self.remaining <= yellow_at():
            return "yellow"
        return ""


def stopped_days(
    cal: WorkCalendar, stops: Iterable[Stop], *, after: datetime.date, until: datetime.date
) -> set[datetime.date]:
    """The working days in (after, until] on which some stop held. An open stop holds up to
    `until`."""
    out: set[datetime.date] = set()
    for stop in stops:
        end = min(stop.end or until, until)
        day = max(stop.start, after)
        while day < end:
            day = cal.add(day, 1).date
            if day <= end:
                out.add(day)
    return out


def counted_days(
    cal: WorkCalendar, start: datetime.date, end: datetime.date, stopped: set[datetime.date]
) -> set[datetime.date]:
    """The working days in (start, end] that count."""
    out: set[datetime.date] = set()
    day = start
    while True:
        day = cal.add(day, 1).date
        if day > end:
            return out
        if day not in stopped:
            out.add(day)


def stage_clock(
    cal: WorkCalendar,
    *,
    received_on: datetime.date,
    limit_days: int,
    stops: Sequence[Stop],
    concluded_on: datetime.date | None,
    on: datetime.date,
) -> StageClock:
    """The stage's clock on `on`: the working days used and left, and the day the limit falls
    on (later each working day the stage stays stopped)."""
    end = concluded_on or on
    end = max(end, received_on)
    stopped = stopped_days(cal, stops, after=received_on, until=end)
    used = len(counted_days(cal, received_on, end, stopped))
    # The due day: counting on from where the stage stands, the stops so far skipped.
    day, left = received_on, limit_days
    while left > 0:
        day = cal.add(day, 1).date
        if day in stopped:
            continue
        left -= 1
    paused = concluded_on is None and any(
        s.end is None or s.end > on for s in stops if s.start <= on
    )
    if paused:
        # While stopped the due day moves on with every working day of the stop; it is at
        # least the working days left counted from today.
        day = max(day, cal.add(on, max(limit_days - used, 0)).date)
    return StageClock(
        received_on=received_on,
        limit_days=limit_days,
        used=used,
        stopped=len(stopped),
        remaining=limit_days - used,
        due=day,
        paused=paused,
        concluded_on=concluded_on,
        provisional=cal.is_provisional(received_on, day),
    )


@dataclass(frozen=True)
class StageSpan:
    received_on: datetime.date
    concluded_on: datetime.date | None
    stops: Sequence[Stop]


def project_clock(
    cal: WorkCalendar,
    *,
    spans: Sequence[StageSpan],
    limit_days: int | None,
    completed_on: datetime.date | None,
    on: datetime.date,
) -> ProjectClock:
    """The whole project's approval time: every working day some stage counted, once."""
    if not spans:
        return ProjectClock(None, limit_days, 0, limit_days, completed_on)
    counted: set[datetime.date] = set()
    for span in spans:
        end = max(span.concluded_on or on, span.received_on)
        stopped = stopped_days(cal, span.stops, after=span.received_on, until=end)
        counted |= counted_days(cal, span.received_on, end, stopped)
    used = len(counted)
    return ProjectClock(
        started_on=min(s.received_on for s in spans),
        limit_days=limit_days,
        used=used,
        remaining=None if limit_days is None else limit_days - used,
        completed_on=completed_on,
    )
