"""Quiet hours (ONESEAL_NOTIFY_QUIET_HOURS, e.g. 22:00-08:00) in the bureau's time zone: no
e-mail or SMS goes out in them; what falls due is deferred to their end, never dropped."""

import datetime

from django.conf import settings
from django.utils import timezone


def window() -> tuple[datetime.time, datetime.time]:
    start, _, end = settings.ONESEAL_NOTIFY_QUIET_HOURS.partition("-")
    return datetime.time.fromisoformat(start), datetime.time.fromisoformat(end)


def is_quiet(moment: datetime.datetime) -> bool:
    start, end = window()
    local = timezone.localtime(moment).time()
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end  # across midnight


def after_quiet(moment: datetime.datetime) -> datetime.datetime:
    """`moment` itself outside quiet hours; else the end of the quiet hours it falls in."""
    if not is_quiet(moment):
        return moment
    start, end = window()
    local = timezone.localtime(moment)
    ends = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if ends <= local:
        ends += datetime.timedelta(days=1)
    # Rebuilt from the wall-clock time, so a DST change in the zone lands on the hour.
    return timezone.make_aware(ends.replace(tzinfo=None), local.tzinfo)
