"""Build the demo region — Pingluo County (平罗县, 640221) — from the tables in `data/`.

Everything in the catalogue is written through `oneseal.catalogue.actions` (create_item,
save_draft_part, publish, start_adjustment, declare_no_such_power) by a demo catalogue
administrator, so the demo is also a worked example of the catalogue's life: every item is
published on the plan's transfer date and carries its audit trail. Regions go through
`regions.actions.load_regions`. The installation's superuser is made by
`organisation.actions.create_superuser(system=True)`, as on an empty install nobody can grant it;
that superuser then sets up the rest as an administrator would: the bureau, sections,
departments, centres, the staff's accounts (`create_account`), the staff and their roles through
`oneseal.organisation.actions`, the catalogues and topics through `create_catalogue` and
`create_topic`. Nothing in the demo is written beside the actions, so its audit chain verifies.

The demo's cases (`cases.py`) are then played through `oneseal.cases.actions` by the demo
staff and the applicants' online accounts, dated back from the day of loading.

The whole build is one transaction: it is there completely or not at all. `load()` does
nothing when the demo catalogue and its cases already exist, so running it again changes nothing.
"""

import datetime
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils.translation import gettext as _

from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import (
    Catalogue,
    ChangeKind,
    HandlingItem,
    Item,
    ItemVersion,
    Material,
    ReviewStep,
    SpecialProcedure,
    Topic,
    Variant,
)
from oneseal.errors import Conflict
from oneseal.organisation import actions as organisation_actions
from oneseal.organisation.models import (
    Bureau,
    Department,
    Role,
    Section,
    ServiceCentre,
    Staff,
    StaffRole,
)
from oneseal.regions.actions import GB2260_SOURCE, gb2260_table, load_regions
from oneseal.regions.models import Region

from . import cases as demo_cases
from .data import catalogue as table
from .data import guidance
from .data import organisation as org
from .data.applicants import APPLICANT_ACCOUNTS, AUTHORISATIONS, ORGANISATIONS, PEOPLE
from .data.guides import GUIDES, Guide, MaterialRow, StepRow
from .data.regions import TOWNSHIPS

TRANSFER_DATE = datetime.date(2021, 3, 31)  # seed 000: transfer completed by the end of March 2021
LIMIT_CUT_DATE = datetime.date(2024, 1, 1)
# Published ahead of its date, so the demo shows a scheduled adjustment and today's list
# still has exactly the plan's counts (seed 000: 100 items, 258 handling items).
CANCEL_DATE = datetime.date(2027, 1, 1)

# The adjustment history (one limit cut, one cancellation), by item name.
LIMIT_CUT_ITEM = "食品（含保健食品）经营许可"
LIMIT_CUT_TO = 3
LIMIT_CUT_REASON = "落实自治区进一步压减政务服务事项办理时限的要求，食品经营许可各办理项承诺办结时限由7个工作日压减至3个工作日"
LIMIT_CUT_BASIS = "《优化营商环境条例》（国务院令第722号）第三十六条第二款"
CANCELLED_ITEM = "市场主体迁移调档"
CANCEL_REASON = (
    "《中华人民共和国市场主体登记管理条例》施行后，市场主体跨登记机关辖区迁移由迁入地登记机关直接办理变更登记，"
    "档案在登记机关之间移交，不再作为单独申请事项"
)
CANCEL_BASIS = "《中华人民共和国市场主体登记管理条例》（国务院令第746号）"


def demo_exists() -> bool:
    """The demo is there when Pingluo's list holds the demo's first item (its basic code)."""
    return Item.objects.filter(
        catalogue__region__code=org.COUNTY_CODE,
        catalogue__kind=Catalogue.Kind.LOCAL,
        catalogue__name=table.CATALOGUE_NAME,
        basic_code=basic_code(org.DEPARTMENTS[0].code, 1),
    ).exists()


def load() -> bool:
    """Build the demo region and its cases; False (and nothing written) when both are already
    there. A demo loaded before the cases existed gets its cases on the next run."""
    catalogue_there = demo_exists()
    if catalogue_there and demo_cases.exist():
        clerk = get_user_model().objects.filter(username="clerk").first()
        if clerk is None:
            return False
        with transaction.atomic():
            return demo_cases.authorise_accounts(clerk)
    with transaction.atomic():
        if catalogue_there:
            county = Region.objects.get(code=org.COUNTY_CODE)
            # Accounts added to the table since (the cases need them) are created now.
            users = _accounts(*_organisation(county))
        else:
            users = _catalogue()
        demo_cases.build(users)
    return True


def _catalogue() -> dict:
    other = Catalogue.objects.filter(
        region__code=org.COUNTY_CODE, kind=Catalogue.Kind.LOCAL
    ).first()
    if other is not None:
        raise Conflict(
            _("平罗县（640221）已有本级事项目录“{name}”，不是演示数据，演示数据未加载").format(
                name=other.name
            )
        )
    county = _regions()
    bureau, sections, departments = _organisation(county)
    users = _accounts(bureau, sections, departments)
    topics = {
        name: Topic.objects.filter(name=name).first()
        or catalogue_actions.create_topic(actor=users["admin"], name=name, order=n)
        for n, name in enumerate(org.TOPICS, start=1)
    }
    catalogue = catalogue_actions.create_catalogue(
        actor=users["admin"],
        region=county,
        kind=Catalogue.Kind.LOCAL,
        name=table.CATALOGUE_NAME,
        bureau=bureau,
    )
    _local_items(
        catalogue,
        actor=users["catadmin"],
        sections=sections,
        departments=departments,
        topics=topics,
    )
    _adjustments(catalogue, actor=users["catadmin"])
    _guidance(catalogue, actor=users["admin"], local_actor=users["catadmin"])
    return users


# ---- regions and organisation ----------------------------------------------------------


def _regions() -> Region:
    load_regions(gb2260_table(), source=GB2260_SOURCE, only_prefix="64", system=True)
    load_regions(TOWNSHIPS, source="demo townships", system=True)
    return Region.objects.get(code=org.COUNTY_CODE)


def _demo_superuser(encoded_password: str | None = None):
    """The installation's superuser, who sets up the organisation through its actions."""
    row = next(r for r in org.ACCOUNTS if r.role == org.SUPERUSER)
    user = get_user_model().objects.filter(username=row.username).first()
    if user is None:
        user = organisation_actions.create_superuser(
            username=row.username,
            display_name=row.display_name,
            system=True,
            encoded_password=encoded_password or make_password(org.DEMO_PASSWORD),
        )
    return user


def _ensure(model, lookup: dict, save, *, actor, **defaults):
    """The row `lookup` finds, or a new one saved by the organisation action `save`."""
    found = model.objects.filter(**lookup).first()
    return found if found is not None else save(model(**lookup, **defaults), actor=actor)


def _organisation(county: Region):
    actor = _demo_superuser()
    bureau = _ensure(
        Bureau,
        {"region": county},
        organisation_actions.save_bureau,
        actor=actor,
        **org.BUREAU,
        established_on=TRANSFER_DATE,
    )
    sections = {
        name: _ensure(
            Section,
            {"bureau": bureau, "name": name},
            organisation_actions.save_section,
            actor=actor,
        )
        for name in org.SECTIONS
    }
    for code, name in org.SERVICE_CENTRES.items():
        _ensure(
            ServiceCentre,
            {"region": Region.objects.get(code=code), "bureau": bureau, "name": name},
            organisation_actions.save_service_centre,
            actor=actor,
            address=f"平罗县{TOWNSHIPS[code]}人民政府院内",
            phone=org.ENQUIRY_PHONE,
        )
    departments = {}
    for n, row in enumerate(org.DEPARTMENTS, start=1):
        departments[row.name] = _ensure(
            Department,
            {"region": county, "name": row.name},
            organisation_actions.save_department,
            actor=actor,
            short_name=row.short_name,
            code=row.code,
            phone=row.phone,
            order=n,
        )
    return bureau, sections, departments


def _accounts(bureau, sections, departments) -> dict:
    """Demo accounts. An account that already exists keeps its password; the table printed by
    the command says whether the demo password still works. Staff and their roles are set by
    the superuser through the organisation's actions, as an administrator would."""
    User = get_user_model()
    users = {}
    # One hash for the one shared demo password: hashing is deliberately slow.
    encoded = make_password(org.DEMO_PASSWORD)
    admin = _demo_superuser(encoded)
    for row in org.ACCOUNTS:
        user = User.objects.filter(username=row.username).first()
        if row.role == org.SUPERUSER:
            users[row.username] = user
            continue
        region = Region.objects.get(code=row.region_code)
        if user is None:
            # Catalogue administrators edit handling items and materials in the Django admin:
            # their role lets them in (set_roles below).
            user = organisation_actions.create_account(
                actor=admin,
                region=region,
                username=row.username,
                display_name=row.display_name,
                encoded_password=encoded,
            )
        users[row.username] = user
        staff = _ensure(
            Staff,
            {"user": user},
            organisation_actions.save_staff,
            actor=admin,
            region=region,
            bureau=bureau if row.in_bureau else None,
            section=sections[row.section] if row.section else None,
            department=departments[row.department] if row.department else None,
            display_name=row.display_name,
        )
        held = set(StaffRole.objects.filter(staff=staff).values_list("role", flat=True))
        if row.role not in held:
            organisation_actions.set_roles(staff, held | {row.role}, actor=admin)
    return users


@dataclass(frozen=True)
class AccountLine:
    username: str
    role: str
    display_name: str
    title: str
    scope: str
    password: str


def account_lines() -> list[AccountLine]:
    """The demo accounts as the command prints them: staff first, then the applicants' online
    accounts (scope: the applicant whose cases they see)."""
    User = get_user_model()
    regions = dict(
        Region.objects.filter(code__in={a.region_code for a in org.ACCOUNTS}).values_list(
            "code", "name"
        )
    )
    usernames = [a.username for a in org.ACCOUNTS] + [a.username for a in APPLICANT_ACCOUNTS]
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    demo_hash = {}  # each distinct stored hash is checked once: the accounts share one

    def password_of(username: str) -> str:
        user = users.get(username)
        if user is None:
            return _("（账号不存在）")
        if user.password not in demo_hash:
            demo_hash[user.password] = check_password(org.DEMO_PASSWORD, user.password)
        return org.DEMO_PASSWORD if demo_hash[user.password] else _("（已修改，非演示密码）")

    lines = []
    for row in org.ACCOUNTS:
        role = _("超级管理员") if row.role == org.SUPERUSER else str(Role(row.role).label)
        if row.role == org.SUPERUSER:
            scope = _("全部区划")
        else:
            scope = row.department or regions.get(row.region_code, row.region_code)
        lines.append(
            AccountLine(
                row.username, role, row.display_name, row.title, scope, password_of(row.username)
            )
        )
    applicant_names = {r.key: r.name for r in [*PEOPLE, *ORGANISATIONS]}
    for row in APPLICANT_ACCOUNTS:
        scope = "、".join(
            [applicant_names[row.applicant]]
            + [applicant_names[a.organisation] for a in AUTHORISATIONS if a.person == row.applicant]
        )
        lines.append(
            AccountLine(
                row.username,
                _("申请人（网上办事）"),
                row.display_name,
                _("网上办事账号"),
                scope,
                password_of(row.username),
            )
        )
    return lines


# ---- the local catalogue -----------------------------------------------------------------


def _local_items(catalogue, *, actor, sections, departments, topics) -> None:
    for dept_row in org.DEPARTMENTS:
        rows = [(table.TRANSFERRED, r) for r in table.TRANSFERRED_ITEMS.get(dept_row.name, [])]
        rows += table.OTHER_ITEMS.get(dept_row.name, [])
        for seq, (status, row) in enumerate(rows, start=1):
            section = sections.get(dept_row.section) if status == table.TRANSFERRED else None
            topic = topics[row.topic or dept_row.topic]
            _publish_item(
                catalogue,
                actor=actor,
                row=row,
                status=status,
                dept_row=dept_row,
                department=departments[dept_row.name],
                seq=seq,
                section=section,
                sections=sections,
                topic=topic,
            )


def basic_code(dept_code: str, seq: int) -> str:
    return f"64-{dept_code}-{seq:03d}"


def _publish_item(
    catalogue, *, actor, row, status, dept_row, department, seq, section, sections, topic
):
    implementing = f"{org.COUNTY_CODE}-{dept_row.code}-{seq:03d}"
    version = catalogue_actions.create_item(
        catalogue,
        actor=actor,
        basic_code=basic_code(dept_row.code, seq),
        name=row.name,
        reason=table.STATUS_REASON[status],
        basis=table.TRANSFER_BASIS,
        item_type=row.item_type,
        implementing_code=implementing,
        legal_basis=row.legal_basis,
        original_department=department,
        transfer_status=status,
        topic=topic,
    )
    for order, name in enumerate(row.handling_items, start=1):
        _add_handling_item(
            version,
            actor=actor,
            code=f"{implementing}-{order:02d}",
            name=name,
            order=order,
            row=row,
            status=status,
            dept_row=dept_row,
            section=section,
            sections=sections,
        )
    catalogue_actions.publish(version, actor=actor, effective_from=TRANSFER_DATE)


def _add_handling_item(
    version, *, actor, code, name, order, row, status, dept_row, section, sections
):
    guide = GUIDES.get(name) or _default_guide(name, row, status, section)
    statutory = (
        guide.statutory or row.statutory or (20 if row.item_type == table.LICENSING else None)
    )
    instant = guide.instant or row.instant
    promised = None if instant else (guide.promised or row.promised or _half(statutory))
    transferred = status == table.TRANSFERRED
    hi = catalogue_actions.save_draft_part(
        HandlingItem(
            item_version=version,
            code=code,
            name=name,
            variant=variant_of(name),
            applicant_type=guide.applicant or row.applicant,
            conditions=guide.conditions,
            statutory_limit_days=statutory,
            promised_limit_days=promised,
            is_instant=instant,
            is_commitment=guide.commitment or "告知承诺" in name,
            fee_charged=guide.fee_charged,
            fee_standard=guide.fee_standard,
            fee_basis=guide.fee_basis,
            visits_required=guide.visits,
            online_depth=guide.online_depth,
            where=_where(status, dept_row),
            office_hours=org.OFFICE_HOURS,
            enquiry_phone=org.ENQUIRY_PHONE if transferred else dept_row.phone,
            complaint_phone=org.COMPLAINT_PHONE,
            result_name=guide.result if guide.result is not None else row.result,
            result_validity=guide.validity if guide.validity is not None else row.validity,
            deliver_at_window=True,
            deliver_by_post=guide.post,
            deliver_electronically=guide.electronic,
            intermediary_services=guide.intermediary,
            keywords=guide.keywords or row.keywords,
            order=order,
        ),
        actor=actor,
    )
    for n, m in enumerate(guide.materials, start=1):
        catalogue_actions.save_draft_part(
            Material(
                handling_item=hi,
                order=n,
                name=m.name,
                form=m.form,
                copies=m.copies,
                is_required=m.required,
                is_core=m.core,
                is_tolerable=m.tolerable,
                source=m.source,
                notes=m.notes,
                applies_to=m.applies,
            ),
            actor=actor,
        )
    for n, step in enumerate(_step_days(guide.steps, promised), start=1):
        catalogue_actions.save_draft_part(
            ReviewStep(
                handling_item=hi,
                order=n,
                name=step.name,
                role=step.role,
                section=sections.get(step.section) if transferred and step.section else None,
                limit_days=step.days,
            ),
            actor=actor,
        )
    for sp in guide.special:
        catalogue_actions.save_draft_part(
            SpecialProcedure(
                handling_item=hi,
                kind=sp.kind,
                limit_days=sp.days,
                notes=sp.notes,
            ),
            actor=actor,
        )
    return hi


def _half(statutory: int | None) -> int:
    """Seed 004 asks promised limits at least 50% shorter than the statutory ones."""
    return max(1, statutory // 2) if statutory else 5


def _where(status: str, dept_row) -> str:
    if status == table.TRANSFERRED:
        return f"{org.HALL}一楼综合受理区（{org.HALL_ADDRESS}）"
    if status == table.STATIONED:
        return f"{org.HALL}{dept_row.short_name}进驻窗口（{org.HALL_ADDRESS}）"
    return f"{dept_row.name}办公地点（不进驻政务服务中心）"


FIRST_LAW = re.compile(r"《[^》]+》")


def _default_guide(name: str, row, status: str, section) -> Guide:
    """The plain guide every handling item without a full demo guide gets: the statute's
    conditions by reference, the application form, the applicant's identity (shared where
    the government already holds it) and the optional power of attorney."""
    law = FIRST_LAW.search(row.legal_basis)
    conditions = _("申请人符合{law}等法律法规规定的条件，申请材料齐全、符合法定形式。").format(
        law=law.group(0) if law else row.legal_basis
    )
    if row.applicant == table.PERSON:
        identity = MaterialRow(
            "申请人居民身份证",
            "original_and_copy",
            source="shared",
            notes="现场核验原件，留存复印件1份；可共享核验电子身份证照",
        )
    elif row.applicant == table.BOTH:
        identity = MaterialRow(
            "申请人身份证明（自然人提交居民身份证，法人或其他组织提交营业执照或登记证书）",
            "electronic",
            source="shared",
            notes="通过电子证照库共享获取，无法获取的现场提交",
        )
    else:
        identity = MaterialRow(
            "营业执照或其他主体资格证明文件",
            "electronic",
            source="shared",
            notes="通过电子证照库共享获取，申请人无需提交纸质件",
        )
    materials = (
        MaterialRow(f"{name}申请表", notes="申请人签字或盖章；网上申请的在线填写"),
        identity,
        MaterialRow(
            "授权委托书及受托人居民身份证",
            "original_and_copy",
            core=False,
            required=False,
            notes="委托他人办理的提交",
        ),
    )
    review_section = section.name if section is not None else None
    steps = (
        StepRow("受理", "clerk", org.ACCEPTANCE_SECTION if section is not None else None, None),
        StepRow("审查", "reviewer", review_section, None),
        StepRow("决定", "signatory", review_section, None),
    )
    return Guide(
        conditions=conditions,
        materials=materials,
        steps=steps,
        keywords="",
        visits=1,
        online_depth=3,
        result=None,
        validity=None,
        post=status == table.TRANSFERRED,
        electronic=False,
    )


def _step_days(steps: tuple[StepRow, ...], promised: int | None) -> tuple[StepRow, ...]:
    """Steps without their own limits share the promised limit: the decision one day, the
    review the rest. Acceptance comes before the clock starts (《行政许可法》第三十二条)."""
    if promised is None or any(s.days is not None for s in steps):
        return steps
    out = []
    for s in steps:
        if s.role == "signatory":
            s = StepRow(s.name, s.role, s.section, 1)
        elif s.role == "reviewer" and promised > 1:
            s = StepRow(s.name, s.role, s.section, promised - 1)
        out.append(s)
    return tuple(out)


def variant_of(name: str) -> str:
    """The kind of application a handling item is, read off its name."""
    if "书面报告" in name or any(w in name for w in ("停业", "歇业", "恢复营业")):
        return Variant.OTHER
    if any(w in name for w in ("注销", "终止", "撤销", "封存")):
        return Variant.CANCELLATION
    if any(w in name for w in ("延续", "延期", "复审", "复查", "续期", "到期换")):
        return Variant.RENEWAL
    if any(w in name for w in ("补办", "补发", "补证", "补领", "遗失", "换发", "换证")):
        return Variant.REISSUE
    if any(w in name for w in ("变更", "修改", "更正")):
        return Variant.CHANGE
    return Variant.NEW


# ---- the adjustment history ----------------------------------------------------------------


def _current(catalogue, name: str) -> ItemVersion:
    return (
        ItemVersion.objects.filter(item__catalogue=catalogue, name=name).order_by("-number").first()
    )


def _adjustments(catalogue, *, actor) -> None:
    food = _current(catalogue, LIMIT_CUT_ITEM)
    draft = catalogue_actions.start_adjustment(
        food.item,
        actor=actor,
        kind=ChangeKind.CHANGE_LIMIT,
        reason=LIMIT_CUT_REASON,
        basis=LIMIT_CUT_BASIS,
    )
    for hi in draft.handling_items.all():
        if hi.promised_limit_days is None or hi.promised_limit_days <= LIMIT_CUT_TO:
            continue
        hi.promised_limit_days = LIMIT_CUT_TO
        catalogue_actions.save_draft_part(hi, actor=actor)
        for step in hi.review_steps.filter(role=ReviewStep.Role.REVIEWER, limit_days__isnull=False):
            step.limit_days = LIMIT_CUT_TO - 1
            catalogue_actions.save_draft_part(step, actor=actor)
    catalogue_actions.publish(draft, actor=actor, effective_from=LIMIT_CUT_DATE)

    moved = _current(catalogue, CANCELLED_ITEM)
    draft = catalogue_actions.start_adjustment(
        moved.item,
        actor=actor,
        kind=ChangeKind.CANCEL,
        reason=CANCEL_REASON,
        basis=CANCEL_BASIS,
    )
    catalogue_actions.publish(draft, actor=actor, effective_from=CANCEL_DATE)


# ---- the guidance catalogue -------------------------------------------------------------


def _guidance(local, *, actor, local_actor) -> None:
    province = Region.objects.get(code=org.PROVINCE_CODE)
    catalogue = Catalogue.objects.filter(
        region=province, kind=Catalogue.Kind.GUIDANCE
    ).first() or catalogue_actions.create_catalogue(
        actor=actor, region=province, kind=Catalogue.Kind.GUIDANCE, name=guidance.NAME
    )
    rows = []
    for dept_row in org.DEPARTMENTS:
        for seq, row in enumerate(table.TRANSFERRED_ITEMS.get(dept_row.name, []), start=1):
            if row.item_type == table.LICENSING:
                rows.append(
                    (
                        basic_code(dept_row.code, seq),
                        row.name,
                        row.legal_basis,
                        row.statutory or 20,
                        row.instant,
                    )
                )
    rows += [
        (g.basic_code, g.name, g.legal_basis, g.statutory, False)
        for g in guidance.MISSING_FROM_PINGLUO
    ]
    existing = set(catalogue.items.values_list("basic_code", flat=True))
    for code, name, basis, statutory, instant in rows:
        if code in existing:
            continue
        version = catalogue_actions.create_item(
            catalogue,
            actor=actor,
            basic_code=code,
            name=name,
            legal_basis=basis,
            reason=_("自治区县级行政许可事项指导目录"),
            basis=_("自治区人民政府公布"),
        )
        hi = catalogue_actions.save_draft_part(
            HandlingItem(
                item_version=version,
                code=f"{code}-01",
                name=name,
                statutory_limit_days=statutory,
                promised_limit_days=None if instant else statutory,
                is_instant=instant,
                complaint_phone=guidance.COMPLAINT_PHONE,
                conditions=_("以各县（市、区）公布的办事指南为准"),
            ),
            actor=actor,
        )
        catalogue_actions.save_draft_part(
            Material(handling_item=hi, order=1, name=f"{name}申请书"), actor=actor
        )
        catalogue_actions.publish(version, actor=actor, effective_from=guidance.EFFECTIVE)
    for g in guidance.MISSING_FROM_PINGLUO:
        if g.no_such_power:
            catalogue_actions.declare_no_such_power(
                local, actor=local_actor, basic_code=g.basic_code, reason=g.no_such_power
            )
