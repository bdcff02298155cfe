"""How the workbench shows a case's events: a label per action and the few facts of its data
that a reader of the timeline needs."""

import datetime
from collections.abc import Mapping
from typing import Any

from django import template
from django.utils import formats
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from oneseal.calendars.queries import today
from oneseal.cases.models import CaseEvent, State

register = template.Library()

EVENT_LABELS = {
    "receive": _("收件"),
    "accept": _("受理"),
    "deem_accepted": _("逾期视为受理"),
    "refuse": _("不予受理"),
    "request_correction": _("一次性告知补正"),
    "submit_correction": _("提交补正材料"),
    "attach_file": _("上传材料"),
    "assign_step": _("分派审批环节"),
    "complete_review_step": _("完成审批环节"),
    "record_site_inspection": _("现场核查"),
    "suspend": _("中止（特别程序）"),
    "resume": _("恢复办理"),
    "request_extension": _("申请延期"),
    "approve_extension": _("批准延期"),
    "reject_extension": _("驳回延期申请"),
    "grant": _("准予许可"),
    "deny": _("不予许可"),
    "deliver": _("送达"),
    "withdraw": _("撤回申请"),
    "terminate": _("终止办理"),
    "supply_tolerated_material": _("补齐容缺材料"),
    "promise_overdue": _("容缺承诺逾期"),
    "revoke_licence": _("撤销证照"),
    "deem_renewed": _("视为准予延续"),
    "record_commitment": _("登记告知承诺书"),
    "verify_commitment": _("告知承诺核查"),
    "record_credit": _("记入信用记录"),
    "verification_overdue": _("告知承诺核查逾期"),
    "propose_revocation": _("提出撤销许可"),
    "notify_revocation": _("撤销告知书送达"),
    "submit_revocation_views": _("陈述、申辩"),
    "record_revocation_hearing": _("撤销听证"),
    "keep_licence": _("决定不予撤销"),
    "withdraw_revocation_proposal": _("撤回撤销提议"),
    "opinion_requested": _("征求意见"),
    "opinion_answered": _("部门答复意见"),
    "opinion_deemed": _("逾期视为无意见"),
    "opinion_overdue": _("征求意见逾期督办"),
    "opinion_withdrawn": _("撤回征求意见"),
    "joint_report": _("联合环节报告"),
}


@register.filter
def event_label(action: str) -> str:
    return str(EVENT_LABELS.get(action, action))


@register.filter
def state_label(value: str) -> str:
    try:
        return str(State(value).label)
    except ValueError:
        return value or "—"


def _day(text: object) -> str:
    """An ISO date kept in an event's data, written as the locale writes dates."""
    try:
        return formats.date_format(datetime.date.fromisoformat(str(text)), "DATE_FORMAT")
    except ValueError:
        return str(text)


def _facts(action: str, data: dict) -> list[str]:
    facts = []
    if action in ("receive",) and data.get("version"):
        facts.append(str(_("事项版本：第{n}版")).format(n=data["version"]))
    if data.get("name") and action in ("assign_step", "complete_review_step"):
        facts.append(str(_("环节：{name}")).format(name=data["name"]))
    if data.get("assignee_name"):
        facts.append(str(_("承办人：{name}")).format(name=data["assignee_name"]))
    if action == "complete_review_step" and data.get("outcome"):
        facts.append(
            str(_("结论：同意")) if data["outcome"] == "approve" else str(_("结论：不同意"))
        )
    if action == "attach_file" and data.get("material"):
        facts.append(f"{data['material']}：{data.get('name', '')}")
    if action == "request_correction":
        facts += [f"{i['material']}：{i['note']}" for i in data.get("items", [])]
    if action == "record_site_inspection" and data.get("inspectors"):
        facts.append(
            str(_("核查人员：{names}")).format(
                names="、".join(i["name"] for i in data["inspectors"])
            )
        )
    if action == "suspend" and data.get("kind_label"):
        facts.append(
            str(_("{kind}，预计{days}个工作日")).format(
                kind=data["kind_label"], days=data.get("expected_days")
            )
        )
    if data.get("promised_due") and action in (
        "accept",
        "deem_accepted",
        "resume",
        "approve_extension",
    ):
        facts.append(str(_("承诺办结：{date}")).format(date=_day(data["promised_due"])))
    if data.get("licence") and action in (
        "grant",
        "deliver",
        "revoke_licence",
        "deem_renewed",
        "receive",
    ):
        facts.append(str(_("证照：{number}")).format(number=data["licence"]))
    if data.get("version") and action in ("grant", "deem_renewed"):
        facts.append(str(_("证照第{n}版")).format(n=data["version"]))
    if data.get("cancelled_on") and action == "grant":
        facts.append(str(_("注销日期：{date}")).format(date=_day(data["cancelled_on"])))
    if action == "reject_extension" and data.get("request_reason"):
        facts.append(str(_("所申请的延期理由：{reason}")).format(reason=data["request_reason"]))
    if action == "refuse" and data.get("competent_body"):
        facts.append(str(_("有权机关：{body}")).format(body=data["competent_body"]))
    return facts


@register.filter
def event_facts(event: CaseEvent) -> list[str]:
    return _facts(event.action, event.data or {})


@register.filter
def backdated(event: CaseEvent) -> bool:
    """The event's business date is not the day it was recorded (an action about a past day)."""
    return event.on != today(event.at)


@register.filter
def get(mapping: Mapping[str, Any] | None, key: str) -> Any:
    """`values|get:"scope"`: a dict entry in a template, empty when missing."""
    if not mapping:
        return ""
    return mapping.get(key, "")


@register.filter
def getlist(mapping: Mapping[str, Any] | MultiValueDict | None, key: str) -> list[Any]:
    if isinstance(mapping, MultiValueDict):
        return mapping.getlist(key)
    value = (mapping or {}).get(key, [])
    return value if isinstance(value, list) else [value]


@register.filter
def as_str(value: object) -> str:
    return "" if value is None else str(value)
