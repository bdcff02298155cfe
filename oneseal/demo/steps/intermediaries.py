"""The demo's intermediary marketplace (中介超市, 平罗县 640221): two services (食品检验检测, a
第四十五条 testing procedure, and 环境影响评价), 12 intermediaries with qualifications (one
expired) and published fees and times, the 中介服务事项清单 line of one demo case's item, and
that case in an engagement chosen by lowest quote.

Idempotent: everything is added only when missing. Every write goes through
`oneseal.intermediaries.actions`. DEMO DATA: names and numbers are invented; the credit codes
pass the GB 32100 check."""

import datetime

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from oneseal.cases.models import State
from oneseal.intermediaries import actions
from oneseal.intermediaries.models import Engagement, Intermediary, ItemService, Service
from oneseal.regions.models import Region

from ..cases import demo_cases
from ..data import organisation as org
from ..data.applicants import credit_code

SERVICES = [
    ("food-testing", "食品检验检测", "检验检测机构资质认定", "testing"),
    ("eia", "环境影响评价", "环境影响评价资质", ""),
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
    ("宁夏环科院环境评价有限公司", "eia", "21000.00", 18, None),
    ("石嘴山市碧水环境工程咨询有限公司", "eia", "15800.00", 30, None),
    ("宁夏塞上环保技术服务有限公司", "eia", "17200.00", 22, None),
    ("宁夏宏达环境评价有限公司", "eia", "19500.00", 20, None),
]


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
    lines += _engagement(keeper, clerk, services["food-testing"], today)
    return lines
