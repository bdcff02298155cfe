"""The demo's hearings (第四十六至四十八条) and interested parties (第三十六条), on two new cases
of the demo county, played through the case actions and `hearings.actions` only:

- a KTV licence (设立歌舞娱乐场所) whose neighbours are told as interested parties: the
  applicant and a neighbour are told of their right to a hearing, both ask for one, it is
  announced, held with 马建军 presiding (he did not review the case), the record is signed by
  everyone, the clocks resume, and the licence is granted citing the record;
- a restaurant (食品经营许可) whose neighbour 张珊 is told, states her views online today, and
  is answered by the reviewer.

Idempotent: a held hearing on a demo KTV case, or a party with 张珊's number, is left alone."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from oneseal.cases import actions as case_actions
from oneseal.cases.actions.review import decision_step, steps_of
from oneseal.cases.models import CaseStep
from oneseal.demo.data import applicants as people
from oneseal.demo.data import organisation as org
from oneseal.hearings import actions
from oneseal.hearings.models import Hearing, InterestedParty, Statement

from ..cases import FOOD, KTV, Stage, _applicant_accounts, _applicants, handling_items

NEIGHBOUR = "ma_zhiqiang"  # 马志强, lives above the KTV's premises
ONLINE_NEIGHBOUR = "zhang_shan"  # 张珊, with an online account
KTV_APPLICANT = "jinse_nianhua"
FOOD_APPLICANT = "xinyuan"
USERNAMES = ("clerk", "reviewer", "reviewer2", "reviewer_culture", "signatory")


def _person(key: str):
    return next(p for p in people.PEOPLE if p.key == key)


def _stage(today) -> Stage | None:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=USERNAMES)}
    if len(users) < len(USERNAMES):
        return None
    items = handling_items(today)
    applicants = _applicants(users["clerk"], _applicant_accounts())
    return Stage(today, users, items, applicants)


def _finish_review(s: Stage, case, by: str):
    """Every review step before the decision, by the clerk or the item's reviewer."""
    steps = steps_of(case)
    last = decision_step(steps)
    for step in steps:
        if step is last or step.state != CaseStep.StepState.PENDING:
            continue
        who = "clerk" if step.role == "clerk" else by
        case = s.review(case, who, _("审查通过，同意准予许可"))
    return case


def _held_hearing(s: Stage) -> list[str]:
    if Hearing.objects.filter(
        case__region_code=org.COUNTY_CODE, case__handling_item__name=KTV, state="held"
    ).exists():
        return []
    neighbour = _person(NEIGHBOUR)
    s.moment = s.at(s.ago(24), "09:40")
    case = s.receive_and_accept(KTV, KTV_APPLICANT)
    s.moment = s.at(s.ago(23), "10:00")
    culture = s.users["reviewer_culture"]
    party = actions.add_interested_party(
        case,
        actor=culture,
        kind="person",
        name=neighbour.name,
        number=neighbour.number,
        phone=neighbour.phone,
        address=neighbour.address,
        concern=_("经营场所位于其住宅楼下，夜间噪声直接影响其居住"),
        on=s.on,
    )
    hearing = actions.notify_hearing_right(
        case,
        actor=culture,
        matter=_("歌舞娱乐场所噪声对相邻住户的影响及隔音措施是否达标"),
        on=s.on,
    )
    s.moment = s.at(s.ago(22), "15:00")
    clerk = s.users["clerk"]
    actions.request_hearing(hearing, actor=clerk, on=s.on)
    actions.request_hearing(hearing, actor=clerk, party=party, on=s.on)
    s.moment = s.at(s.ago(21), "09:00")
    held_on = s.cal.add(s.on, 8).date
    presiding = s.users["reviewer"]
    actions.schedule_hearing(
        hearing,
        actor=culture,
        starts_at=s.at(held_on, "09:30"),
        place=_("平罗县政务服务中心三楼听证室"),
        presiding=presiding,
        on=s.on,
    )
    s.moment = s.at(held_on, "11:30")
    record = actions.record_hearing(
        hearing,
        actor=presiding,
        held_on=held_on,
        summary=_("听证公开举行，申请人、利害关系人及审查人员到场，进行了举证、质证和申辩"),
        statements=[
            {
                "role": Statement.Role.REVIEWER,
                "user": culture.pk,
                "text": _(
                    "经现场检查，包厢墙体已做隔音处理，噪声检测报告显示夜间边界噪声为42分贝，符合标准"
                ),
            },
            {
                "role": Statement.Role.APPLICANT,
                "text": _("已加装双层隔音门窗，承诺晚十二点后停止营业"),
            },
            {
                "role": Statement.Role.PARTY,
                "party": party.pk,
                "text": _("要求夜间十一点后不得开启临街窗户，并在楼道设置隔音门"),
            },
        ],
    )
    for statement in record.statements.order_by("order"):
        actions.sign_statement(statement, actor=presiding, in_person=True, on=held_on)
    actions.close_hearing(hearing, actor=presiding, on=held_on)
    s.moment = s.at(s.cal.add(held_on, 1).date, "10:00")
    case.refresh_from_db()
    case = _finish_review(s, case, "reviewer_culture")
    case_actions.grant(
        case,
        actor=s.users["signatory"],
        on=s.on,
        scope=_("歌舞娱乐（包厢8间）；经营时间至24时"),
        valid_from=s.on,
        hearing_record=record.pk,
    )
    return [
        _("听证：{case} 申请人和利害关系人申请听证，{date}举行，笔录已签字，据以作出决定。").format(
            case=case.number, date=f"{held_on:%Y年%-m月%-d日}"
        )
    ]


def _party_heard(s: Stage) -> list[str]:
    neighbour = _person(ONLINE_NEIGHBOUR)
    if InterestedParty.objects.filter(
        number=neighbour.number, case__region_code=org.COUNTY_CODE
    ).exists():
        return []
    s.moment = s.at(s.ago(3), "10:20")
    case = s.receive_and_accept(FOOD, FOOD_APPLICANT)
    s.moment = s.at(s.ago(2), "14:00")
    reviewer = s.users["reviewer"]
    party = actions.add_interested_party(
        case,
        actor=reviewer,
        kind="person",
        name=neighbour.name,
        number=neighbour.number,
        phone=neighbour.phone,
        address=neighbour.address,
        concern=_("拟设后厨排烟口正对其住宅窗户"),
        on=s.on,
    )
    account = s.online_account(s.applicants[ONLINE_NEIGHBOUR])
    statement = actions.record_party_statement(
        party, actor=account, text=_("排烟口正对我家窗户，油烟和噪声影响生活，请求改变排烟口位置")
    )
    actions.answer_party_statement(
        statement,
        actor=reviewer,
        answer=_("经现场核实，申请人已同意将排烟口改至楼顶并加装油烟净化装置，作为许可条件载明"),
    )
    return [
        _("利害关系人：{case} 告知相邻住户{name}，其网上提出的意见已答复。").format(
            case=case.number, name=neighbour.name
        )
    ]


def load(*, today) -> list[str]:
    s = _stage(today)
    if s is None:
        return []
    return _held_hearing(s) + _party_heard(s)
