"""The business date (`today`), and the calendar in force. The calendar is built once per
process and rebuilt when the stored days change: edits are rare, reads happen on every
due-date computation. Whether the stored days changed is checked at most every
FRESHNESS_SECONDS (an edit in this process invalidates at once; one in another process is seen
within that time), so a busy intake path costs no extra queries."""

import datetime
import threading
import time
from typing import Any

from django.db.models import Count, Max
from django.utils import timezone

from .models import CalendarDay, CalendarYear
from .rules import WorkCalendar

_lock = threading.Lock()
_cache: dict[str, Any] = {}
FRESHNESS_SECONDS = 5.0


def today(at: datetime.datetime | None = None) -> datetime.date:
    """The business date: the day in the bureau's time zone (settings.TIME_ZONE, Asia/Shanghai)
    now, or at the moment `at`. The one reading of "today" of every action, page and job, so
    that a test freezes the clock (time-machine) rather than patching a module."""
    return timezone.localdate(at, timezone.get_default_timezone())


def invalidate() -> None:
    with _lock:
        _cache.pop("checked_at", None)


def _stamp() -> tuple[int, datetime.datetime | None, int, datetime.datetime | None]:
    days = CalendarDay.objects.aggregate(n=Count("id"), at=Max("entered_at"))
    years = CalendarYear.objects.aggregate(n=Count("id"), at=Max("entered_at"))
    return (days["n"], days["at"], years["n"], years["at"])


def current_calendar() -> WorkCalendar:
    now = time.monotonic()
    with _lock:
        if "calendar" in _cache and now - _cache.get("checked_at", -1e9) < FRESHNESS_SECONDS:
            return _cache["calendar"]
    stamp = _stamp()
    with _lock:
        _cache["checked_at"] = now
        if _cache.get("stamp") != stamp:
            _cache["calendar"] = WorkCalendar.build(
                dict(CalendarDay.objects.values_list("date", "is_workday")),
                CalendarYear.objects.values_list("year", flat=True),
            )
            _cache["stamp"] = stamp
        return _cache["calendar"]
