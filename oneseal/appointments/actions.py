"""Writes of appointments. Each is one transaction that checks the actor, records its audit
row and returns the object.

Halls, item groups, slots and capacities are kept by the window clerks and the catalogue
administrators of the hall's region. A booking is made and cancelled by the applicant's own
online account; the window clerks of the region mark arrivals and no-shows.

A slot is never overbooked: `book` locks the slot row, counts, and increments its `booked`
counter in the same transaction; a concurrent booking waits for the lock and then sees the
slot full. Cancelling locks the slot before the booking, in the same order, so the two never
deadlock."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from oneseal.actors import Actor, User, acts_as_system, stored_user
from oneseal.applicants.models import Applicant
from oneseal.applicants.queries import acts_for
from oneseal.audit.actions import record
from oneseal.calendars.queries import current_calendar
from oneseal.calendars.queries import today as business_today
from oneseal.catalogue.models import HandlingItem, ItemVersion
from oneseal.errors import (
    Conflict,
    NotPermitted,
    ValidationFailed,
    fail_blockers,
    fail_fields,
)
from oneseal.organisation.models import Bureau, Department, Role, ServiceCentre
from oneseal.organisation.rules import has_role
from oneseal.regions.models import Region

from . import rules
from .models import Booking, Hall, ItemGroup, Slot

MANAGE_ROLES = (Role.CLERK, Role.CATALOGUE_ADMIN)
HALL_FIELDS = (
    "name",
    "address",
    "phone",
    "opens_at",
    "lunch_from",
    "lunch_until",
    "closes_at",
    "slot_minutes",
    "days_ahead",
    "cancel_cutoff_minutes",
    "is_active",
)


def can_manage(user: Actor, region: Region) -> bool:
    return any(has_role(user, role, region) for role in MANAGE_ROLES)


def _require_manager(actor: "User", hall_or_region: Hall | Region) -> None:
    region = hall_or_region.region if isinstance(hall_or_region, Hall) else hall_or_region
    if not can_manage(actor, region):
        raise NotPermitted()


def _require_clerk(actor: "User", hall: Hall) -> None:
    if not has_role(actor, Role.CLERK, hall.region):
        raise NotPermitted()


def slot_start(slot: Slot) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(slot.day, slot.starts_at))


# --- halls, groups, slots -----------------------------------------------------------------


def hall_errors(values: dict) -> dict[str, list[str]]:
    """Every problem with a hall's fields at once, by field."""
    errors: dict[str, list[str]] = {}
    if not (values.get("name") or "").strip():
        errors["name"] = [_("请填写大厅名称")]
    opens, closes = values.get("opens_at"), values.get("closes_at")
    if opens is None:
        errors["opens_at"] = [_("请填写开始办公时间")]
    if closes is None:
        errors["closes_at"] = [_("请填写结束办公时间")]
    if opens and closes and opens >= closes:
        errors["closes_at"] = [_("结束办公时间应晚于开始办公时间")]
    lunch_from, lunch_until = values.get("lunch_from"), values.get("lunch_until")
    if bool(lunch_from) != bool(lunch_until):
        errors["lunch_until"] = [_("午休开始和结束时间应同时填写或同时留空")]
    elif lunch_from and lunch_until:
        if lunch_from >= lunch_until:
            errors["lunch_until"] = [_("午休结束时间应晚于午休开始时间")]
        elif opens and closes and not (opens < lunch_from and lunch_until < closes):
            errors["lunch_from"] = [_("午休时间应在办公时间之内")]
    minutes = values.get("slot_minutes")
    if not isinstance(minutes, int) or not 10 <= minutes <= 240:
        errors["slot_minutes"] = [_("每个时段应为10至240分钟")]
    elif (
        opens
        and closes
        and not errors
        and not rules.day_slots(opens, closes, minutes, lunch_from, lunch_until)
    ):
        errors["slot_minutes"] = [_("按此时长，办公时间内排不下一个完整时段")]
    days = values.get("days_ahead")
    if not isinstance(days, int) or not 1 <= days <= 30:
        errors["days_ahead"] = [_("可提前预约的工作日数应为1至30")]
    cutoff = values.get("cancel_cutoff_minutes")
    if not isinstance(cutoff, int) or not 0 <= cutoff <= 7 * 24 * 60:
        errors["cancel_cutoff_minutes"] = [_("取消截止时间应为0至10080分钟")]
    return errors


@transaction.atomic
def create_hall(
    bureau: Bureau,
    *,
    actor: "User",
    region: Region,
    service_centre: ServiceCentre | None = None,
    **fields: Any,
) -> Hall:
    """A hall of the bureau: its own service hall, or a township service centre's."""
    _require_manager(actor, region)
    if not bureau.region.contains(region):
        raise ValidationFailed(fields={"region": [_("大厅所在区划应在本局管辖范围内")]})
    if service_centre is not None and service_centre.bureau_id != bureau.pk:
        raise ValidationFailed(fields={"service_centre": [_("该便民服务中心不属于本局")]})
    hall = Hall(bureau=bureau, region=region, service_centre=service_centre)
    for name in HALL_FIELDS:
        if name in fields:
            setattr(hall, name, fields[name])
    hall.name = (hall.name or "").strip()
    errors = hall_errors({name: getattr(hall, name) for name in HALL_FIELDS})
    if not errors and Hall.objects.filter(bureau=bureau, name=hall.name).exists():
        errors["name"] = [_("本局已有同名大厅")]
    if errors:
        raise ValidationFailed(_("大厅信息有误"), fields=errors)
    hall.save()
    record(
        "appointments.create_hall",
        actor=actor,
        subject=hall,
        region_code=hall.region_code,
        summary=f"新建服务大厅 {hall.name}",
    )
    return hall


@transaction.atomic
def update_hall(hall: Hall, *, actor: "User", **fields: Any) -> Hall:
    """Change a hall's hours or booking rules. Slots already generated keep their times; the
    next generation removes the empty ones that no longer fit."""
    hall = Hall.objects.select_for_update().select_related("region").get(pk=hall.pk)
    _require_manager(actor, hall)
    values = {name: fields.get(name, getattr(hall, name)) for name in HALL_FIELDS}
    values["name"] = (values["name"] or "").strip()
    errors = hall_errors(values)
    if (
        not errors
        and Hall.objects.filter(bureau=hall.bureau_id, name=values["name"])
        .exclude(pk=hall.pk)
        .exists()
    ):
        errors["name"] = [_("本局已有同名大厅")]
    if errors:
        raise ValidationFailed(_("大厅信息有误"), fields=errors)
    changed = {k: str(v) for k, v in values.items() if getattr(hall, k) != v}
    for name, value in values.items():
        setattr(hall, name, value)
    hall.save()
    record(
        "appointments.update_hall",
        actor=actor,
        subject=hall,
        region_code=hall.region_code,
        summary=f"修改服务大厅 {hall.name}",
        data=changed,
    )
    return hall


@transaction.atomic
def save_group(
    hall: Hall,
    *,
    actor: "User",
    group: ItemGroup | None = None,
    name: str,
    windows: str = "",
    capacity: int,
    departments: Iterable[Any] = (),
    items: Iterable[Any] = (),
    order: int = 0,
    is_active: bool = True,
) -> ItemGroup:
    """Create or change an item group. A new capacity applies to the group's future slots,
    never below what is already booked in a slot."""
    hall = Hall.objects.select_related("region", "bureau__region").get(pk=hall.pk)
    _require_manager(actor, hall)
    errors: dict[str, list[str]] = {}
    others = ItemGroup.objects.filter(hall=hall)
    if group is not None:
        others = others.exclude(pk=group.pk)
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("请填写分组名称")]
    elif others.filter(name=name).exists():
        errors["name"] = [_("该大厅已有同名分组")]
    if not isinstance(capacity, int) or not 1 <= capacity <= 100:
        errors["capacity"] = [_("每时段可约人数应为1至100")]
    departments, items = list(departments), list(items)
    prefix = hall.bureau.region.prefix
    if any(not d.region.code.startswith(prefix) for d in departments):
        errors["departments"] = [_("只能选择本地区的部门")]
    if any(not i.catalogue.region.code.startswith(prefix) for i in items):
        errors["items"] = [_("只能选择本地区目录中的事项")]
    if not departments and not items:
        errors["items"] = [_("请至少选择一个部门或一个事项")]
    if errors:
        raise ValidationFailed(_("窗口分组信息有误"), fields=errors)
    if group is None:
        group = ItemGroup(hall=hall)
    else:
        group = ItemGroup.objects.select_for_update().get(pk=group.pk, hall=hall)
    old_capacity = group.capacity if group.pk else None
    group.name, group.windows, group.capacity, group.order, group.is_active = (
        name,
        (windows or "").strip(),
        capacity,
        order,
        is_active,
    )
    group.save()
    group.departments.set(departments)
    group.items.set(items)
    if old_capacity is not None and old_capacity != capacity:
        now = timezone.localtime()
        future = Slot.objects.select_for_update().filter(group=group, day__gte=now.date())
        for slot in future:
            if slot_start(slot) > now:
                slot.capacity = max(capacity, slot.booked)
                slot.save(update_fields=["capacity"])
    record(
        "appointments.save_group",
        actor=actor,
        subject=group,
        region_code=hall.region_code,
        summary=f"{hall.name} 窗口分组 {group.name}",
        data={
            "capacity": capacity,
            "departments": [d.pk for d in departments],
            "items": [i.pk for i in items],
        },
    )
    return group


@transaction.atomic
def generate_slots(
    hall: Hall,
    *,
    actor: "User | None" = None,
    system: bool = False,
    today: datetime.date | None = None,
) -> tuple[int, int]:
    """Slots of every active group for today and the hall's `days_ahead` working days after it
    (holidays skipped, adjusted workdays included). Empty future slots that no longer fit the
    hours or the calendar are removed; booked ones stay for the clerks to see. Running it again
    changes nothing. Returns (created, removed). The scheduled job calls it with `system=True`."""
    hall = Hall.objects.select_for_update().select_related("region").get(pk=hall.pk)
    if not acts_as_system(actor, system=system):
        assert actor is not None  # acts_as_system refuses a call that names nobody
        _require_manager(actor, hall)
    today = today or business_today()
    cal = current_calendar()
    days = rules.bookable_days(cal, today, hall.days_ahead) if hall.is_active else []
    times = rules.day_slots(
        hall.opens_at, hall.closes_at, hall.slot_minutes, hall.lunch_from, hall.lunch_until
    )
    groups = list(hall.groups.filter(is_active=True))
    wanted = {(g.pk, d, start) for g in groups for d in days for start, _end in times}
    ends = dict(times)
    existing = set(
        Slot.objects.filter(group__hall=hall, day__gte=today).values_list(
            "group_id", "day", "starts_at"
        )
    )
    capacity = {g.pk: g.capacity for g in groups}
    new = [
        Slot(group_id=g, day=d, starts_at=s, ends_at=ends[s], capacity=capacity[g])
        for g, d, s in sorted(wanted - existing)
    ]
    Slot.objects.bulk_create(new, ignore_conflicts=True)
    stale = [
        pk
        for pk, g, d, s in Slot.objects.filter(
            group__hall=hall, day__gte=today, booked=0
        ).values_list("pk", "group_id", "day", "starts_at")
        if (g, d, s) not in wanted
    ]
    removed = 0
    if stale:
        # Never a slot somebody booked in between: the delete re-checks the counter.
        removed, _detail = (
            Slot.objects.filter(pk__in=stale, booked=0)
            .exclude(pk__in=Booking.objects.values("slot_id"))
            .delete()
        )
    if new or removed:
        record(
            "appointments.generate_slots",
            actor=actor,
            subject=hall,
            region_code=hall.region_code,
            summary=f"{hall.name} 生成预约时段 {len(new)} 个，删除 {removed} 个",
            data={
                "created": len(new),
                "removed": removed,
                "through": days[-1].isoformat() if days else "",
            },
        )
    return len(new), removed


@transaction.atomic
def set_slot_capacity(slot: Slot, *, actor: "User", capacity: int) -> Slot:
    slot = Slot.objects.select_for_update().select_related("group__hall__region").get(pk=slot.pk)
    hall = slot.group.hall
    _require_manager(actor, hall)
    if not isinstance(capacity, int) or not 0 <= capacity <= 100:
        raise ValidationFailed(fields={"capacity": [_("可约人数应为0至100")]})
    if capacity < slot.booked:
        raise ValidationFailed(
            fields={
                "capacity": [_("该时段已有{n}人预约，可约人数不能少于{n}").format(n=slot.booked)]
            }
        )
    old, slot.capacity = slot.capacity, capacity
    slot.save(update_fields=["capacity"])
    record(
        "appointments.set_slot_capacity",
        actor=actor,
        subject=slot,
        region_code=hall.region_code,
        summary=f"{slot} 可约人数 {old} → {capacity}",
        data={"from": old, "to": capacity},
    )
    return slot


# --- bookings -----------------------------------------------------------------------------


def group_serves(group: ItemGroup, hi: HandlingItem) -> bool:
    version = hi.item_version
    return group.items.filter(pk=version.item_id).exists() or (
        version.original_department_id is not None
        and group.departments.filter(pk=version.original_department_id).exists()
    )


def book_blockers(
    slot: Slot, *, handling_item: HandlingItem, now: datetime.datetime | None = None
) -> dict[str, list[str]]:
    """Why this slot cannot be booked for this handling item now, by field. A full slot is
    not here: it is decided under the slot's lock (`book`)."""
    now = now or timezone.now()
    group, hall = slot.group, slot.group.hall
    out: dict[str, list[str]] = {}
    slot_problems = []
    if not (hall.is_active and group.is_active):
        slot_problems.append(_("该大厅或窗口暂停预约"))
    local = timezone.localtime(now)
    cal = current_calendar()
    if not cal.is_workday(slot.day):
        slot_problems.append(
            _("{date}为休息日，不办理预约").format(date=f"{slot.day:%Y年%-m月%-d日}")
        )
    elif slot_start(slot) <= now:
        slot_problems.append(_("该时段已开始或已过去，请选择以后的时段"))
    elif slot.day not in rules.bookable_days(cal, local.date(), hall.days_ahead):
        slot_problems.append(_("只能预约{n}个工作日内的时段").format(n=hall.days_ahead))
    if slot_problems:
        out["slot"] = slot_problems
    version = handling_item.item_version
    if not ItemVersion.objects.in_force(local.date()).filter(pk=version.pk).exists():
        out["handling_item"] = [_("该事项目前不在办理中，请按最新办事指南预约")]
    elif not group_serves(group, handling_item):
        out["handling_item"] = [
            _("“{group}”窗口不办理该事项，请选择办理该事项的窗口").format(group=group.name)
        ]
    return out


def _own(actor: "User", applicant: Applicant) -> bool:
    return getattr(actor, "is_authenticated", False) and acts_for(actor, applicant)


@transaction.atomic
def book(
    slot: Slot,
    *,
    actor: "User",
    applicant: Applicant,
    handling_item: HandlingItem,
    now: datetime.datetime | None = None,
) -> Booking:
    """The applicant's own account books a slot for a handling item and gets a booking code."""
    if not _own(actor, applicant):
        raise NotPermitted()
    now = now or timezone.now()
    slot = Slot.objects.select_for_update().get(pk=slot.pk)
    slot = Slot.objects.select_related("group__hall__region").get(pk=slot.pk)
    handling_item = HandlingItem.objects.select_related("item_version").get(pk=handling_item.pk)
    errors = book_blockers(slot, handling_item=handling_item, now=now)
    fail_fields(errors)
    if Booking.objects.filter(slot=slot, applicant=applicant, state__in=Booking.ACTIVE).exists():
        raise ValidationFailed(fields={"slot": [_("您已预约该时段，无需重复预约")]})
    if slot.booked >= slot.capacity:
        raise Conflict(
            _("该时段已约满，请选择其他时段"), fields={"slot": [_("该时段已约满，请选择其他时段")]}
        )
    hall = slot.group.hall
    for _attempt in range(5):
        code = rules.new_code()
        try:
            with transaction.atomic():
                booking = Booking.objects.create(
                    code=code,
                    slot=slot,
                    applicant=applicant,
                    handling_item=handling_item,
                    region_code=hall.region_code,
                    booked_by=stored_user(actor),
                )
            break
        except IntegrityError:
            if Booking.objects.filter(
                slot=slot, applicant=applicant, state__in=Booking.ACTIVE
            ).exists():
                raise ValidationFailed(
                    fields={"slot": [_("您已预约该时段，无需重复预约")]}
                ) from None
    else:
        raise RuntimeError("no free booking code after five attempts")
    slot.booked += 1
    slot.save(update_fields=["booked"])
    record(
        "appointments.book",
        actor=actor,
        subject=booking,
        region_code=hall.region_code,
        summary=f"{applicant.name} 预约 {slot}（{handling_item.name}）",
        data={"slot": slot.pk, "handling_item": handling_item.pk},
    )
    return booking


def _lock(booking: Booking) -> tuple[Booking, Slot]:
    """Lock the slot, then the booking: the order `book` uses."""
    slot_id = Booking.objects.values_list("slot_id", flat=True).get(pk=booking.pk)
    slot = Slot.objects.select_for_update().get(pk=slot_id)
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    slot = Slot.objects.select_related("group__hall__region").get(pk=slot.pk)
    booking.slot = slot
    return booking, slot


def cancel_blockers(booking: Booking, *, now: datetime.datetime | None = None) -> list[str]:
    now = now or timezone.now()
    if booking.state != Booking.BookingState.BOOKED:
        return [_("该预约当前状态为“{state}”，不能取消").format(state=booking.get_state_display())]
    hall = booking.slot.group.hall
    deadline = rules.cancel_deadline(slot_start(booking.slot), hall.cancel_cutoff_minutes)
    if now >= deadline:
        return [
            _("已超过取消截止时间（{at}），不能取消").format(
                at=f"{timezone.localtime(deadline):%Y年%-m月%-d日 %H:%M}"
            )
        ]
    return []


@transaction.atomic
def cancel(booking: Booking, *, actor: "User", now: datetime.datetime | None = None) -> Booking:
    """The applicant cancels their own booking up to the hall's cut-off before the slot; the
    place is free again."""
    booking, slot = _lock(booking)
    if not _own(actor, booking.applicant):
        raise NotPermitted()
    now = now or timezone.now()
    blockers = cancel_blockers(booking, now=now)
    fail_blockers(blockers)
    booking.state, booking.cancelled_at = Booking.BookingState.CANCELLED, now
    booking.save(update_fields=["state", "cancelled_at"])
    slot.booked -= 1
    slot.save(update_fields=["booked"])
    record(
        "appointments.cancel",
        actor=actor,
        subject=booking,
        region_code=booking.region_code,
        summary=f"取消预约 {booking.code}",
    )
    return booking


def mark_blockers(
    booking: Booking, state: str, *, now: datetime.datetime | None = None
) -> list[str]:
    now = now or timezone.now()
    if booking.state != Booking.BookingState.BOOKED:
        return [_("该预约当前状态为“{state}”，不能登记").format(state=booking.get_state_display())]
    if state == Booking.BookingState.ARRIVED and timezone.localtime(now).date() != booking.slot.day:
        return [_("只能在预约当天登记到场")]
    if state == Booking.BookingState.NO_SHOW and now < slot_start(booking.slot):
        return [_("预约时段开始后才能登记未到场")]
    return []


@transaction.atomic
def mark(
    booking: Booking, *, actor: "User", state: str, now: datetime.datetime | None = None
) -> Booking:
    """A window clerk of the hall's region records that the applicant came, or did not."""
    if state not in (Booking.BookingState.ARRIVED, Booking.BookingState.NO_SHOW):
        raise ValidationFailed(fields={"state": [_("登记状态应为已到场或未到场")]})
    booking, slot = _lock(booking)
    _require_clerk(actor, slot.group.hall)
    now = now or timezone.now()
    blockers = mark_blockers(booking, state, now=now)
    fail_blockers(blockers)
    booking.state, booking.marked_by, booking.marked_at = state, stored_user(actor), now
    booking.save(update_fields=["state", "marked_by", "marked_at"])
    record(
        f"appointments.mark_{state}",
        actor=actor,
        subject=booking,
        region_code=booking.region_code,
        summary=f"预约 {booking.code} {booking.get_state_display()}",
    )
    return booking


def departments_of(bureau: Bureau) -> QuerySet[Department]:
    return Department.objects.filter(region__code__startswith=bureau.region.prefix)
