"""Pure rules of ratings (no database): the score bands, the fixed reasons of each band, the
check of a rating's input, and the follow-up's due date.

The five levels and the reasons follow the national practice of 好差评 (国办发〔2019〕51号;
GB/T 39735-2020 政务服务评价工作指南): 非常满意, 满意, 基本满意, 不满意, 非常不满意, each
band with its own list of reasons to tick, plus free text."""

import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oneseal.calendars.rules import WorkCalendar, WorkDate

SCORES = {
    5: gettext_lazy("非常满意"),
    4: gettext_lazy("满意"),
    3: gettext_lazy("基本满意"),
    2: gettext_lazy("不满意"),
    1: gettext_lazy("非常不满意"),
}
GOOD, FAIR, BAD = "good", "fair", "bad"
BAND_LABELS = {
    GOOD: gettext_lazy("好评（4—5分）"),
    FAIR: gettext_lazy("中评（3分）"),
    BAD: gettext_lazy("差评（1—2分）"),
}

REASONS: dict[str, list[tuple[str, object]]] = {
    GOOD: [
        ("guide_clear", gettext_lazy("办事指南清楚准确")),
        ("one_visit", gettext_lazy("一次办好，没有多跑")),
        ("fast", gettext_lazy("办理快，早于承诺时限")),
        ("polite", gettext_lazy("工作人员热情耐心")),
        ("online_easy", gettext_lazy("网上办理方便")),
    ],
    FAIR: [
        ("slow_but_done", gettext_lazy("能办成，但用时较长")),
        ("guide_partly_unclear", gettext_lazy("办事指南个别内容不够清楚")),
        ("long_wait", gettext_lazy("排队等候时间较长")),
        ("online_partly", gettext_lazy("网上只能办一部分，仍需到现场")),
    ],
    BAD: [
        ("guide_wrong", gettext_lazy("办事指南与实际要求不一致")),
        ("extra_materials", gettext_lazy("要求提交指南以外的材料")),
        ("not_told_at_once", gettext_lazy("补正材料没有一次性告知")),
        ("repeat_visits", gettext_lazy("多次往返才办成")),
        ("late", gettext_lazy("超过承诺时限")),
        ("reasons_unclear", gettext_lazy("不予受理或不予许可的理由没有讲清楚")),
        ("attitude", gettext_lazy("工作人员态度差")),
        ("online_broken", gettext_lazy("网上办理系统不好用")),
    ],
}
REASON_LABELS = {code: label for reasons in REASONS.values() for code, label in reasons}
COMMENT_MAX = 1000


def band(score: int) -> str:
    return GOOD if score >= 4 else FAIR if score == 3 else BAD


def is_bad(score: int) -> bool:
    """差评: a rating of 1 or 2 opens a follow-up."""
    return score <= 2


def rating_errors(score: Any, reasons: Any, comment: str) -> dict[str, list[str]]:
    """Every problem with a rating's input, by field, whatever the caller passed (`score` and
    `reasons` are checked for their types here). A bad rating needs at least one reason, so the
    follow-up knows what to put right."""
    errors: dict[str, list[str]] = {}
    if not isinstance(score, int) or isinstance(score, bool) or score not in SCORES:
        errors["score"] = [_("请选择1至5分的评分")]
    if not isinstance(reasons, list | tuple) or not all(isinstance(r, str) for r in reasons):
        errors["reasons"] = [_("评价原因格式有误")]
    elif "score" not in errors:
        allowed = {code for code, _label in REASONS[band(score)]}
        wrong = [r for r in reasons if r not in allowed]
        if wrong:
            errors["reasons"] = [_("所选原因与评分不符：{codes}").format(codes="、".join(wrong))]
        elif is_bad(score) and not reasons:
            errors["reasons"] = [_("差评请至少选择一项原因，以便核实整改")]
    if len(comment or "") > COMMENT_MAX:
        errors["comment"] = [_("意见建议不能超过{n}个字").format(n=COMMENT_MAX)]
    return errors


def follow_up_due(cal: WorkCalendar, opened_on: datetime.date, days: int) -> WorkDate:
    """The answer is due at the end of the `days`-th working day after the bad rating (the
    day of the rating does not count)."""
    return cal.add(opened_on, days)
