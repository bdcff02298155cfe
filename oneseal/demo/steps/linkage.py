"""The demo's approval–supervision linkage (平罗县 640221): a duty boundary list for every
transferred item, each department's link with its webhook off (no network in the demo), the
pushes of the decided demo cases, most of the market regulator's signed (one late), one
inspection result fed back, one technical support request on a running case, and two
opinions of other departments (征求意见): one answered by the market regulator with
conditions, one the fire brigade left unanswered, deemed no objection by silence on the first
working day after its limit.

Idempotent: each part is written only when it is not there yet; every write goes through
`linkage.actions`. DEMO DATA: the duty texts are typical of the county lists of seed 002, not
any county's real list."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from oneseal.calendars.queries import current_calendar
from oneseal.cases.models import CaseEvent, State
from oneseal.cases.queries import licence_of
from oneseal.catalogue.models import Catalogue, ItemVersion, TransferStatus
from oneseal.linkage import actions, push_records
from oneseal.linkage.models import DutyBoundary, Feedback, OpinionRequest, Push, SupportRequest
from oneseal.organisation.models import Department

from ..cases import demo_cases
from ..data import organisation as org

BUREAU_DUTIES = (
    "负责该事项的受理、审查、决定、证照制发和送达；作出决定后1个工作日内将审批结果推送监管部门；"
    "接收监管部门反馈的监管结果，依法办理撤销、撤回、注销等后续审批事项。"
)
DEPARTMENT_DUTIES = (
    "负责该事项的事中事后监管：签收审批结果并纳入监管，开展“双随机、一公开”监督检查，"
    "依法查处违法行为，及时反馈检查、处罚、整改结果；发现不再具备许可条件的，书面建议审批局撤销许可。"
)
COORDINATION = (
    "依据《平罗县审管衔接备忘录》：审批结果推送后3个工作日内签收；技术支撑按下列时限完成。"
)

# Technical support the departments owe, by the department's short name (demo figures).
SUPPORT = {
    "住建局": [
        ("site_survey", "施工现场踏勘、施工图审查意见核对", 5),
        ("technical_review", "工程技术方案审查", 10),
    ],
    "自然资源局": [
        ("site_survey", "用地现场踏勘、规划条件核实", 5),
        ("technical_review", "规划设计方案技术审查", 10),
    ],
    "生态环境平罗分局": [
        ("technical_review", "环境影响报告技术评估", 15),
        ("testing", "污染物排放监测", 10),
    ],
    "水务局": [("site_survey", "取水口、排水口现场勘验", 5), ("testing", "水质检测", 10)],
    "市场监管局": [("site_survey", "经营场所现场核查", 3), ("testing", "食品及设备抽样检验", 10)],
    "卫健局": [("site_survey", "公共场所卫生条件现场审查", 3), ("testing", "卫生检测", 10)],
    "交通局": [
        ("site_survey", "经营场所、停车场地现场核查", 3),
        ("technical_review", "车辆技术等级评定", 5),
    ],
    "文广局": [("site_survey", "经营场所现场勘验", 3), ("hearing", "娱乐场所设立听证", 20)],
    "教体局": [("site_survey", "办学场所现场评估", 5), ("hearing", "幼儿园设立听证", 20)],
    "民政局": [("site_survey", "办公场所现场核查", 3)],
    "人社局": [("site_survey", "经营场所现场核查", 3)],
    "县发改局": [("technical_review", "项目技术评审、节能评估", 10)],
}
DEFAULT_SUPPORT = [("site_survey", "现场勘验", 5)]


def _boundaries(catadmin) -> int:
    catalogue = Catalogue.objects.filter(
        region__code=org.COUNTY_CODE, kind=Catalogue.Kind.LOCAL
    ).first()
    if catalogue is None:
        return 0
    versions = (
        ItemVersion.objects.published()
        .latest_per_item()
        .filter(
            item__catalogue=catalogue,
            transfer_status=TransferStatus.TRANSFERRED,
            original_department__isnull=False,
        )
        .exclude(item__in=DutyBoundary.objects.values("item"))
        .select_related("item", "original_department")
        .order_by("item__basic_code")
    )
    done = 0
    for version in versions:
        department = version.original_department
        duties = SUPPORT.get(department.short_name, DEFAULT_SUPPORT)
        actions.save_duty_boundary(
            version.item,
            actor=catadmin,
            supervising_department=department,
            bureau_duties=BUREAU_DUTIES,
            department_duties=DEPARTMENT_DUTIES,
            coordination=COORDINATION,
            support_duties=[{"kind": k, "description": d, "limit_days": n} for k, d, n in duties],
        )
        done += 1
    return done


def _links() -> int:
    done = 0
    for department in Department.objects.filter(region__code=org.COUNTY_CODE).exclude(
        link__isnull=False
    ):
        actions.configure_department_link(
            department, system=True, sign_days=3, webhook_enabled=False
        )
        done += 1
    return done


def _missing_pushes() -> int:
    """Decisions made before the linkage existed (a demo loaded by an older version)."""
    events = (
        CaseEvent.objects.filter(
            case__in=demo_cases(),
            action__in=("grant", "deny", "revoke_licence", "deem_renewed"),
            push__isnull=True,
        )
        .select_related("case__handling_item__item_version", "case__applicant")
        .order_by("case_id", "seq")
    )
    done = 0
    for event in events:
        with transaction.atomic():
            # A renewal's licence is the one it acts on (cases.queries.licence_of).
            licence = licence_of(event.case) if event.action != "deny" else None
            if push_records.push_decision(event.case, event, licence=licence) is not None:
                done += 1
    return done


def _signatures(supervisor, today) -> list[str]:
    """The market regulator signs its pushes: the oldest late, the newest two left to sign."""
    department = supervisor.staff.department
    pushes = list(
        Push.objects.filter(department=department, case__in=demo_cases()).order_by(
            "pushed_on", "id"
        )
    )
    if not pushes or any(p.signed_on for p in pushes):
        return []
    cal = current_calendar()
    signed, late = 0, 0
    for i, push in enumerate(pushes[:-2]):
        on = cal.add(push.sign_due, 1).date if i == 0 else cal.add(push.pushed_on, 1).date
        if on > today:
            continue
        actions.sign_push(push, actor=supervisor, on=on)
        signed += 1
        late += on > push.sign_due
    return (
        [
            _("审管联动：{department}签收推送 {n} 件（逾期签收 {late} 件）").format(
                department=department, n=signed, late=late
            )
        ]
        if signed
        else []
    )


def _feedback(supervisor, today) -> list[str]:
    if Feedback.objects.filter(case__in=demo_cases()).exists():
        return []
    push = (
        Push.objects.filter(
            department=supervisor.staff.department,
            decision="grant",
            signed_on__isnull=False,
            case__in=demo_cases(),
        )
        .order_by("signed_on", "id")
        .first()
    )
    if push is None:
        return []
    on = max(push.signed_on, min(today, current_calendar().add(push.signed_on, 2).date))
    actions.give_feedback(
        push,
        actor=supervisor,
        kind="inspection",
        on=min(on, today),
        summary="“双随机、一公开”检查：经营场所与许可内容一致，从业人员健康证明齐全，未发现问题。",
        document_number="平市监检〔2025〕演示001号",
    )
    return [_("审管联动：{case}收到监督检查结果反馈").format(case=push.case.number)]


def _support(reviewer, today) -> list[str]:
    if SupportRequest.objects.filter(case__in=demo_cases()).exists():
        return []
    # The reviewer of the market section asks the market regulator, whose supervisor is a demo account.
    department = Department.objects.filter(
        region__code=org.COUNTY_CODE, name="平罗县市场监督管理局"
    ).first()
    case = (
        demo_cases()
        .filter(
            state=State.ACCEPTED,
            handling_item__item_version__original_department=department,
            suspensions__isnull=True,
            extended=False,
            promised_due__gte=today,
        )
        .order_by("-promised_due", "id")
        .first()
    )
    if case is None:
        return []
    request = actions.request_support(
        case,
        actor=reviewer,
        kind="site_survey",
        on=today,
        details="申请人经营场所新增中央厨房，请现场核查加工布局及冷链设施是否符合要求",
    )
    return [
        _("审管联动：{case}请{department}现场勘验，{date}前答复（办件中止计时）").format(
            case=case.number, department=request.department, date=request.due_on.isoformat()
        )
    ]


# DEMO DATA: a typical clause of a county reform plan, not a real county's text.
SILENCE_RULE = (
    "《平罗县工程建设项目审批制度改革实施方案》（演示）：征求意见期限内未答复的，视为无意见"
)


def _opinion_cases(department, today):
    """Running demo cases of the department's items, not suspended, not already in use."""
    return (
        demo_cases()
        .filter(
            state=State.ACCEPTED,
            handling_item__item_version__original_department=department,
            suspensions__isnull=True,
            support_requests__isnull=True,
            accepted_on__isnull=False,
        )
        .order_by("accepted_on", "id")
    )


def _opinions(reviewer, supervisor, today) -> list[str]:
    if OpinionRequest.objects.filter(case__in=demo_cases()).exists():
        return []
    market = supervisor.staff.department
    fire = Department.objects.filter(
        region__code=org.COUNTY_CODE, short_name="消防救援大队"
    ).first()
    candidates = list(_opinion_cases(market, today)[:20])
    cal = current_calendar()
    lines = []
    # Silence: asked long enough ago that 3 working days and one more have passed by today.
    silent = next((c for c in candidates if cal.add(c.accepted_on, 4).date <= today), None)
    if silent is not None and fire is not None:
        request = actions.request_opinion(
            silent,
            actor=reviewer,
            department=fire,
            subject="申请人经营场所位于商住楼底层，请就消防安全条件提出意见",
            days=3,
            silence_is_consent=True,
            silence_rule=SILENCE_RULE,
            on=silent.accepted_on,
        )
        actions.run_opinion_deadlines(today)
        request.refresh_from_db()
        lines.append(
            _(
                "征求意见：{case}征求{department}意见，期限{due}内未答复，{date}依规视为无意见"
            ).format(
                case=silent.number,
                department=fire,
                due=request.due_on.isoformat(),
                date=request.deemed_on.isoformat() if request.deemed_on else "—",
            )
        )
    answered = next((c for c in candidates if c != silent), None)
    if answered is not None:
        request = actions.request_opinion(
            answered,
            actor=reviewer,
            department=market,
            subject="请就申请人既往食品安全监督检查情况及整改落实情况提出意见",
            days=5,
            on=today,
        )
        actions.answer_opinion(
            request,
            actor=supervisor,
            conclusion="conditions",
            reasons="近一年监督检查未发现问题；建议在许可后三个月内开展一次跟踪检查。",
            on=today,
        )
        lines.append(
            _("征求意见：{case}征求{department}意见，已答复（有条件同意）").format(
                case=answered.number, department=market
            )
        )
    return lines


def load(*, today) -> list[str]:
    users = {
        u.username: u
        for u in get_user_model()
        .objects.filter(username__in=("catadmin", "supervisor", "reviewer"))
        .select_related("staff__department", "staff__section")
    }
    if len(users) < 3 or not demo_cases().exists():
        return []
    lines = []
    with transaction.atomic():
        if n := _boundaries(users["catadmin"]):
            lines.append(_("审管联动：编制职责边界清单 {n} 项（划转事项）").format(n=n))
        if n := _links():
            lines.append(
                _("审管联动：{n} 个部门的联动设置（签收时限3个工作日，推送接口未启用）").format(n=n)
            )
        if n := _missing_pushes():
            lines.append(_("审管联动：补推送审批结果 {n} 件").format(n=n))
    lines += _signatures(users["supervisor"], today)
    lines += _feedback(users["supervisor"], today)
    lines += _support(users["reviewer"], today)
    lines += _opinions(users["reviewer"], users["supervisor"], today)
    escalated = actions.escalate_late_pushes(today) + actions.escalate_overdue_support(today)
    if escalated:
        lines.append(_("审管联动：逾期未签收或未答复督办 {n} 件").format(n=escalated))
    unsigned = Push.objects.filter(case__in=demo_cases(), signed_on__isnull=True).count()
    if lines:
        lines.append(_("审管联动：待签收推送 {n} 件").format(n=unsigned))
    return lines
