import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from oneseal.audit.actions import record
from oneseal.errors import ValidationFailed
from oneseal.organisation.models import Role
from oneseal.organisation.rules import Actor, require_role

from . import queries, rules
from .models import CalendarDay, CalendarYear


def _check_range(day: datetime.date, field: str) -> None:
    if not rules.FIRST_YEAR <= day.year <= rules.LAST_YEAR:
        raise ValidationFailed(
            fields={
                field: [_("日期须在{a}至{b}年之间").format(a=rules.FIRST_YEAR, b=rules.LAST_YEAR)]
            }
        )


@transaction.atomic
def enter_day(day: datetime.date, *, actor: Actor, is_workday: bool, name: str = "") -> CalendarDay:
    """Enter or correct one day of the official schedule. The calendar is national, so any
    catalogue administrator may keep it; the audit row says who did."""
    require_role(actor, Role.CATALOGUE_ADMIN)
    _check_range(day, "date")
    row, _created = CalendarDay.objects.update_or_create(
        date=day,
        defaults={"is_workday": is_workday, "name": name, "entered_by": actor},
    )
    queries.invalidate()
    record(
        "calendars.enter_day",
        actor=actor,
        subject=row,
        summary=str(row),
        data={"date": day.isoformat(), "is_workday": is_workday, "name": name},
    )
    return row


@transaction.atomic
def declare_year_official(year: int, *, actor: Actor, announcement: str) -> CalendarYear:
    """Mark a year's entered schedule as the official one: its dates stop being provisional."""
    require_role(actor, Role.CATALOGUE_ADMIN)
    _check_range(datetime.date(year, 1, 1), "year")
    if not announcement.strip():
        raise ValidationFailed(fields={"announcement": [_("请填写公布该年度安排的文件名称")]})
    row, _created = CalendarYear.objects.update_or_create(
        year=year,
        defaults={"announcement": announcement.strip(), "entered_by": actor},
    )
    queries.invalidate()
    record(
        "calendars.declare_year_official",
        actor=actor,
        subject=row,
        summary=f"{year}: {announcement}",
    )
    return row
