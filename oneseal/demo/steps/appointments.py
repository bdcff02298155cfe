"""The demo's halls and bookings: 平罗县政务服务中心 with its windows grouped as the hall
groups them (市场准入, 投资建设, 社会事务, 交通文旅), the 城关镇 service centre's window, slots
for today and the next working days, and a few bookings of the two demo online accounts —
today's (one arrived) and upcoming ones, plus a cancelled one.

Idempotent: halls and groups are found by name, slot generation changes nothing when the
slots exist, and bookings are made only when the demo accounts have none. Every write goes
through `appointments.actions`."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from oneseal.applicants.queries import represented
from oneseal.appointments import actions
from oneseal.appointments.models import Booking, Hall, ItemGroup, Slot
from oneseal.calendars.queries import current_calendar
from oneseal.catalogue.models import Catalogue, HandlingItem, ItemVersion
from oneseal.organisation.models import Bureau, Department, ServiceCentre

from .. import cases as demo
from ..data import organisation as org

# (group, windows, capacity per half hour, department short names)
MAIN_HALL_GROUPS = [
    ("市场准入", "1—6号窗口", 3, ["市场监管局", "税务局", "烟草专卖局", "消防救援大队"]),
    (
        "投资建设",
        "7—10号窗口",
        2,
        ["县发改局", "自然资源局", "住建局", "生态环境平罗分局", "水务局", "气象局"],
    ),
    ("社会事务", "11—14号窗口", 2, ["民政局", "人社局", "教体局", "卫健局", "医保局", "公安局"]),
    ("交通文旅", "15—16号窗口", 1, ["交通局", "文广局"]),
]
CENTRE = "640221100"  # 城关镇
CENTRE_GROUP = ("便民服务", "综合窗口", 1, ["民政局", "人社局", "医保局"])


def _at(day: datetime.date, hhmm: str) -> datetime.datetime:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _hall(bureau: Bureau, clerk, *, name: str, region, centre=None, **fields) -> Hall:
    hall = Hall.objects.filter(bureau=bureau, name=name).first()
    return hall or actions.create_hall(
        bureau, actor=clerk, region=region, service_centre=centre, name=name, **fields
    )


def _groups(hall: Hall, clerk, rows) -> None:
    departments = {d.short_name: d for d in Department.objects.filter(region=hall.bureau.region)}
    for order, (name, windows, capacity, shorts) in enumerate(rows, 1):
        if not ItemGroup.objects.filter(hall=hall, name=name).exists():
            actions.save_group(
                hall,
                actor=clerk,
                name=name,
                windows=windows,
                capacity=capacity,
                order=order,
                departments=[departments[s] for s in shorts if s in departments],
            )


def _items(today) -> dict[str, HandlingItem]:
    in_force = ItemVersion.objects.in_force(today).filter(
        item__catalogue__region__code=org.COUNTY_CODE, item__catalogue__kind=Catalogue.Kind.LOCAL
    )
    names = (demo.FOOD, demo.FOOD_CHANGE, demo.TEACHER, demo.BOOKSHOP, demo.SOLE_TRADER)
    return {
        hi.name: hi for hi in HandlingItem.objects.filter(item_version__in=in_force, name__in=names)
    }


def _bookings(hall: Hall, today: datetime.date, clerk) -> int:
    users = get_user_model().objects.filter(username__in=["zhangshan", "shahurenjia"])
    # Whom each account books for: an organisation it is authorised for, else its own person.
    who = {u.username: represented(u).order_by("kind", "id").first() for u in users}
    if not all(who.values()) or Booking.objects.filter(applicant__in=who.values()).exists():
        return 0
    items = _items(today)
    cal = current_calendar()
    groups = {g.name: g for g in hall.groups.all()}
    made = 0

    def book(user, item, group, day, start, *, now):
        nonlocal made
        slot = Slot.objects.filter(group=groups[group], day=day, starts_at=start).first()
        if (
            slot is None
            or item not in items
            or not actions.group_serves(groups[group], items[item])
        ):
            return None
        made += 1
        return actions.book(
            slot,
            actor=users.get(username=user),
            applicant=who[user],
            handling_item=items[item],
            now=now,
        )

    if cal.is_workday(today):
        # Booked early this morning: one came and was served, the other is still expected.
        came = book("shahurenjia", demo.FOOD, "市场准入", today, "09:30", now=_at(today, "07:40"))
        if came is not None:
            actions.mark(
                came, actor=clerk, state=Booking.BookingState.ARRIVED, now=_at(today, "09:28")
            )
        book("zhangshan", demo.SOLE_TRADER, "市场准入", today, "16:00", now=_at(today, "07:45"))
    next_day = cal.add(today, 1).date
    now = timezone.now()
    book("zhangshan", demo.TEACHER, "社会事务", next_day, "10:00", now=now)
    book("shahurenjia", demo.FOOD_CHANGE, "市场准入", next_day, "14:00", now=now)
    dropped = book("zhangshan", demo.BOOKSHOP, "交通文旅", cal.add(today, 2).date, "15:00", now=now)
    if dropped is not None:
        actions.cancel(dropped, actor=users.get(username="zhangshan"), now=now)
    return made


def load(*, today: datetime.date) -> list[str]:
    bureau = Bureau.objects.filter(region__code=org.COUNTY_CODE).select_related("region").first()
    clerk = get_user_model().objects.filter(username="clerk").first()
    if bureau is None or clerk is None:
        return []
    main = _hall(
        bureau,
        clerk,
        name=org.HALL,
        region=bureau.region,
        address=f"{org.HALL_ADDRESS}{org.HALL}",
        phone=org.ENQUIRY_PHONE,
        days_ahead=5,
    )
    _groups(main, clerk, MAIN_HALL_GROUPS)
    halls = [main]
    centre = (
        ServiceCentre.objects.filter(region__code=CENTRE, bureau=bureau)
        .select_related("region")
        .first()
    )
    if centre is not None:
        hall = _hall(
            bureau,
            clerk,
            name=centre.name,
            region=centre.region,
            centre=centre,
            address=centre.address,
            phone=centre.phone,
            lunch_until=datetime.time(14, 30),
            days_ahead=3,
        )
        _groups(hall, clerk, [CENTRE_GROUP])
        halls.append(hall)
    created = sum(actions.generate_slots(h, actor=clerk, today=today)[0] for h in halls)
    made = _bookings(main, today, clerk)
    if not created and not made:
        return []
    return [
        _(
            "预约：{halls}，新生成预约时段 {slots} 个，演示预约 {bookings} 个（张珊、沙湖人家）。"
        ).format(halls="、".join(h.name for h in halls), slots=created, bookings=made)
    ]
