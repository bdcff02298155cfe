"""Small checks the linkage actions share."""

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _


def text(value: object) -> str:
    return str(value or "").strip()


def positive_days(value: object, errors: dict, field: str, message: str) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1 or value > 365:
        errors[field] = [message]
        return None
    return value


def not_before(on: datetime.date, floor: datetime.date, errors: dict, field: str = "on") -> None:
    if on < floor:
        errors[field] = [_("日期不能早于{date}").format(date=date_format(floor, "DATE_FORMAT"))]
