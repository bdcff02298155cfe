"""The demo's ratings (好差评) on finished demo cases: the two online accounts rate their own
cases (张珊 badly, with a follow-up still open), and the hall's rating device recorded ratings
on the day other cases were finished — mostly good, one bad answered by the deputy head, one
bad whose follow-up is overdue.

Idempotent: a case already rated is left alone. Every write goes through `ratings.actions`."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from oneseal.applicants.queries import accounts_acting_for
from oneseal.calendars.queries import current_calendar
from oneseal.cases.models import CLOSED_STATES
from oneseal.errors import DomainError
from oneseal.ratings import actions
from oneseal.ratings.models import Channel, Rating

from ..cases import demo_cases

# (applicant name, handling item name, score, reasons, comment, channel, answer or None)
RATINGS = [
    (
        "张珊",
        "个体工商户设立登记",
        2,
        ["online_broken", "repeat_visits"],
        "网上上传经营场所照片总是失败，最后还是跑到窗口补交了一次。",
        Channel.ONLINE,
        None,
    ),
    (
        "平罗县沙湖人家餐饮有限公司",
        "食品(含保健食品)经营许可核发",
        4,
        ["polite"],
        "撤回后窗口工作人员主动告诉我们新址需要准备哪些材料。",
        Channel.ONLINE,
        None,
    ),
    (
        "平罗县锦华酒店有限公司",
        "公共场所卫生许可新办审批",
        5,
        ["one_visit", "polite"],
        "",
        Channel.WINDOW,
        None,
    ),
    (
        "平罗县鑫源清真餐饮有限公司",
        "食品(含保健食品)经营许可核发",
        5,
        ["fast", "guide_clear"],
        "比承诺时间提前两天拿到许可证。",
        Channel.WINDOW,
        None,
    ),
    ("杨秀梅", "个体工商户设立登记", 4, ["one_visit"], "", Channel.WINDOW, None),
    (
        "白永福",
        "取水许可证新办审批",
        1,
        ["guide_wrong"],
        "指南上没说黄河取水不归县里批，白跑一趟。",
        Channel.WINDOW,
        "已于次日电话回访白永福同志并致歉：黄河干流取水许可由黄河水利委员会审批，窗口已在不予受理决定书中告知有权机关。"
        "已在该事项办事指南“受理条件”中补充“黄河干流及重要支流取水由黄河水利委员会受理”的说明。",
    ),
    (
        "平罗县清泉游泳健身有限公司",
        "经营游泳许可",
        2,
        ["reasons_unclear"],
        "不予许可的理由只写了“不符合条件”，不知道具体哪里不行。",
        Channel.WINDOW,
        None,
    ),
]


def load(*, today) -> list[str]:
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=["clerk", "signatory"])
    }
    if len(users) < 2:
        return []
    closed = {
        (c.applicant.name, c.handling_item.name): c
        for c in demo_cases()
        .filter(state__in=CLOSED_STATES)
        .select_related("applicant", "handling_item")
        .order_by("closed_on", "id")
    }
    made = answered = 0
    cal = current_calendar()
    for name, item, score, reasons, comment, channel, answer in RATINGS:
        case = closed.get((name, item))
        if case is None or Rating.objects.filter(case=case).exists():
            continue
        if channel == Channel.ONLINE:
            actor, on = accounts_acting_for(case.applicant).first(), None
            if actor is None:
                continue
        else:
            actor, on = users["clerk"], case.closed_on
        try:
            rating = actions.rate(
                case,
                actor=actor,
                score=score,
                reasons=reasons,
                comment=comment,
                channel=channel,
                on=on,
            )
        except DomainError:
            continue  # a demo case whose story changed; the rest still load
        made += 1
        if answer and rating.is_bad:
            answered_on = min(cal.add(rating.rated_on, 1).date, today)
            actions.answer_follow_up(
                rating.follow_up, actor=users["signatory"], answer=answer, on=answered_on
            )
            answered += 1
    if not made:
        return []
    return [
        _(
            "好差评：演示评价 {n} 条，其中差评回访已回复 {answered} 条，其余差评待回复（含逾期）。"
        ).format(n=made, answered=answered)
    ]
