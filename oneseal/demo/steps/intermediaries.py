"""The demo's intermediary marketplace (中介超市, 平罗县 640221): four services (食品检验检测, a
第四十五条 testing procedure; 环境影响评价; 房产测绘; 健康体检), 12 intermediaries with
qualifications (one expired) and published fees and times, the 中介服务事项清单 lines of the
demo cases' items, one case in an engagement chosen by lowest quote (in progress), and the
applicants' own engagements on their cases, delivered and rated: the cheapest surveyor is
rated poorly three times and so suspended by the rating rule (`actions.rate`), the health
check drawn at random is rated well.

Idempotent: everything is added only when missing. Every write goes through
`oneseal.intermediaries.actions`. DEMO DATA: names and numbers are invented; the credit codes
pass the GB 32100 check."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from oneseal.applicants.queries import represented
from oneseal.calendars.queries import current_calendar
from oneseal.cases.models import OPEN_STATES, Case, State
from oneseal.intermediaries import actions
from oneseal.intermediaries.models import Engagement, Intermediary, ItemService, Rating, Service
from oneseal.regions.models import Region

from ..cases import demo_cases
from ..data import organisation as org
from ..data.applicants import credit_code

SERVICES = [
    ("food-testing", "食品检验检测", "检验检测机构资质认定", "testing"),
    ("eia", "环境影响评价", "环境影响评价资质", ""),
    ("mapping", "房产测绘（平面图）", "测绘资质", ""),
    ("health-check", "从业及资格认定健康体检", "医疗机构执业许可（健康体检）", ""),
]

# name, service code, fee, promised working days, qualification valid until (None: current)
INTERMEDIARIES = [
    ("宁夏中检食品检测有限公司", "food-testing", "1200.00", 7, None),
    ("石嘴山市谱尼检测技术有限公司", "food-testing", "980.00", 8, None),
    ("宁夏华测检验认证有限公司", "food-testing", "1500.00", 5, None),
    ("平罗县恒信检测服务有限公司", "food-testing", "860.00", 10, None),
    ("宁夏清源检测科技有限公司", "food-testing", "1100.00", 6, "2024-12-31"),
    ("宁夏求实检测技术有限公司", "food-testing", "1050.00", 7, None),
    ("宁夏蓝天环境咨询有限公司", "eia", "18000.00", 20, None),
    ("银川绿源环保科技有限公司", "eia", "16500.00", 25, None),
    ("平罗县速达测绘服务有限公司", "mapping", "600.00", 3, None),
    ("宁夏天元测绘地理信息有限公司", "mapping", "900.00", 2, None),
    ("平罗县康宁健康体检中心有限公司", "health-check", "260.00", 2, None),
    ("石嘴山市惠民体检门诊部有限公司", "health-check", "240.00", 3, None),
]

# The intermediaries that deliver in the demo open their own accounts (username: the row's
# index in INTERMEDIARIES).
ACCOUNTS = {3: "zhongjie03", 8: "zhongjie08", 9: "zhongjie09", 10: "zhongjie10", 11: "zhongjie11"}

# (applicant account, handling item, service, material the deliverable fills)
LISTINGS = [
    (
        "shahurenjia",
        "食品(含保健食品)经营许可核发",
        "mapping",
        "与食品经营相适应的主要设备设施、经营布局、操作流程等文件",
    ),
    ("zhangshan", "出版物零售单位和个体工商户设立审批", "mapping", "经营场所平面示意图及照片"),
    ("zhangshan", "教师资格认定", "health-check", "指定医院出具的体检合格证明"),
]
POOR = {"quality": 2, "timeliness": 2, "attitude": 2, "fee": 2}


def _services(keeper, county) -> dict[str, Service]:
    for code, name, kind, procedure in SERVICES:
        if not Service.objects.filter(code=code).exists():
            actions.create_service(
                actor=keeper,
                region=county,
                code=code,
                name=name,
                qualification_kind=kind,
                procedure_kind=procedure,
            )
    return {s.code: s for s in Service.objects.filter(code__in=[c for c, *_r in SERVICES])}


def _intermediaries(keeper, county, services) -> int:
    done = 0
    for i, (name, code, fee, days, valid_to) in enumerate(INTERMEDIARIES):
        number = credit_code("91", f"MA76J{i:03d}", "640200")
        if Intermediary.objects.filter(credit_code=number).exists():
            continue
        row = actions.register_intermediary(
            actor=keeper, name=name, credit_code=number, region=county, phone=f"0952-60{i:05d}"
        )
        service = services[code]
        actions.add_qualification(
            row,
            actor=keeper,
            kind=service.qualification_kind,
            level="甲级" if i % 3 else "乙级",
            valid_from=datetime.date(2021, 1, 1),
            valid_to=datetime.date.fromisoformat(valid_to or "2029-12-31"),
        )
        actions.publish_offer(row, actor=keeper, service=service, fee=fee, promised_days=days)
        done += 1
    return done


def _engagement(keeper, clerk, service, today) -> list[str]:
    if Engagement.objects.filter(case__in=demo_cases()).exists():
        return []
    case = (
        demo_cases()
        .filter(state=State.ACCEPTED, handling_item__item_version__name__contains="食品")
        .order_by("id")
        .first()
    )
    if case is None:
        return []
    # The deliverable fills the last line of the case's own checklist.
    material = case.materials.order_by("-material__order").first().material
    if not ItemService.objects.filter(handling_item=case.handling_item, service=service).exists():
        actions.list_service(case.handling_item, actor=keeper, service=service, material=material)
    engagement = actions.engage(case, actor=clerk, service=service, method="lowest", on=today)
    return [
        _("中介超市：{case}委托{name}进行{service}（最低报价，{fee}元，{due}前交付）").format(
            case=case.number,
            name=engagement.intermediary.name,
            service=service.name,
            fee=engagement.fee,
            due=engagement.due_on.isoformat(),
        )
    ]


def _accounts(keeper) -> None:
    encoded = ""
    for i, username in ACCOUNTS.items():
        number = credit_code("91", f"MA76J{i:03d}", "640200")
        row = Intermediary.objects.get(credit_code=number)
        if row.user_id is None:
            # Hashing is slow by design: the demo hashes its one shared password once.
            encoded = encoded or make_password(org.DEMO_PASSWORD)
            actions.open_account(row, actor=keeper, username=username, encoded_password=encoded)


def _pdf(name: str) -> ContentFile:
    # Each deliverable its own file (its name in it): a service redone hands in a new result,
    # never the first one again (`actions.deliver` refuses that).
    body = f"%PDF-1.4\n% DEMO DATA {name}\n1 0 obj\n<<>>\nendobj\n".encode()
    return ContentFile(body, name=name)


def _applicants_stories(keeper, services, today) -> list[str]:
    """The applicants choose on their own cases; the intermediaries deliver; the applicants
    rate. Every date lies between the case's receipt and `today`."""
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["zhangshan", "shahurenjia"])
    }
    cases: list[tuple] = []
    for username, item, code, material in LISTINGS:
        user = users.get(username)
        case = (
            demo_cases()
            .filter(applicant__in=represented(user), handling_item__name=item)
            .filter(state__in=OPEN_STATES)
            .exclude(state=State.GRANTED)
            .order_by("id")
            .first()
            if user is not None
            else None
        )
        if case is None:
            return []
        service = services[code]
        if not ItemService.objects.filter(
            handling_item=case.handling_item, service=service
        ).exists():
            actions.list_service(
                case.handling_item,
                actor=keeper,
                service=service,
                material=case.handling_item.materials.get(name=material),
            )
        cases.append((user, case, service))
    if Engagement.objects.filter(case__in=[c for _u, c, _s in cases]).exists():
        return []
    calendar = current_calendar()
    last = {"rated": datetime.date.min}

    def next_day(day: datetime.date) -> datetime.date:
        return min(calendar.add(day, 1).date, today)

    def story(
        user, case: Case, service, method, on, scores, **choice
    ) -> tuple[Engagement, datetime.date]:
        engagement = actions.engage(
            case, actor=user, service=service, method=method, on=on, **choice
        )
        delivered = next_day(on)
        actions.deliver(
            engagement,
            actor=engagement.intermediary.user,
            upload=_pdf(f"{service.code}-{case.number}-{engagement.pk}.pdf"),
            on=delivered,
        )
        # Ratings come in date order, so the rule sees each one with those before it.
        last["rated"] = max(last["rated"], delivered)
        actions.rate(engagement, actor=user, on=last["rated"], **scores)
        return engagement, delivered

    (
        (food_user, food_case, mapping),
        (shop_user, shop_case, _m),
        (teacher_user, teacher_case, health),
    ) = cases
    cheapest = min(
        actions.qualified_offers(mapping, food_case.received_on), key=lambda o: (o.fee, o.pk)
    ).intermediary
    _first, delivered = story(
        food_user,
        food_case,
        mapping,
        "lowest",
        food_case.received_on,
        {**POOR, "comment": "平面图尺寸与现场不符"},
    )
    story(
        shop_user,
        shop_case,
        mapping,
        "direct",
        shop_case.received_on,
        {**POOR, "timeliness": 1, "comment": "多次催促才交付"},
        intermediary=cheapest,
    )
    # The layout plan was redone: the lowest quote takes the same surveyor again.
    story(
        food_user,
        food_case,
        mapping,
        "lowest",
        delivered,
        {**POOR, "quality": 1, "comment": "复测仍有错误"},
    )
    drawn, _d = story(
        teacher_user,
        teacher_case,
        health,
        "random",
        teacher_case.received_on,
        {"quality": 5, "timeliness": 5, "attitude": 4, "fee": 5},
        seed=f"demo-{teacher_case.number}",
    )
    cheapest.refresh_from_db()
    return [
        _("中介超市：申请人在本人办件上选取并评价中介服务 {n} 次（含随机抽取的{drawn}）").format(
            n=Rating.objects.filter(
                engagement__case__in=[food_case, shop_case, teacher_case]
            ).count(),
            drawn=drawn.intermediary.name,
        ),
        _("中介超市：{name}因{reason}被自动暂停服务").format(
            name=cheapest.name, reason=cheapest.status_reason
        ),
    ]


def load(*, today) -> list[str]:
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=["catadmin", "clerk"])
    }
    keeper, clerk = users.get("catadmin"), users.get("clerk")
    if keeper is None or clerk is None or not demo_cases().exists():
        return []
    county = Region.objects.get(code=org.COUNTY_CODE)
    services = _services(keeper, county)
    lines = []
    if n := _intermediaries(keeper, county, services):
        lines.append(_("中介超市：入驻中介机构 {n} 家（含资质已过期的1家）").format(n=n))
    _accounts(keeper)
    lines += _engagement(keeper, clerk, services["food-testing"], today)
    lines += _applicants_stories(keeper, services, today)
    return lines
