"""The calendar in force. Built once per process and rebuilt when the stored days change:
edits are rare, reads happen on every due-date computation."""

import threading

from django.db.models import Count, Max

from .models import CalendarDay, CalendarYear
from .rules import WorkCalendar

_lock = threading.Lock()
_cache: dict = {}


def _stamp():
    days = CalendarDay.objects.aggregate(n=Count("id"), at=Max("entered_at"))
    years = CalendarYear.objects.aggregate(n=Count("id"), at=Max("entered_at"))
    return (days["n"], days["at"], years["n"], years["at"])


def current_calendar() -> WorkCalendar:
    stamp = _stamp()
    with _lock:
        if _cache.get("stamp") != stamp:
            _cache["calendar"] = WorkCalendar.build(
                dict(CalendarDay.objects.values_list("date", "is_workday")),
                CalendarYear.objects.values_list("year", flat=True),
            )
            _cache["stamp"] = stamp
        return _cache["calendar"]
