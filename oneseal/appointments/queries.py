"""Reads of appointments, each scoped: staff see the halls and bookings of their region and
below it, an applicant's account sees only its own bookings, nobody else sees any."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from oneseal.actors import Actor
from oneseal.applicants.queries import represented
from oneseal.calendars.queries import current_calendar
from oneseal.cases.queries import Viewer, is_scoped_staff
from oneseal.catalogue.models import HandlingItem
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role, scope_prefix
from oneseal.regions.rules import prefix_scope

from . import rules
from .actions import can_manage, slot_start
from .models import Booking, Hall, ItemGroup, Slot


def _staff_prefix(user: Viewer) -> str | None:
    return scope_prefix(user) if is_scoped_staff(user) else None


def visible_bookings(user: Viewer) -> QuerySet[Booking]:
    """Staff with a role: the bookings of the halls of their region and below; anyone signed
    in: the bookings of the applicants linked to their account; anonymous: nothing."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Booking.objects.none()
    own = Q(applicant__in=represented(user))
    prefix = _staff_prefix(user)
    if prefix is not None:
        return Booking.objects.filter(prefix_scope(prefix, "region_code") | own)
    return Booking.objects.filter(own)


def booking_rows(qs: QuerySet[Booking]) -> QuerySet[Booking]:
    return qs.select_related("slot__group__hall", "applicant", "handling_item")


def own_bookings(user: Actor) -> QuerySet[Booking]:
    if not getattr(user, "is_authenticated", False):
        return Booking.objects.none()
    return booking_rows(Booking.objects.filter(applicant__in=represented(user))).order_by(
        "-slot__day", "-slot__starts_at"
    )


def managed_halls(user: Actor) -> list[Hall]:
    """The halls this user may keep (window clerks and catalogue administrators)."""
    prefix = scope_prefix(user)
    if prefix is None:
        return []
    halls = Hall.objects.filter(prefix_scope(prefix, "region_code")).select_related(
        "region", "bureau"
    )
    return [h for h in halls if can_manage(user, h.region)]


def clerk_halls(user: Actor) -> QuerySet[Hall]:
    prefix = scope_prefix(user)
    if prefix is None or not has_role(user, Role.CLERK):
        return Hall.objects.none()
    return Hall.objects.filter(prefix_scope(prefix, "region_code")).select_related("region")


def groups_for(hi: HandlingItem) -> QuerySet[ItemGroup]:
    """The active groups, in active halls of the item's catalogue region, that serve it: by
    the item itself or by its department."""
    version = hi.item_version
    region = version.item.catalogue.region
    serves = Q(items=version.item_id)
    if version.original_department_id:
        serves |= Q(departments=version.original_department_id)
    return (
        ItemGroup.objects.filter(
            serves,
            prefix_scope(region.prefix, "hall__region_code"),
            is_active=True,
            hall__is_active=True,
        )
        .select_related("hall")
        .distinct()
        .order_by("hall__region_code", "hall_id", "order", "id")
    )


@dataclass(frozen=True)
class DayOfSlots:
    day: datetime.date
    slots: list


def open_slots(group: ItemGroup, *, now: datetime.datetime | None = None) -> list[DayOfSlots]:
    """The group's bookable slots, by day: working days within the hall's horizon, not yet
    started. Full slots are listed too (shown as full), so the day's picture is honest."""
    now = now or timezone.now()
    hall = group.hall
    days = rules.bookable_days(current_calendar(), timezone.localtime(now).date(), hall.days_ahead)
    slots = [
        s
        for s in Slot.objects.filter(group=group, day__in=days).order_by("day", "starts_at")
        if slot_start(s) > now
    ]
    by_day: dict = {}
    for slot in slots:
        by_day.setdefault(slot.day, []).append(slot)
    return [DayOfSlots(day, by_day[day]) for day in sorted(by_day)]


def day_bookings(hall: Hall, day: datetime.date) -> QuerySet[Booking]:
    """The hall's bookings of a day, cancelled ones last, in slot order."""
    return (
        Booking.objects.filter(slot__group__hall=hall, slot__day=day)
        .select_related("slot__group", "applicant", "handling_item")
        .order_by("slot__starts_at", "slot__group__order", "state", "id")
    )


def hall_with_groups(hall_id: int) -> QuerySet[Hall]:
    return (
        Hall.objects.filter(pk=hall_id)
        .select_related("region", "bureau", "service_centre")
        .prefetch_related(
            Prefetch(
                "groups",
                queryset=ItemGroup.objects.prefetch_related("departments", "items").order_by(
                    "order", "id"
                ),
            )
        )
    )
