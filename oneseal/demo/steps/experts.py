"""The demo's expert pool (平罗县 640221): 30 experts in 8 fields, some with conflicts (employed
by a demo applicant, a declared relative or related company, away on a trip, one suspended),
and one running case put through a complete expert review: two experts drawn at random, one
declines and is replaced by a recorded draw, the two who accepted give their opinions, the
reviewer concludes (the case resumes: 第四十五条), rates them and records their fees. A second
case is under expert review: both drawn experts accepted, and one of them goes along on the
case's site inspection as the second inspector, which began yesterday; the expert (signing in
on their own account) still has to record and sign on their page.

Idempotent: the fields and experts are added when missing, the review only when no demo case
has one. Every write goes through `oneseal.experts.actions`. DEMO DATA: every name, employer
and number is invented; the numbers pass the GB 11643 / GB 32100 checks."""

import datetime

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from oneseal.calendars.queries import current_calendar
from oneseal.cases.actions.review import may_suspend, steps_of
from oneseal.cases.models import State
from oneseal.catalogue.models import SpecialProcedure
from oneseal.experts import actions
from oneseal.experts.models import Assignment, Expert, ExpertField, ExpertReview
from oneseal.inspections import actions as inspection_actions
from oneseal.inspections.models import Inspector
from oneseal.inspections.queries import checklist_for
from oneseal.inspections.rules import SHANGHAI
from oneseal.regions.models import Region

from ..cases import demo_cases
from ..data import organisation as org
from ..data.applicants import ORGANISATIONS, PEOPLE, credit_code, id_number

FIELDS = [
    ("food", "食品安全"),
    ("building", "建筑工程"),
    ("water", "水利水资源"),
    ("environment", "生态环境"),
    ("safety", "安全生产"),
    ("education", "教育"),
    ("health", "卫生健康"),
    ("transport", "交通运输"),
]

# Invented employers outside the demo's applicants (name, credit-code body or "").
EMPLOYERS = [
    ("宁夏大学", "MA7600A1"),
    ("北方民族大学", "MA7600B2"),
    ("宁夏建筑设计研究院有限公司", "MA7600C3"),
    ("石嘴山市水利勘测设计院", "MA7600D4"),
    ("宁夏环境科学研究院", ""),
    ("平罗县人民医院", "MA7600E5"),
    ("宁夏交通规划设计院", ""),
]
ORGS = {o.key: o for o in ORGANISATIONS}

# name, fields, title, employer index (or an applicant's key, a conflict), sequence
EXPERTS = [
    ("马建国", ["food", "health"], "正高级工程师", 0),
    ("李秀兰", ["food"], "副教授", 1),
    ("杨志强", ["food", "safety"], "高级工程师", 2),
    ("王海燕", ["food"], "主任医师", 5),
    ("赵文华", ["food"], "高级工程师", "shahu_renjia"),
    ("张立新", ["building"], "正高级工程师", 2),
    ("刘志刚", ["building", "safety"], "高级工程师", 2),
    ("陈宏伟", ["building"], "教授", 0),
    ("冯晓东", ["building"], "高级工程师", 6),
    ("何玉梅", ["water"], "正高级工程师", 3),
    ("韩庆丰", ["water", "environment"], "高级工程师", 3),
    ("罗振宇", ["water"], "副教授", 1),
    ("丁春燕", ["water"], "工程师", 3),
    ("苏金花", ["environment"], "研究员", 4),
    ("白永胜", ["environment", "safety"], "高级工程师", 4),
    ("田卫东", ["environment"], "教授", 0),
    ("金小龙", ["environment"], "副研究员", 4),
    ("周晓燕", ["safety"], "高级工程师", 6),
    ("吴国庆", ["safety"], "注册安全工程师", 2),
    ("郑丽娟", ["education"], "中学高级教师", 1),
    ("孙雅琴", ["education"], "幼儿园高级教师", 0),
    ("黄志明", ["education"], "教授", 1),
    ("高淑芬", ["education", "health"], "主任医师", 5),
    ("林海涛", ["health"], "副主任医师", 5),
    ("谢红梅", ["health"], "主任医师", 5),
    ("徐建军", ["health", "food"], "主管药师", 5),
    ("曹永康", ["transport"], "高级工程师", 6),
    ("彭德胜", ["transport", "safety"], "正高级工程师", 6),
    ("袁芳", ["transport"], "副教授", 1),
    ("蒋立平", ["building", "water"], "高级工程师", "jinshawan"),
]


def _fields() -> int:
    done = 0
    for code, name in FIELDS:
        if not ExpertField.objects.filter(code=code).exists():
            actions.create_field(system=True, code=code, name=name)
            done += 1
    return done


def _experts(keeper, today: datetime.date) -> int:
    county = Region.objects.get(code=org.COUNTY_CODE)
    fields = {f.code: f for f in ExpertField.objects.all()}
    done = 0
    for i, (name, codes, title, employer) in enumerate(EXPERTS):
        number = id_number(
            org.COUNTY_CODE, f"19{60 + i % 30:02d}0{1 + i % 9}1{i % 9}", f"{201 + 2 * i:03d}"
        )
        if Expert.objects.filter(id_number=number).exists():
            continue
        if isinstance(employer, str):  # works for one of the demo's applicants
            employer_name, code = ORGS[employer].name, ORGS[employer].number
        else:
            employer_name, body = EMPLOYERS[employer]
            code = credit_code("12", body, "640200") if body else ""
        expert = actions.register_expert(
            actor=keeper,
            region=county,
            name=name,
            id_number=number,
            fields=[fields[c] for c in codes],
            title=title,
            employer_name=employer_name,
            employer_credit_code=code,
            phone=f"1399520{2000 + i:04d}",
        )
        done += 1
        if i == 2:  # a related company declared
            org_row = ORGS["xinyuan"]
            actions.declare_expert_conflict(
                expert,
                actor=keeper,
                relative_name=org_row.name,
                relation="organisation",
                number=org_row.number,
                on=today,
            )
        if i in (11, 20):  # a relative among the demo's people
            person = PEOPLE[i % len(PEOPLE)]
            actions.declare_expert_conflict(
                expert,
                actor=keeper,
                relative_name=person.name,
                relation="sibling",
                number=person.number,
                on=today,
            )
        if i in (7, 15):  # away on business
            actions.add_unavailability(
                expert,
                actor=keeper,
                starts_on=today - datetime.timedelta(days=10),
                ends_on=today + datetime.timedelta(days=20),
                reason="外出学术交流",
            )
        if i == 26:
            actions.suspend_expert(
                expert, actor=keeper, reason="连续两次评审意见敷衍，履职评价不合格", on=today
            )
    return done


def _field_for(case) -> ExpertField:
    name = case.handling_item.item_version.name
    for words, code in (
        (("环境", "环评"), "environment"),
        (("水",), "water"),
        (("幼儿园", "学校", "办学", "教育"), "education"),
        (("食品",), "food"),
    ):
        if any(w in name for w in words):
            return ExpertField.objects.get(code=code)
    return ExpertField.objects.get(code="building")


def _account(expert: Expert, keeper):
    if expert.user_id is None:
        actions.open_account(
            expert,
            actor=keeper,
            username=f"expert{expert.pk:03d}",
            password=org.DEMO_PASSWORD,
        )
        expert.refresh_from_db()
    return expert.user


def _reviewable(reviewers, today: datetime.date, *, for_visit: bool = False):
    """The first running case whose guide lists 专家评审 and that a reviewer may suspend now,
    with that reviewer, the day the review opens (four working days ago, or the case's last
    event) and the last working day before today; None when there is none. `for_visit`: one
    never inspected yet (an open inspection would refuse another)."""
    cases = (
        demo_cases()
        .filter(
            state=State.ACCEPTED,
            suspensions__isnull=True,
            handling_item__special_procedures__kind=SpecialProcedure.Kind.EXPERT_REVIEW,
        )
        .select_related("handling_item__item_version", "region", "applicant")
        .order_by("id")
    )
    if for_visit:
        cases = cases.exclude(inspection_links__isnull=False)
    cal = current_calendar()
    for case in cases:
        steps = steps_of(case)
        actor = next((u for u in reviewers if may_suspend(u, case, steps)), None)
        last = case.events.order_by("-seq").values_list("on", flat=True).first()
        on = max(last or case.accepted_on, cal.before(today, 4).date)
        concluded = max(on, cal.before(today, 1).date)
        if actor is None or concluded > today or concluded <= on:
            continue
        return case, actor, on, concluded
    return None


def _review(reviewers, keeper, today: datetime.date) -> list[str]:
    if ExpertReview.objects.filter(case__in=demo_cases()).exists():
        return []
    found = _reviewable(reviewers, today)
    if found is None:
        return []
    case, actor, on, concluded = found
    cal = current_calendar()
    review = actions.open_review(
        case,
        actor=actor,
        field=_field_for(case),
        experts_needed=2,
        subject=_("申请材料技术可行性专家评审"),
        ends_on=cal.add(on, 5).date,
        on=on,
    )
    first, second = list(review.assignments.order_by("id"))
    declined = _account(first.expert, keeper)
    actions.decline_invitation(first, actor=declined, reason="本人评审期间需赴外地出差", on=on)
    replacement = (
        review.assignments.filter(state=Assignment.State.INVITED).exclude(pk=second.pk).get()
    )
    opinions = {
        second.pk: ("申请材料齐全，技术方案可行，建议准予许可。", 90, "agree"),
        replacement.pk: (
            "技术方案基本可行，建议申请人完善应急处置措施后准予许可。",
            82,
            "conditional",
        ),
    }
    for assignment in (second, replacement):
        user = _account(assignment.expert, keeper)
        actions.accept_invitation(assignment, actor=user)
        opinion, score, conclusion = opinions[assignment.pk]
        actions.submit_opinion(
            assignment, actor=user, opinion=opinion, score=score, conclusion=conclusion
        )
    actions.conclude_review(
        review,
        actor=actor,
        conclusion="两名专家均认为技术方案可行，其中一名建议完善应急处置措施，已告知申请人补充。",
        on=concluded,
    )
    for assignment, rating in ((second, 5), (replacement, 4)):
        actions.rate_expert(assignment, actor=actor, rating=rating, note="意见具体，按时提交")
        actions.record_fee(assignment, actor=actor, amount="800.00", paid_on=concluded)
    return [
        _(
            "专家库：{case}完成专家评审（{field}，抽取2名专家，1名谢绝后补抽，{on}至{end}中止计时）"
        ).format(
            case=case.number,
            field=review.field.name,
            on=on.isoformat(),
            end=concluded.isoformat(),
        )
    ]


# A checklist for the inspected case's handling item, when its catalogue administrator has not
# kept one yet (the inspections step keeps two others).
SITE_CHECKLIST = [
    ("现场情况与申请材料所述一致", "对照申请材料查看现场"),
    ("主要设施设备已安装到位并能正常运行", "逐项查看、试运行"),
    ("安全防护和应急处置设施齐全有效", "查看设施和应急预案"),
]


def _inspection(reviewers, keeper, today: datetime.date) -> list[str]:
    """A running expert review whose two drawn experts accepted, and the case's site
    inspection with a reviewer and one of those experts as its two inspectors: begun on the
    last working day, the reviewer's findings in, the expert's still to come."""
    if Inspector.objects.filter(
        assignment__isnull=False, inspection__covered__case__in=demo_cases()
    ).exists():
        return []
    catadmin = get_user_model().objects.filter(username="catadmin").first()
    found = _reviewable(reviewers, today, for_visit=True)
    if catadmin is None or found is None:
        return []
    # The review opens on `on`, the visit is agreed that day for the last working day.
    case, actor, on, visit_day = found
    cal = current_calendar()
    review = actions.open_review(
        case,
        actor=actor,
        field=_field_for(case),
        experts_needed=2,
        subject=_("现场条件专家评审（随同现场勘验）"),
        ends_on=cal.add(today, 5).date,
        on=on,
    )
    seats = list(review.assignments.order_by("id"))
    for seat in seats:
        actions.accept_invitation(seat, actor=_account(seat.expert, keeper))
    if not checklist_for(case.handling_item):
        inspection_actions.save_checklist(case.handling_item, actor=catadmin, lines=SITE_CHECKLIST)
    expert = seats[0].expert
    inspection = inspection_actions.schedule_inspection(
        case,
        actor=actor,
        on=on,
        at=datetime.datetime.combine(visit_day, datetime.time(14, 30), tzinfo=SHANGHAI),
        place=_("{applicant}的项目现场").format(applicant=case.applicant.name),
        expected_days=2,
        inspectors=[actor],
        experts=[expert],
    )
    inspection_actions.start_inspection(inspection, actor=actor, on=visit_day)
    inspection_actions.record_finding(inspection, actor=actor, order=1, result="conforms")
    return [
        _(
            "专家库：{case}专家评审中，抽中的专家{name}与{staff}一同现场勘验（{day}开始，待专家签名）"
        ).format(
            case=case.number,
            name=expert.name,
            staff=inspection.inspectors.exclude(assignment__isnull=False).get().name,
            day=visit_day.isoformat(),
        )
    ]


def load(*, today) -> list[str]:
    users = {
        u.username: u
        for u in get_user_model()
        .objects.filter(username__startswith="reviewer")
        .select_related("staff__section", "staff__region")
        .order_by("username")
    }
    keeper = users.get("reviewer")
    if keeper is None or not demo_cases().exists():
        return []
    lines = []
    if n := _fields():
        lines.append(_("专家库：专业领域 {n} 个").format(n=n))
    if n := _experts(keeper, today):
        lines.append(
            _("专家库：入库专家 {n} 名（含回避申报、不可参评期间和暂停抽取的专家）").format(n=n)
        )
    lines += _review(list(users.values()), keeper, today)
    lines += _inspection(list(users.values()), keeper, today)
    return lines
