"""The demo's reform in action: four departments hand over the cases they had received before
their items moved (在办件移交, seed 000) — 30 cases in all, from registers imported as the
departments would send them, some already past their promised limit and a few finished since
by the bureau — and the bureau delegates items to two township service centres (委托, seed
001): 城关镇 accepts and decides 个体工商户设立登记, 黄渠桥镇 accepts 乡村建设规划许可 and
forwards it; each centre has a clerk who has taken a few cases.

The step is named after the hand-over app and carries the delegation's part too: both are the
issue's "running the reform". Idempotent: a department already handed over, a delegation
already issued, a centre clerk already placed, a centre's cases already taken are left alone.
Every write goes through `handovers.actions`, `delegations.actions`, `organisation.actions`
and `cases.actions`."""

import datetime
import io

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from oneseal.applicants.actions import register_applicant
from oneseal.applicants.rules import credit_check_char, id_check_char
from oneseal.calendars.queries import current_calendar
from oneseal.cases import actions as case_actions
from oneseal.cases.actions.review import steps_before_decision, steps_of
from oneseal.cases.models import Case, CaseMaterial
from oneseal.catalogue.models import ApplicantType, HandlingItem, ItemVersion, TransferStatus
from oneseal.catalogue.rules import material_applies
from oneseal.delegations import actions as delegation_actions
from oneseal.delegations.models import Delegation, Mode
from oneseal.errors import DomainError
from oneseal.handovers import actions
from oneseal.handovers.importing import HEADERS
from oneseal.handovers.models import Handover
from oneseal.organisation import actions as organisation_actions
from oneseal.organisation.models import Bureau, Department, Role, ServiceCentre, Staff

from ..data import organisation as org
from .documents import _seals

# (department, working days before today it handed over, rows, of which still only received)
HANDOVERS = [
    ("平罗县市场监督管理局", 25, 8, 0),
    ("平罗县住房和城乡建设局", 12, 8, 0),
    ("平罗县民政局", 3, 7, 3),
    ("平罗县交通运输局", 1, 7, 2),
]
OFFICIALS = {
    "平罗县市场监督管理局": "陈立新（行政审批股股长）",
    "平罗县住房和城乡建设局": "何建平（行政审批股股长）",
    "平罗县民政局": "苏红梅（社会事务股股长）",
    "平罗县交通运输局": "周海涛（运输管理股股长）",
}
# DEMO people and businesses (numbers made up, valid by GB 11643 / GB 32100).
PEOPLE = ["马玉兰", "杨建国", "丁晓军", "田秀英", "李春生", "拓文静", "海志强", "金丽娟"]
BUSINESSES = [
    "平罗县沙湖鑫达商贸有限公司",
    "平罗县黄河湾农业开发有限公司",
    "平罗县宏远建筑工程有限公司",
    "平罗县惠民养老服务有限公司",
    "平罗县通达物流有限公司",
    "平罗县锦程客运有限公司",
    "平罗县金穗粮油加工有限公司",
    "平罗县安居房地产开发有限公司",
]
FINISHED = 3  # the earliest hand-over's cases the bureau has decided since

# (township code, mode, handling item names, centre clerk's username, display name)
DELEGATIONS = [
    ("640221100", Mode.DECIDE, ["个体工商户设立登记"], "centre_cg", "马玉梅"),
    ("640221101", Mode.FORWARD, ["乡村建设规划许可证核发"], "centre_hqq", "李文斌"),
]
DELEGATION_BASIS = (
    "《中华人民共和国行政许可法》第二十四条；《平罗县推进相对集中行政许可权改革开展审批服务事项划转工作实施方案》"
    "四（二）1（已下放乡镇的事项由县审批服务管理局按程序重新委托）"
)
CENTRE_APPLICANTS = {
    "640221100": [("海玉霞", "19860314", "221"), ("纳学军", "19790921", "135")],
    "640221101": [("杨占福", "19720405", "317"), ("马秀琴", "19830617", "228")],
}


def _person(name_index: int) -> tuple[str, str]:
    first17 = f"640221{1965 + name_index:04d}{(name_index % 12) + 1:02d}{(name_index % 27) + 1:02d}{300 + name_index:03d}"
    return PEOPLE[name_index % len(PEOPLE)], first17 + id_check_char(first17)


def _business(n: int) -> tuple[str, str]:
    first17 = f"91640221MA7{700000 + n:06d}"
    return BUSINESSES[n % len(BUSINESSES)], first17 + credit_check_char(first17)


def _items(department: Department, on: datetime.date) -> list[HandlingItem]:
    versions = ItemVersion.objects.in_force(on).filter(
        original_department=department, transfer_status=TransferStatus.TRANSFERRED
    )
    return list(
        HandlingItem.objects.filter(item_version__in=versions)
        .select_related("item_version")
        .prefetch_related("materials")
        .order_by("code")
    )


def _register(
    department: Department, handed: datetime.date, rows: int, received_only: int
) -> bytes:
    cal = current_calendar()
    items = _items(department, handed)
    # Items whose guide lists required papers first: a register line without one shows as missing.
    items = [hi for hi in items if any(m.is_required for m in hi.materials.all())] or items
    book = Workbook()
    sheet = book.active
    sheet.append([f"{department.name}在办件移交台账"])
    sheet.append(list(HEADERS))
    for n in range(rows):
        hi = items[(n * 3) % len(items)]
        person = hi.applicant_type == ApplicantType.PERSON
        seed = department.order * 10 + n
        name, number = _person(seed) if person else _business(seed)
        if n < received_only:
            received, accepted, state = cal.before(handed, 1 + n % 2).date, None, "已收件"
        else:
            received = cal.before(handed, 3 + n % 4).date
            accepted, state = cal.add(received, 1).date, "已受理"
        kind = "person" if person else "organisation"
        papers = [
            m
            for m in hi.materials.all()
            if m.name and material_applies(m, applicant_kind=kind, by_agent=False)
        ]
        names = list(dict.fromkeys(m.name for m in papers))
        required = [m.name for m in papers if m.is_required]
        # Every fourth register line came without one of its required papers: flagged missing.
        handed_papers = (
            [name for name in names if name != required[-1]] if n % 4 == 3 and required else names
        )
        sheet.append(
            [
                f"{department.code or department.pk}-{handed.year}-{n + 1:04d}",
                name,
                number,
                hi.code,
                hi.name,
                received.isoformat(),
                accepted.isoformat() if accepted else "",
                state,
                "；".join(f"{m}×{1 + (n + i) % 2}" for i, m in enumerate(handed_papers)),
                f"0952-60{department.order:02d}{n:03d}",
                "" if n % 3 else _("原部门已完成初审，未出具决定，随件移交"),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _worker_for(step, users: dict):
    """Who of the demo staff works a review step: its assignee, else someone of its role (and
    section, when it names one)."""
    if step.assignee_id is not None:
        return step.assignee
    if step.role == Role.SIGNATORY:
        return users["signatory"]
    if step.role == Role.CLERK:
        return users["clerk"]
    staff = Staff.objects.filter(roles__role=step.role, bureau__isnull=False)
    if step.section_id is not None:
        staff = staff.filter(section_id=step.section_id)
    found = staff.select_related("user").first()
    return found.user if found else None


def _finish(handover: Handover, users: dict, today: datetime.date) -> int:
    """The bureau reviews and decides a few of the earliest hand-over's cases, under its seal."""
    cal = current_calendar()
    done = 0
    for linked in handover.cases.select_related("case__handling_item").order_by("row"):
        if done >= FINISHED:
            break
        case = linked.case
        if case.decided_on or case.state != "accepted":
            continue
        on = min(cal.add(handover.handed_over_on, 2).date, today)
        try:
            for step in steps_before_decision(steps_of(case)):
                if step.state != "pending":
                    continue
                worker = _worker_for(step, users)
                if worker is None:
                    raise LookupError(step.name)
                case = case_actions.complete_review_step(
                    case,
                    actor=worker,
                    opinion=_("移交材料齐全，经审查符合条件"),
                    outcome="approve",
                    on=on,
                )
            case_actions.grant(
                case,
                actor=users["signatory"],
                on=on,
                scope=case.handling_item.name,
                valid_from=on,
                valid_until=on.replace(year=on.year + 5),
            )
        except (DomainError, LookupError):
            continue
        done += 1
    return done


def _handovers(bureau: Bureau, users: dict, today: datetime.date) -> list[str]:
    cal = current_calendar()
    lines = []
    for name, back, rows, received_only in HANDOVERS:
        department = Department.objects.get(region=bureau.region, name=name)
        if Handover.objects.filter(department=department).exists():
            continue
        handed = cal.before(today, back).date
        handover = actions.import_handover(
            _register(department, handed, rows, received_only),
            actor=users["clerk"],
            bureau=bureau,
            department=department,
            handed_over_by=OFFICIALS[name],
            name=f"{department.name}在办件台账.xlsx",
            note=_("按《实施方案》四（二）3，未办结事项连同受理资料一并移交"),
            on=handed,
        )
        finished = _finish(handover, users, today) if back > 20 else 0
        if department.name == "平罗县市场监督管理局":
            actions.confirm_handover(handover, actor=users["supervisor"])
        lines.append(
            _("在办件移交：{d} {n} 件（{day}），其中已办结 {f} 件").format(
                d=department.name, n=rows, day=handed.isoformat(), f=finished
            )
        )
    return lines


def _centre_clerk(centre: ServiceCentre, username: str, display_name: str, admin) -> object:
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = organisation_actions.create_account(
            actor=admin,
            region=centre.region,
            username=username,
            display_name=display_name,
            encoded_password=make_password(org.DEMO_PASSWORD),
        )
    staff = Staff.objects.filter(user=user).first()
    if staff is None:
        staff = organisation_actions.save_staff(
            Staff(
                user=user,
                region=centre.region,
                service_centre=centre,
                display_name=display_name,
            ),
            actor=admin,
        )
        organisation_actions.set_roles(staff, {Role.CLERK}, actor=admin)
    return user


def _delegations(bureau: Bureau, users: dict, today: datetime.date) -> list[str]:
    cal = current_calendar()
    lines = []
    # The county's system administrator places the centres' clerks, as for any staff member.
    admin = get_user_model().objects.get(username="orgadmin")
    for code, mode, names, username, display_name in DELEGATIONS:
        centre = ServiceCentre.objects.get(region__code=code, bureau=bureau)
        versions = ItemVersion.objects.in_force(today).filter(
            item__catalogue__region=bureau.region, handling_items__name__in=names
        )
        items = [v.item for v in versions.distinct()]
        if not Delegation.objects.filter(service_centre=centre).exists():
            start = datetime.date(today.year, 1, 1)
            delegation = delegation_actions.delegate(
                bureau,
                actor=users["signatory"],
                service_centre=centre,
                items=items,
                mode=mode,
                legal_basis=DELEGATION_BASIS,
                valid_from=start,
                valid_until=datetime.date(today.year + 1, 12, 31),
            )
            lines.append(
                _("委托：{centre} {mode}（{number}）").format(
                    centre=centre.name, mode=delegation.get_mode_display(), number=delegation.number
                )
            )
        clerk = _centre_clerk(centre, username, display_name, admin)
        if Case.objects.filter(service_centre=centre).exists():
            continue
        hi = HandlingItem.objects.filter(item_version__in=versions, name__in=names).first()
        if hi is None:
            continue
        for n, (person, born, seq) in enumerate(CENTRE_APPLICANTS[code]):
            first17 = f"640221{born}{seq}"
            applicant = register_applicant(
                actor=clerk,
                kind="person",
                name=person,
                number=first17 + id_check_char(first17),
                phone=f"1390952{6100 + n:04d}",
            )
            on = cal.before(today, 4 - n).date
            case = case_actions.receive(
                hi,
                actor=clerk,
                applicant=applicant,
                at=timezone.make_aware(datetime.datetime.combine(on, datetime.time(9, 30))),
            )
            statuses = {
                line.pk: CaseMaterial.Status.PROVIDED
                for line in case.materials.exclude(status=CaseMaterial.Status.NOT_NEEDED)
            }
            case_actions.check_materials(case, actor=clerk, statuses=statuses)
            case = case_actions.accept(case, actor=clerk, on=on)
            if mode == Mode.DECIDE and n == 0:
                case_actions.grant(
                    case,
                    actor=clerk,
                    on=on,
                    scope=_("个体工商户（{name}）").format(name=person),
                    valid_from=on,
                    valid_until=None,
                )
        lines.append(
            _("{centre}：{user}（密码同演示账号）已受理 {n} 件").format(
                centre=centre.name, user=username, n=len(CENTRE_APPLICANTS[code])
            )
        )
    return lines


def load(*, today: datetime.date) -> list[str]:
    bureau = Bureau.objects.get(region__code=org.COUNTY_CODE)
    User = get_user_model()
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["clerk", "signatory", "supervisor"])
    }
    # The bureau's seal first: a 委托书 carries it, and the bureau's decisions on handed-over
    # cases issue their notices with the act.
    lines = _seals(bureau)
    return lines + _handovers(bureau, users, today) + _delegations(bureau, users, today)
