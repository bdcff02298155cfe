"""Small checks the linkage actions share."""

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils.formats import date_format
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.contrib.auth.models import User as AuthUser

    from oneseal.cases.models import Case
    from oneseal.organisation.models import Department


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


def tell_escalation(
    recipients: Iterable["AuthUser"],
    *,
    key: str,
    title: str,
    body: str,
    url_name: str,
    pk: int,
    case: "Case",
) -> None:
    """An escalation (督办) is given to the people who must act on it: each is told once, by
    a message in their box (and its e-mail/SMS by their choice), in the escalation's
    transaction. The link is the page where they act."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    from oneseal.notifications.actions import notify_once
    from oneseal.notifications.models import Kind

    with translation.override(settings.LANGUAGE_CODE):
        link = reverse(url_name, args=[pk])
    for user in recipients:
        notify_once(
            key=f"{key}:{user.pk}",
            user=user,
            kind=Kind.ASSIGNMENT,
            title=title,
            body=body,
            link=link,
            case=case,
        )


def supervisors_of(department: "Department") -> list["AuthUser"]:
    """The active accounts that act for `department` (its supervisors)."""
    from django.contrib.auth import get_user_model

    from oneseal.organisation.models import Role

    return list(
        get_user_model()
        .objects.filter(
            is_active=True, staff__department=department, staff__roles__role=Role.SUPERVISOR
        )
        .distinct()
        .order_by("pk")
    )
