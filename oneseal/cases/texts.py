"""How a case's record reads to the applicant and to the public, in plain words: the wording
of the case's events, where the case stands, what the public may see. Domain text, not a page:
the portal, the API and the workbench all say it the same way.

The applicant sees every event of their own case in plain words; the public tracking page
(case number and query code, no account) sees only the steps that move the case, with their
dates, and the applicant's name masked — nothing of what the applicant handed in."""

import datetime
from typing import TYPE_CHECKING, Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from .clocks import Clocks
    from .models import Case, CaseEvent

EVENT_TEXT = {
    "receive": gettext_lazy("收到申请"),
    "hand_over": gettext_lazy("原审批部门移交在办件"),
    "attach_file": gettext_lazy("上传材料"),
    "accept": gettext_lazy("受理"),
    "deem_accepted": gettext_lazy("依法视为受理"),
    "refuse": gettext_lazy("不予受理"),
    "request_correction": gettext_lazy("一次性告知补正材料"),
    "submit_correction": gettext_lazy("提交补正材料"),
    "assign_step": gettext_lazy("分派承办人"),
    "complete_review_step": gettext_lazy("完成审查环节"),
    "record_site_inspection": gettext_lazy("现场核查"),
    "suspend": gettext_lazy("暂停计时（特别程序）"),
    "resume": gettext_lazy("恢复计时"),
    "request_extension": gettext_lazy("申请延期"),
    "approve_extension": gettext_lazy("批准延期"),
    "grant": gettext_lazy("准予许可"),
    "deny": gettext_lazy("不予许可"),
    "deliver": gettext_lazy("证照送达"),
    "record_joint_result": gettext_lazy("联办结果一并告知"),
    "withdraw": gettext_lazy("撤回申请"),
    "terminate": gettext_lazy("终止办理"),
    "supply_tolerated_material": gettext_lazy("补齐容缺材料"),
    "promise_overdue": gettext_lazy("容缺材料逾期未补"),
    "revoke_licence": gettext_lazy("撤销许可"),
    "deem_renewed": gettext_lazy("依法视为准予延续"),
    "record_commitment": gettext_lazy("签署告知承诺书"),
    "verify_commitment": gettext_lazy("核查告知承诺"),
    "record_credit": gettext_lazy("记入信用记录"),
    "verification_overdue": gettext_lazy("告知承诺核查逾期"),
    "propose_revocation": gettext_lazy("拟撤销许可（告知陈述、申辩权利）"),
    "notify_revocation": gettext_lazy("撤销行政许可告知书送达"),
    "submit_revocation_views": gettext_lazy("陈述、申辩"),
    "record_revocation_hearing": gettext_lazy("撤销许可听证"),
    "keep_licence": gettext_lazy("决定不予撤销许可"),
    "withdraw_revocation_proposal": gettext_lazy("撤回撤销提议"),
    "recompute_due_dates": gettext_lazy("节假日安排公布，期限重新计算"),
    "notice_corrected": gettext_lazy("已出具更正后的通知书"),
    "opinion_requested": gettext_lazy("征求有关部门意见"),
    "opinion_answered": gettext_lazy("有关部门答复意见"),
    "opinion_deemed": gettext_lazy("有关部门逾期未答复，依规视为无意见"),
    "opinion_overdue": gettext_lazy("有关部门逾期未答复，已督办"),
    "opinion_withdrawn": gettext_lazy("撤回征求意见"),
    "joint_report": gettext_lazy("出具联合审查（验收）意见书"),
    # hearings (第四十六至四十八条) and interested parties (第三十六条): the hearings app
    "notify_hearing_right": gettext_lazy("告知听证权利"),
    "order_hearing": gettext_lazy("决定举行听证（涉及公共利益）"),
    "request_hearing": gettext_lazy("申请听证"),
    "lapse_hearing": gettext_lazy("期限内未申请听证"),
    "schedule_hearing": gettext_lazy("通知举行听证"),
    "request_avoidance": gettext_lazy("申请听证主持人回避"),
    "decide_avoidance": gettext_lazy("决定回避申请"),
    "record_hearing": gettext_lazy("制作听证笔录"),
    "sign_hearing_record": gettext_lazy("听证笔录签字确认"),
    "close_hearing": gettext_lazy("听证结束"),
    "add_interested_party": gettext_lazy("告知利害关系人"),
    "record_party_statement": gettext_lazy("利害关系人陈述、申辩"),
    "answer_party_statement": gettext_lazy("答复利害关系人意见"),
}

# The steps the public tracking page shows: the moves of the case, never the internal work
# (assignments, uploads, opinions) nor anything about the applicant's materials.
PUBLIC_STEPS = (
    "receive",
    "accept",
    "deem_accepted",
    "refuse",
    "request_correction",
    "submit_correction",
    "suspend",
    "resume",
    "approve_extension",
    "grant",
    "deny",
    "deliver",
    "record_joint_result",
    "withdraw",
    "terminate",
    "deem_renewed",
)

# Events whose reason the applicant is owed in writing (the notices say it too).
REASON_SHOWN = (
    "refuse",
    "deny",
    "suspend",
    "approve_extension",
    "withdraw",
    "terminate",
    "revoke_licence",
    "propose_revocation",
    "keep_licence",
    "withdraw_revocation_proposal",
    "deem_renewed",
)


def event_text(action: str) -> str:
    return str(EVENT_TEXT.get(action, action))


def event_detail(event: "CaseEvent") -> str:
    """The one line under an event that the applicant reads: what exactly happened."""
    data: Any = event.data or {}  # the event's JSON, as stored
    if event.action == "attach_file":
        if data.get("reused"):
            return _("“{material}”：复用{name}").format(
                material=data.get("material", ""), name=data.get("name", "")
            )
        return _("“{material}”：{name}").format(
            material=data.get("material", ""), name=data.get("name", "")
        )
    if event.action == "complete_review_step":
        return str(data.get("name", ""))
    if event.action == "grant" and data.get("licence"):
        return _("证照编号 {number}").format(number=data["licence"])
    if event.action == "deliver":
        return {"window": _("窗口领取"), "post": _("邮寄送达"), "electronic": _("电子证照")}.get(
            data.get("channel"), ""
        )
    if event.action == "notice_corrected":
        return _("{label}{old}已由{new}更正：{reason}").format(
            label=data.get("label", ""),
            old=data.get("old", ""),
            new=data.get("new", ""),
            reason=event.reason,
        )
    if event.action in REASON_SHOWN:
        return event.reason
    return ""


def mask_name(name: str, kind: str) -> str:
    """A name as the public may see it: a person's surname, an organisation's first and last
    two characters."""
    chars = list(name or "")
    if not chars:
        return ""
    if kind == "organisation":
        if len(chars) <= 4:
            return chars[0] + "*" * (len(chars) - 1)
        return "".join(chars[:2]) + "*" * (len(chars) - 4) + "".join(chars[-2:])
    return chars[0] + "*" * max(1, len(chars) - 1)


def _day(value: datetime.date | None) -> str:
    return date_format(value, "DATE_FORMAT") if value else ""


def progress(case: "Case", clocks: "Clocks | None") -> str:
    """Where the case stands, in one sentence for the applicant."""
    state = case.state
    if state == "received":
        return _("申请材料已收到，审批局将于{date}前决定是否受理。").format(
            date=_day(case.acceptance_due)
        )
    if state == "awaiting_correction":
        return _("需要补正材料：请按一次性告知补齐后在网上提交，补正期间不计入办理时限。")
    if state == "accepted":
        left = clocks.promised_remaining if clocks is not None else None
        if left is not None and left >= 0:
            return _("已受理，承诺于{date}前办结，还剩{n}个工作日。").format(
                date=_day(case.promised_due), n=left
            )
        return _("已受理，承诺办结日期为{date}。").format(date=_day(case.promised_due))
    if state == "suspended":
        return _("因特别程序暂停计时，所需时间不计入办理时限；恢复后继续计算。")
    if state == "granted":
        return _("准予许可，证照将于{date}前送达。").format(date=_day(case.delivery_due))
    if state == "delivered":
        return _("已办结，结果已送达。")
    if state == "denied":
        return _("不予许可，理由及救济途径见决定书。")
    if state == "refused":
        return _("不予受理，理由见不予受理通知书。")
    if state == "withdrawn":
        return _("申请已撤回，办件已结束。")
    if state == "terminated":
        return _("办件已终止。")
    return ""
