"""What each kind of document says (domain.md §6).

Two halves. The facts — dates, numbers, the legal basis, the lists of materials or reasons —
are computed here, one small function per kind, from the case event the document answers and
the case around it (`FACTS`). The wording that carries them — title, paragraphs, closing lines
with named placeholders such as {applicant} or {basis} — is a `DocumentTemplate` version the
bureau's administrators edit and publish (`documents.actions`); `SHIPPED` is its version 1,
following the model forms of 《行政许可法》. `compose` puts the two together into a `Notice`.

The applicant's identity number is never printed (the licence prints an organisation's credit
code, which is public).

How wording is filled in:
- each line of the body is a paragraph, each line of the closing a line under it;
- a line whose placeholders include one without a value is left out (a refusal without a
  competent body has no "请向…提出申请" line); the `if_…` placeholders print nothing and exist
  only for that: a line with {if_deemed} is printed only for a deemed acceptance;
- a line that is only a list placeholder ({correction_items}, {reasons}, {tolerated_materials})
  becomes one numbered line per entry.
"""

import datetime
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oneseal.cases import rules as case_rules
from oneseal.cases.models import Case, CaseEvent, CaseMaterial, Licence, LicenceVersion
from oneseal.organisation.models import Bureau

from .models import DocumentKind, DocumentTemplate
from .rendering import Notice
from .rules import ADDRESSED_KINDS, chinese_date

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

COUNTERFOILS = ("第一联\u3000存档", "第二联\u3000交申请人")
ACCEPTANCE_BASIS = "《中华人民共和国行政许可法》第三十二条第一款第（五）项"
# Deemed acceptance: the silence of 第三十二条第一款第（四）项 (materials incomplete, correction not
# asked within five days) — "逾期不告知的，自收到申请材料之日起即为受理".
DEEMED_BASIS = "《中华人民共和国行政许可法》第三十二条第一款第（四）项"
CORRECTION_BASIS = "《中华人民共和国行政许可法》第三十二条第一款第（四）项"
DIGITS = "零一二三四五六七八九"
# The wording shipped with oneseal is in force from the day the Administrative Licensing Law
# took effect, so every document of any date finds a version.
SHIPPED_FROM = datetime.date(2004, 7, 1)

Value = str | list[str] | None


def chinese_number(n: int) -> str:
    """1–99 as written in documents: 6 → 六, 15 → 十五, 60 → 六十."""
    if n < 10:
        return DIGITS[n]
    tens, ones = divmod(n, 10)
    return f"{'' if tens == 1 else DIGITS[tens]}十{DIGITS[ones] if ones else ''}"


@dataclass(frozen=True)
class Facts:
    """Everything a kind's facts are computed from, gathered once per document."""

    case: Case
    event: CaseEvent
    bureau: Bureau
    licence: Licence | None
    tolerated: list[tuple[str, datetime.date]]
    # What a corrected notice states instead of what its event recorded (due dates recomputed
    # once a provisional year's schedule was published).
    corrected: dict | None = None

    @property
    def data(self) -> dict:
        return {**self.event.data, **(self.corrected or {})}


# --- placeholders ---------------------------------------------------------------------------

COMMON: "dict[str, StrOrPromise]" = {
    "applicant": _("申请人姓名或名称"),
    "item": _("申请事项（办理项名称）"),
    "case_number": _("办件编号"),
    "received_on": _("收件日期"),
    "bureau": _("行政审批局名称"),
    "enquiry_phone": _("咨询电话"),
    "complaint_phone": _("投诉电话"),
}
REMEDIES: "dict[str, StrOrPromise]" = {
    "reconsideration_days": _("申请行政复议的期限（日，大写，如“六十”）"),
    "reconsideration_basis": _("行政复议的法律依据"),
    "reconsideration_body": _("行政复议机关"),
    "litigation_months": _("提起行政诉讼的期限（月，大写，如“六”）"),
    "litigation_basis": _("行政诉讼的法律依据"),
    "court": _("管辖法院"),
}
ACCEPTANCE: "dict[str, StrOrPromise]" = {
    "basis": _("受理的法律依据"),
    "accepted_on": _("受理日期"),
    "promised_due": _("承诺办结日期（作出决定的日期）"),
    "statutory_due": _("法定办结期限"),
    "clerk": _("受理人"),
    "query_code": _("办件查询码"),
}

HEARING_CITED: "dict[str, StrOrPromise]" = {
    "hearing_held_on": _("举行听证的日期（举行过听证时）"),
    "hearing_record_basis": _("依据听证笔录作出决定的法律依据"),
}
# The notices served on one addressee each (the applicant or an interested party).
ADDRESSED: "dict[str, StrOrPromise]" = {
    "applicant": _("申请人姓名或名称"),
    "item": _("申请事项（办理项名称）"),
    "case_number": _("办件编号"),
    "received_on": _("收件日期"),
    "bureau": _("行政审批局名称"),
    "enquiry_phone": _("咨询电话"),
    "complaint_phone": _("投诉电话"),
    "addressee": _("被告知人（申请人或利害关系人）"),
    "concern": _("利害关系（被告知人为利害关系人时）"),
    "if_party": _("条件：仅在被告知人为利害关系人时显示所在行"),
    "notified_on": _("告知日期"),
    "basis": _("法律依据"),
}

PLACEHOLDERS: "dict[str, dict[str, StrOrPromise]]" = {
    DocumentKind.ACCEPTANCE: {
        **COMMON,
        **ACCEPTANCE,
        "materials_arrived_on": _("申请材料到达日期（视为受理时）"),
        "if_deemed": _("条件：仅在逾期视为受理时显示所在行，本身不显示文字"),
        "if_not_deemed": _("条件：仅在作出受理决定时显示所在行，本身不显示文字"),
        "if_provisional": _("条件：仅在期限涉及尚未公布放假安排的年份时显示所在行"),
    },
    DocumentKind.TOLERATED_ACCEPTANCE: {
        **COMMON,
        **ACCEPTANCE,
        "tolerated_materials": _("容缺材料及承诺补齐日期（列表）"),
        "missed_promise_rule": _("逾期未补齐的处理方式"),
        "if_provisional": _("条件：仅在期限涉及尚未公布放假安排的年份时显示所在行"),
    },
    DocumentKind.CORRECTION: {
        **COMMON,
        "basis": _("一次性告知的法律依据"),
        "correction_items": _("需补正的全部材料及要求（列表）"),
        "clerk": _("经办人"),
        "notified_on": _("告知日期"),
    },
    DocumentKind.REFUSAL: {
        **COMMON,
        **REMEDIES,
        "basis": _("不予受理的依据（第三十二条第一款的项）"),
        "reason": _("不予受理的理由"),
        "competent_body": _("有权受理的行政机关（不属于本机关职权时）"),
        "clerk": _("经办人"),
    },
    DocumentKind.SPECIAL_PROCEDURE: {
        **COMMON,
        "procedure": _("特别程序名称"),
        "reason": _("需要特别程序的原因"),
        "basis": _("特别程序的法律依据"),
        "expected_days": _("预计所需工作日数"),
        "expected_end": _("预计完成日期"),
        "statutory_due": _("法定办结期限（法定期限不中止时）"),
        "if_promised_only": _("条件：仅在特别程序只中止承诺时限、不中止法定期限时显示所在行"),
    },
    DocumentKind.EXTENSION: {
        **COMMON,
        "reason": _("延期理由"),
        "basis": _("延期的法律依据"),
        "extension_days": _("延长的工作日数（大写）"),
        "promised_due_before": _("原承诺办结日期"),
        "promised_due": _("延长后承诺办结日期"),
        "statutory_due": _("延长后法定办结期限"),
        "government_approver": _("批准延期的本级人民政府负责人（联合办理）"),
        "approval_document": _("批准文件（联合办理）"),
        "if_joint": _("条件：仅在联合办理经本级人民政府负责人批准延期时显示所在行"),
        "if_not_joint": _("条件：仅在本机关负责人批准延期时显示所在行"),
    },
    DocumentKind.GRANT: {
        **COMMON,
        "basis": _("准予许可的法律依据"),
        "licence_name": _("证照名称"),
        "licence_number": _("证照编号"),
        "scope": _("许可范围"),
        "validity": _("有效期限"),
        "delivery_due": _("证照送达期限"),
        "if_held": _("条件：仅在证照因容缺材料未补齐而暂缓发放时显示所在行"),
        "if_not_held": _("条件：仅在证照正常发放时显示所在行"),
        **HEARING_CITED,
    },
    DocumentKind.DENIAL: {
        **COMMON,
        **REMEDIES,
        "accepted_on": _("受理日期"),
        "basis": _("不予许可的法律依据"),
        "reasons": _("不予许可的理由（列表）"),
        **HEARING_CITED,
    },
    DocumentKind.REVOCATION_NOTICE: {
        **COMMON,
        "licence_number": _("拟撤销的证照编号"),
        "facts": _("拟撤销的事实和理由"),
        "basis": _("撤销的法律依据"),
        "views_basis": _("陈述、申辩权利的法律依据"),
        "views_days": _("陈述、申辩期限（工作日，大写，如“五”）"),
        "if_hearing": _("条件：仅在告知听证权利时显示所在行，本身不显示文字"),
        "hearing_basis": _("听证权利的法律依据"),
    },
    DocumentKind.REVOCATION: {
        **COMMON,
        **REMEDIES,
        "licence_number": _("被撤销的证照编号"),
        "reason": _("撤销理由"),
        "basis": _("撤销的法律依据"),
        "notice_served_on": _("撤销行政许可告知书送达日期"),
        "views_summary": _("陈述、申辩及复核情况"),
    },
    DocumentKind.LICENCE: {
        "bureau": _("发证机关"),
        "item": _("许可事项"),
        "licence_name": _("证照名称"),
        "licence_number": _("证照编号"),
        "holder": _("持证人"),
        "credit_code": _("统一社会信用代码（法人或其他组织）"),
        "scope": _("许可范围"),
        "validity": _("有效期限"),
        "issued_on": _("发证日期"),
    },
    DocumentKind.CANCELLATION: {
        **COMMON,
        "basis": _("注销的法律依据"),
        "licence_name": _("证照名称"),
        "licence_number": _("被注销的证照编号"),
        "cancelled_on": _("注销日期"),
    },
    DocumentKind.DEEMED_RENEWAL: {
        **COMMON,
        "basis": _("视为准予延续的法律依据"),
        "licence_name": _("证照名称"),
        "licence_number": _("证照编号"),
        "expired_on": _("原有效期届满日期"),
        "validity": _("延续后的有效期限"),
    },
    DocumentKind.RECEIPT: {
        **COMMON,
        "received_at": _("收件时间"),
        "channel": _("收件方式（窗口、网上）"),
        "materials": _("收到的申请材料（列表）"),
        "basis": _("受理期限的法律依据"),
        "acceptance_due": _("作出是否受理决定的期限"),
        "query_code": _("办件查询码"),
        "tracking": _("查询办理进度的方式"),
        "clerk": _("收件人（窗口收件时）"),
        "if_provisional": _("条件：仅在期限涉及尚未公布放假安排的年份时显示所在行"),
        "if_application": _("条件：仅在收到申请时显示所在行"),
        "if_correction": _("条件：仅在收到补正材料时（补正材料接收凭证）显示所在行"),
    },
    DocumentKind.WITHDRAWAL: {
        **COMMON,
        "withdrawn_on": _("申请撤回日期"),
        "reason": _("撤回理由"),
        "clerk": _("经办人（窗口登记撤回时）"),
    },
    DocumentKind.JOINT_RESULT: {
        "applicant": _("申请人姓名或名称"),
        "bureau": _("行政审批局名称"),
        "enquiry_phone": _("咨询电话"),
        "complaint_phone": _("投诉电话"),
        "title": _("联办事项（项目阶段或一件事）"),
        "received_on": _("收件日期"),
        "concluded_on": _("办结日期"),
        "results": _("各事项的决定及证照、文书编号（列表）"),
        "outcome": _("办理结果"),
        "reasons": _("必办事项未获许可的理由（列表）"),
        "if_ended": _("条件：仅在必办事项未获许可、联办终结时显示所在行"),
    },
    DocumentKind.TERMINATION: {
        **COMMON,
        **REMEDIES,
        "accepted_on": _("受理日期（已受理时）"),
        "reason": _("终止审查的事实和理由"),
        "terminated_on": _("终止日期"),
        "licence_voided": _("同时作废的暂缓发放证照编号"),
    },
    DocumentKind.HEARING_RIGHT: {
        **ADDRESSED,
        "matter": _("听证事项"),
        "request_due": _("申请听证截止日期"),
    },
    DocumentKind.HEARING_NOTICE: {
        **ADDRESSED,
        "matter": _("听证事项"),
        "starts_at": _("举行听证的时间"),
        "place": _("举行听证的地点"),
        "presiding": _("听证主持人"),
        "if_public": _("条件：仅在涉及公共利益、已向社会公告的听证时显示所在行"),
    },
    DocumentKind.INTERESTED_PARTY: {
        **ADDRESSED,
    },
}

LIST_PLACEHOLDERS = frozenset({"tolerated_materials", "correction_items", "reasons", "materials"})
REMEDIES_REQUIRED = {name: _("救济途径（复议六十日、诉讼六个月）") for name in REMEDIES}

# What the law requires each kind to state (domain.md §6): publishing a wording without one of
# these placeholders is refused, naming what is missing.
REQUIRED: "dict[str, dict[str, StrOrPromise]]" = {
    DocumentKind.ACCEPTANCE: {
        "basis": _("受理依据"),
        "promised_due": _("作出决定的日期"),
        "clerk": _("受理人"),
        "complaint_phone": _("投诉电话"),
    },
    DocumentKind.TOLERATED_ACCEPTANCE: {
        "basis": _("受理依据"),
        "promised_due": _("作出决定的日期"),
        "clerk": _("受理人"),
        "complaint_phone": _("投诉电话"),
        "tolerated_materials": _("容缺材料及补齐日期"),
    },
    DocumentKind.CORRECTION: {
        "basis": _("一次性告知的依据"),
        "correction_items": _("需补正的全部材料"),
    },
    DocumentKind.REFUSAL: {
        "basis": _("第三十二条的具体项"),
        "reason": _("不予受理的理由"),
        "competent_body": _("有权受理的行政机关"),
    },
    DocumentKind.SPECIAL_PROCEDURE: {
        "procedure": _("特别程序"),
        "basis": _("法律依据"),
        "expected_days": _("预计所需时间"),
    },
    DocumentKind.EXTENSION: {
        "extension_days": _("延长的期限"),
        "promised_due": _("延长后的办结日期"),
        "basis": _("法律依据"),
    },
    DocumentKind.GRANT: {
        "basis": _("法律依据"),
        "licence_number": _("证照编号"),
        "scope": _("许可范围"),
        "validity": _("有效期限"),
    },
    DocumentKind.DENIAL: {
        "basis": _("法律依据"),
        "reasons": _("不予许可的理由"),
        **REMEDIES_REQUIRED,
    },
    DocumentKind.REVOCATION_NOTICE: {
        "licence_number": _("证照编号"),
        "facts": _("拟撤销的事实和理由"),
        "basis": _("法律依据"),
        "views_days": _("陈述、申辩期限"),
    },
    DocumentKind.REVOCATION: {
        "licence_number": _("证照编号"),
        "reason": _("撤销理由"),
        "basis": _("法律依据"),
        **REMEDIES_REQUIRED,
    },
    DocumentKind.LICENCE: {
        "licence_number": _("证照编号"),
        "holder": _("持证人"),
        "scope": _("许可范围"),
        "validity": _("有效期限"),
        "bureau": _("发证机关"),
    },
    DocumentKind.CANCELLATION: {
        "basis": _("法律依据"),
        "licence_number": _("证照编号"),
        "cancelled_on": _("注销日期"),
    },
    DocumentKind.DEEMED_RENEWAL: {
        "basis": _("法律依据"),
        "licence_number": _("证照编号"),
        "validity": _("延续后的有效期限"),
    },
    DocumentKind.RECEIPT: {
        "materials": _("收到的申请材料"),
        "case_number": _("办件编号"),
        "query_code": _("查询码"),
        "acceptance_due": _("作出是否受理决定的期限"),
        "basis": _("法律依据"),
    },
    DocumentKind.WITHDRAWAL: {"withdrawn_on": _("申请撤回日期"), "case_number": _("办件编号")},
    DocumentKind.TERMINATION: {"reason": _("终止审查的事实和理由"), **REMEDIES_REQUIRED},
    DocumentKind.JOINT_RESULT: {"title": _("联办事项"), "results": _("各事项的决定")},
    # The addressee of these is printed above the body by the rendering, whatever the wording.
    DocumentKind.HEARING_RIGHT: {"basis": _("法律依据"), "request_due": _("申请听证截止日期")},
    DocumentKind.HEARING_NOTICE: {
        "starts_at": _("举行听证的时间"),
        "place": _("举行听证的地点"),
        "presiding": _("听证主持人"),
    },
    DocumentKind.INTERESTED_PARTY: {"basis": _("法律依据"), "concern": _("利害关系")},
}

# 第一联存档 / 第二联交申请人: every notice served on the applicant is printed twice, one copy
# kept on the case file; the licence is a single original.
COPIES = {
    kind: (() if kind == DocumentKind.LICENCE else COUNTERFOILS) for kind in DocumentKind.values
}
# A notice served on an interested party is handed to them, not to the applicant.
for _kind in ADDRESSED_KINDS:
    COPIES[_kind] = ("第一联\u3000存档", "第二联\u3000交被告知人")


# --- wording version 1 ----------------------------------------------------------------------


@dataclass(frozen=True)
class Wording:
    title: str
    body: str
    closing: str = ""


OPENING = "你（单位）于{received_on}提交的“{item}”申请（办件编号：{case_number}）"
CONTACT = "咨询电话：{enquiry_phone}\n投诉电话：{complaint_phone}"
REMEDIES_TEXT = (
    "如不服本决定，可以自收到本决定书之日起{reconsideration_days}日内，依照{reconsideration_basis}的规定"
    "向{reconsideration_body}申请行政复议；也可以自收到本决定书之日起{litigation_months}个月内，"
    "依照{litigation_basis}的规定向{court}提起行政诉讼。"
)
PROVISIONAL_NOTE = (
    "注：标注“暂定”的日期所在年度的节假日安排尚未公布，已按法定节假日计算；安排公布后期限如有变化，"
    "本机关将出具更正后的通知书。{if_provisional}"
)
ACCEPTANCE_CLOSING = (
    "申请事项：{item}\n受理日期：{accepted_on}\n承诺办结日期：{promised_due}\n"
    "法定办结期限：{statutory_due}\n受理人：{clerk}\n查询码：{query_code}\n"
    + CONTACT
    + "\n"
    + PROVISIONAL_NOTE
)

HEARING_LINE = "本机关已于{hearing_held_on}就该申请举行听证，依照{hearing_record_basis}的规定，本决定根据听证笔录作出。\n"
ADDRESSED_OPENING = "{applicant}于{received_on}提出的“{item}”申请（办件编号：{case_number}）"

SHIPPED: dict[str, Wording] = {
    DocumentKind.ACCEPTANCE: Wording(
        "受理通知书",
        f"{OPENING}，经审查，申请材料齐全、符合法定形式，依照{{basis}}的规定，本机关决定予以受理。{{if_not_deemed}}\n"
        f"{OPENING}，本机关未在五个工作日内作出是否受理的决定，依照{{basis}}的规定，"
        "自收到申请材料之日（{materials_arrived_on}）起即为受理。{if_deemed}\n"
        "本机关将在下列日期前作出行政许可决定，请留意办理进度。",
        ACCEPTANCE_CLOSING,
    ),
    DocumentKind.TOLERATED_ACCEPTANCE: Wording(
        "容缺受理通知书",
        f"{OPENING}，经审查，核心材料齐全、符合法定形式，依照{{basis}}的规定，本机关决定予以受理。\n"
        "你（单位）承诺在下列日期前补齐以下非核心材料：\n{tolerated_materials}\n"
        "逾期未补齐的，按照办事指南的规定处理（{missed_promise_rule}）。\n"
        "本机关将在下列日期前作出行政许可决定，请留意办理进度。",
        ACCEPTANCE_CLOSING,
    ),
    DocumentKind.CORRECTION: Wording(
        "补正材料通知书",
        f"{OPENING}，申请材料不齐全或者不符合法定形式。依照{{basis}}的规定，现一次告知你（单位）需要补正的全部内容如下：\n"
        "{correction_items}\n"
        "请按上述要求补正后重新提交。本机关自收到全部补正材料之日起五个工作日内作出是否受理的决定。",
        "经办人：{clerk}\n告知日期：{notified_on}\n" + CONTACT,
    ),
    DocumentKind.REFUSAL: Wording(
        "不予受理决定书",
        f"{OPENING}，经审查，{{reason}}。依照{{basis}}的规定，本机关决定不予受理。\n"
        "该申请事项不属于本机关职权范围，请向{competent_body}提出申请。\n" + REMEDIES_TEXT,
        "经办人：{clerk}\n" + CONTACT,
    ),
    DocumentKind.SPECIAL_PROCEDURE: Wording(
        "特别程序告知书",
        f"{OPENING}，因{{reason}}，需要进行{{procedure}}。依照{{basis}}的规定，{{procedure}}所需时间不计算在行政许可期限内。\n"
        f"{OPENING}，因{{reason}}，需要进行{{procedure}}。{{procedure}}所需时间不计算在本机关承诺办结期限内；"
        "该程序不属于法定不计入审批期限的情形，法定办结期限（{statutory_due}）不变。{if_promised_only}",
        "特别程序：{procedure}\n预计所需时间：{expected_days}个工作日\n预计完成日期：{expected_end}\n"
        + CONTACT,
    ),
    DocumentKind.EXTENSION: Wording(
        "延长审批期限告知书",
        f"{OPENING}，因{{reason}}，不能在规定期限内作出决定。经本机关负责人批准，依照{{basis}}的规定，"
        "审批期限延长{extension_days}个工作日。{if_not_joint}\n"
        f"{OPENING}，因{{reason}}，不能在规定期限内作出决定。经本级人民政府负责人（{{government_approver}}）批准"
        "（{approval_document}），依照{basis}的规定，审批期限延长{extension_days}个工作日。{if_joint}",
        "原承诺办结日期：{promised_due_before}\n延长后承诺办结日期：{promised_due}\n"
        "延长后法定办结期限：{statutory_due}\n" + CONTACT,
    ),
    DocumentKind.GRANT: Wording(
        "准予行政许可决定书",
        f"{OPENING}，经审查，符合法定条件、标准，依照{{basis}}的规定，本机关决定准予行政许可。\n"
        + HEARING_LINE
        + "你（单位）容缺受理时承诺补齐的材料尚未补齐，证照在补齐前暂缓发放。{if_held}\n"
        "本机关将于{delivery_due}前向你（单位）颁发、送达行政许可证件。{if_not_held}",
        "证照名称：{licence_name}\n证照编号：{licence_number}\n许可范围：{scope}\n有效期限：{validity}\n"
        + CONTACT,
    ),
    DocumentKind.DENIAL: Wording(
        "不予行政许可决定书",
        f"{OPENING}，本机关已于{{accepted_on}}受理。经审查，因下列理由，依照{{basis}}的规定，本机关决定不予行政许可：\n"
        "{reasons}\n" + HEARING_LINE + REMEDIES_TEXT,
        CONTACT,
    ),
    DocumentKind.REVOCATION_NOTICE: Wording(
        "撤销行政许可告知书",
        f"{OPENING}经本机关准予行政许可（证照编号：{{licence_number}}）。\n"
        "经查，{facts}。依照{basis}的规定，本机关拟撤销该行政许可。\n"
        "依照{views_basis}的规定，你（单位）有权进行陈述和申辩。请于收到本告知书之日起{views_days}个工作日内，"
        "通过网上办事大厅或到政务服务大厅窗口向本机关提出陈述、申辩意见；逾期未提出的，视为放弃陈述、申辩的权利。\n"
        "该许可事项直接关系你（单位）与他人之间的重大利益，依照{hearing_basis}的规定，你（单位）有权要求听证，"
        "请于收到本告知书之日起五日内提出。{if_hearing}\n"
        "本机关将在听取你（单位）的陈述、申辩意见或期限届满后作出决定。",
        CONTACT,
    ),
    DocumentKind.REVOCATION: Wording(
        "撤销行政许可决定书",
        f"{OPENING}经本机关准予行政许可（证照编号：{{licence_number}}）。经查，{{reason}}。\n"
        "本机关已于{notice_served_on}告知你（单位）拟撤销的事实、理由、依据和陈述、申辩的权利。{views_summary}。\n"
        "依照{basis}的规定，本机关决定撤销该行政许可，该证照自本决定作出之日起失效。\n"
        + REMEDIES_TEXT,
        CONTACT,
    ),
    DocumentKind.LICENCE: Wording(
        "{licence_name}",
        "经审查，准予{holder}从事下列许可事项，特发此证。",
        "证照编号：{licence_number}\n持证人：{holder}\n统一社会信用代码：{credit_code}\n许可事项：{item}\n"
        "许可范围：{scope}\n有效期限：{validity}\n发证机关：{bureau}\n发证日期：{issued_on}",
    ),
    DocumentKind.CANCELLATION: Wording(
        "准予注销行政许可决定书",
        f"{OPENING}，经审查，符合注销条件。依照{{basis}}的规定，本机关决定注销你（单位）持有的{{licence_name}}"
        "（证照编号：{licence_number}），该行政许可自{cancelled_on}起终止，证照同时失效。",
        "证照名称：{licence_name}\n证照编号：{licence_number}\n注销日期：{cancelled_on}\n"
        + CONTACT,
    ),
    DocumentKind.DEEMED_RENEWAL: Wording(
        "视为准予延续通知书",
        f"{OPENING}，本机关未在该行政许可有效期届满（{{expired_on}}）前作出是否准予延续的决定。"
        "依照{basis}的规定，视为准予延续。\n"
        "延续后证照编号不变，有效期限为{validity}；本机关将向你（单位）换发载明延续后有效期限的证照。",
        "证照名称：{licence_name}\n证照编号：{licence_number}\n有效期限：{validity}\n" + CONTACT,
    ),
    DocumentKind.RECEIPT: Wording(
        "收件凭证",
        "本机关于{received_at}通过{channel}收到你（单位）提交的“{item}”申请（办件编号：{case_number}），"
        "收到的申请材料如下：{if_application}\n"
        "本机关于{received_at}通过{channel}收到你（单位）就“{item}”申请（办件编号：{case_number}）"
        "提交的补正材料，收到的补正材料如下：{if_correction}\n"
        "{materials}\n"
        "依照{basis}的规定，本机关将在收到申请材料之日起五个工作日内（{acceptance_due}前）作出受理或者不予受理的决定，"
        "申请材料不齐全或者不符合法定形式的，一次告知需要补正的全部内容；逾期不告知的，自收到申请材料之日起即为受理。{if_application}\n"
        "依照{basis}的规定，本机关将在收到全部补正材料之日起五个工作日内（{acceptance_due}前）作出受理或者不予受理的决定。{if_correction}\n"
        "本凭证仅证明本机关已收到上述申请材料，不表示申请已被受理。{if_application}\n"
        "本凭证为补正材料接收凭证，仅证明本机关已收到上述补正材料，不表示申请已被受理。{if_correction}\n"
        "{tracking}",
        "办件编号：{case_number}\n查询码：{query_code}\n收件日期：{received_on}\n"
        "作出是否受理决定的期限：{acceptance_due}\n收件人：{clerk}\n"
        + CONTACT
        + "\n"
        + PROVISIONAL_NOTE,
    ),
    DocumentKind.WITHDRAWAL: Wording(
        "准予撤回行政许可申请决定书",
        f"{OPENING}，你（单位）于{{withdrawn_on}}申请撤回，理由：{{reason}}。\n"
        "经审查，本机关准予撤回该申请，对该申请终止审查，不作出准予或者不予行政许可的决定。\n"
        "撤回申请不影响你（单位）今后依法重新提出申请；已提交的纸质申请材料可凭本决定书到政务服务大厅窗口领回。",
        "撤回日期：{withdrawn_on}\n经办人：{clerk}\n" + CONTACT,
    ),
    DocumentKind.JOINT_RESULT: Wording(
        "联办结果告知书",
        "你（单位）于{received_on}提交的“{title}”联办申请，各事项均已作出决定，现将办理结果一并告知如下：\n"
        "{results}\n"
        "办理结果：{outcome}。\n"
        "下列必办事项未获许可，本次联办终结，理由如下：{if_ended}\n"
        "{reasons}\n"
        "各事项的决定书、证照随本告知书一并送达，可凭本告知书编号在政务服务网或窗口查询、下载；"
        "对各事项的决定不服的，依各该决定书告知的途径申请行政复议或者提起行政诉讼。",
        "办结日期：{concluded_on}\n" + CONTACT,
    ),
    DocumentKind.TERMINATION: Wording(
        "终止行政许可审查决定书",
        f"{OPENING}，本机关已于{{accepted_on}}受理。\n"
        "经查，{reason}，该申请的审查无法继续进行。本机关决定自{terminated_on}起终止对该申请的审查，"
        "不作出准予或者不予行政许可的决定。\n"
        "因容缺材料未补齐而暂缓发放的证照（编号：{licence_voided}）同时作废。\n" + REMEDIES_TEXT,
        "终止日期：{terminated_on}\n" + CONTACT,
    ),
    DocumentKind.HEARING_RIGHT: Wording(
        "听证权利告知书",
        f"{ADDRESSED_OPENING}，涉及{{matter}}。该事项直接关系申请人与他人之间的重大利益，"
        "依照{basis}的规定，你（单位）享有要求听证的权利。\n"
        "你（单位）作为该申请的利害关系人（{concern}），享有与申请人同等的要求听证的权利。{if_party}\n"
        "如要求听证，请于{request_due}前（自被告知听证权利之日起五日内；期限的最后一日为法定节假日或者休息日的，"
        "顺延至其后的第一个工作日）通过网上办事大厅或到政务服务大厅窗口提出；逾期未提出的，视为放弃听证权利。\n"
        "本机关将于收到听证申请之日起二十个工作日内组织听证，并于举行听证的七个工作日前通知举行听证的时间、地点。"
        "申请人、利害关系人不承担组织听证的费用。",
        "告知日期：{notified_on}\n申请听证截止日期：{request_due}\n" + CONTACT,
    ),
    DocumentKind.HEARING_NOTICE: Wording(
        "举行听证通知书",
        f"关于{ADDRESSED_OPENING}，依照{{basis}}的规定，本机关定于{{starts_at}}在{{place}}就{{matter}}举行听证。\n"
        "本次听证涉及公共利益，本机关已向社会公告。{if_public}\n"
        "听证主持人为{presiding}，系审查该行政许可申请的工作人员以外的人员。你（单位）认为主持人与该行政许可事项有直接利害关系的，"
        "有权在听证举行前申请回避，并说明理由。\n"
        "举行听证时，审查该行政许可申请的工作人员提供审查意见的证据、理由，你（单位）可以提出证据，并进行申辩和质证。"
        "听证应当制作笔录，笔录交听证参加人确认无误后签字或者盖章；本机关根据听证笔录作出行政许可决定。\n"
        "听证所需时间不计算在行政许可期限内（《中华人民共和国行政许可法》第四十五条）。",
        "举行时间：{starts_at}\n举行地点：{place}\n听证主持人：{presiding}\n" + CONTACT,
    ),
    DocumentKind.INTERESTED_PARTY: Wording(
        "利害关系人告知书",
        f"{ADDRESSED_OPENING}。经审查，该行政许可事项直接关系你（单位）的重大利益（{{concern}}）。"
        "依照{basis}的规定，现将该申请告知你（单位）。\n"
        "你（单位）有权进行陈述和申辩。请在本机关作出行政许可决定前，通过网上办事大厅或到政务服务大厅窗口提出陈述、申辩意见；"
        "本机关将听取你（单位）的意见，逐项作出答复，并在作出决定时一并考虑。",
        "告知日期：{notified_on}\n" + CONTACT,
    ),
}


# --- facts ------------------------------------------------------------------------------------


def _text(value: object) -> str | None:
    """A fact as printed; None (the line is left out) when there is nothing to print."""
    if value is None or value == "":
        return None
    return str(value).strip().rstrip("。") or None


def _flag(condition: bool) -> str | None:
    return "" if condition else None


def _common(facts: Facts) -> dict[str, Value]:
    case, bureau = facts.case, facts.bureau
    return {
        "applicant": case.applicant.name,
        "item": case.handling_item.name,
        "case_number": case.number,
        "received_on": chinese_date(case.received_on),
        "bureau": bureau.name,
        "enquiry_phone": _text(bureau.phone),
        "complaint_phone": _text(bureau.complaint_phone or case.handling_item.complaint_phone),
    }


def _remedies(remedies: dict) -> dict[str, Value]:
    """The rights an adverse decision must state: reconsideration within 60 days
    (《行政复议法》第二十条) or a lawsuit within 6 months (《行政诉讼法》第四十六条)."""
    recon, suit = remedies["reconsideration"], remedies["litigation"]
    return {
        "reconsideration_days": chinese_number(recon["days"]),
        "reconsideration_basis": recon["basis"],
        "reconsideration_body": recon["body"],
        "litigation_months": chinese_number(suit["months"]),
        "litigation_basis": suit["basis"],
        "court": suit["court"],
    }


PROVISIONAL_MARK = "（暂定）"


def dated(day: datetime.date | str | None, provisional: bool) -> str | None:
    """A date as printed; a date in a year whose holiday schedule is not published yet is
    marked 暂定 (the 调休 may still move it)."""
    text = chinese_date(day)
    return (text + PROVISIONAL_MARK if provisional and text else text) or None


def due_flag(data: dict, key: str, default: bool = False) -> bool:
    """Whether the date `key` ("promised_due", "statutory_due") an event or a correction
    recorded is provisional: its own flag; an event recorded before each date had one says only
    whether either was, and its notice printed both dates so."""
    return bool(data.get(f"{key}_provisional", data.get("provisional", default)))


def _due(facts: Facts, key: str) -> str | None:
    provisional = due_flag(facts.data, key, getattr(facts.case, f"{key}_provisional"))
    return dated(facts.data.get(key) or getattr(facts.case, key), provisional)


def _acceptance(facts: Facts) -> dict[str, Value]:
    deemed = facts.event.action == "deem_accepted"
    return {
        **_common(facts),
        "basis": DEEMED_BASIS if deemed else ACCEPTANCE_BASIS,
        "accepted_on": chinese_date(facts.case.accepted_on),
        "promised_due": _due(facts, "promised_due"),
        "statutory_due": _due(facts, "statutory_due"),
        "clerk": None if facts.event.actor_id is None else _text(facts.event.actor_name),
        "query_code": facts.case.query_code,
        "materials_arrived_on": chinese_date(facts.case.materials_arrived_on),
        "if_deemed": _flag(deemed),
        "if_not_deemed": _flag(not deemed),
        # The note explains the 暂定 of a date this notice prints, so only such a date calls for it.
        "if_provisional": _flag(
            any(
                due_flag(facts.data, key, getattr(facts.case, f"{key}_provisional"))
                for key in ("promised_due", "statutory_due")
            )
        ),
    }


def acceptance(facts: Facts) -> dict[str, Value]:
    return _acceptance(facts)


def tolerated_acceptance(facts: Facts) -> dict[str, Value]:
    return {
        **_acceptance(facts),
        "tolerated_materials": [
            f"{name}：{chinese_date(until)}前补齐" for name, until in facts.tolerated
        ],
        "missed_promise_rule": facts.case.handling_item.get_missed_promise_rule_display(),
    }


def correction(facts: Facts) -> dict[str, Value]:
    return {
        **_common(facts),
        "basis": CORRECTION_BASIS,
        "correction_items": [
            f"{row['material']}：{row['note']}" for row in facts.data.get("items", [])
        ],
        "clerk": _text(facts.event.actor_name),
        "notified_on": chinese_date(facts.event.on),
    }


def refusal(facts: Facts) -> dict[str, Value]:
    return {
        **_common(facts),
        **_remedies(case_rules.remedies(facts.case.region.name)),
        "basis": facts.data["basis"],
        "reason": _text(facts.event.reason),
        "competent_body": _text(facts.data.get("competent_body")),
        "clerk": _text(facts.event.actor_name),
    }


def special_procedure(facts: Facts) -> dict[str, Value]:
    d = facts.data
    # A suspension recorded before clocks were told apart stopped both, under 第四十五条.
    stops_statutory = d.get("stops_statutory", True)
    return {
        **_common(facts),
        "procedure": d["kind_label"],
        "reason": _text(d["reason"]),
        "basis": (d["basis"] or None) if stops_statutory else None,
        "expected_days": str(d["expected_days"]),
        "expected_end": dated(d["expected_end"], d.get("expected_end_provisional", False)),
        "statutory_due": dated(d.get("statutory_due"), d.get("statutory_due_provisional", False)),
        "if_promised_only": _flag(not stops_statutory),
    }


def extension(facts: Facts) -> dict[str, Value]:
    d = facts.data
    return {
        **_common(facts),
        "reason": _text(d["reason"]),
        "basis": d["basis"],
        "extension_days": chinese_number(d["days"]),
        "government_approver": _text(d.get("government_approver")),
        "approval_document": _text(d.get("approval_document")),
        "if_joint": _flag(bool(d.get("government_approver"))),
        "if_not_joint": _flag(not d.get("government_approver")),
        "promised_due_before": chinese_date(d["promised_due_before"]),
        "promised_due": dated(d["promised_due"], due_flag(d, "promised_due")),
        "statutory_due": dated(d["statutory_due"], due_flag(d, "statutory_due")),
    }


def _validity(
    valid_from: datetime.date | str | None, valid_until: datetime.date | str | None
) -> str:
    return f"{chinese_date(valid_from)}至{chinese_date(valid_until) if valid_until else '长期'}"


def grant(facts: Facts) -> dict[str, Value]:
    d = facts.data
    held = bool(d.get("held"))
    return {
        **_common(facts),
        "basis": d["basis"],
        "licence_name": d["name"],
        "licence_number": d["licence"],
        "scope": d["scope"],
        "validity": _validity(d["valid_from"], d["valid_until"]),
        "delivery_due": dated(d.get("delivery_due"), d.get("delivery_due_provisional", False)),
        "if_held": _flag(held),
        "if_not_held": _flag(not held),
        **_hearing_cited(d),
    }


def _hearing_cited(d: dict) -> dict[str, Value]:
    """第四十八条第二款: a decision made after a hearing says it rests on the hearing's record."""
    record = d.get("hearing_record") or {}
    return {
        "hearing_held_on": chinese_date(record.get("held_on")) or None,
        "hearing_record_basis": "《中华人民共和国行政许可法》第四十八条第二款" if record else None,
    }


def denial(facts: Facts) -> dict[str, Value]:
    d = facts.data
    return {
        **_common(facts),
        **_remedies(d["remedies"]),
        "accepted_on": chinese_date(facts.case.accepted_on),
        "basis": d["basis"],
        "reasons": list(d["reasons"]),
        **_hearing_cited(d),
    }


VIEWS_BASIS = "《中华人民共和国行政许可法》第七条"
HEARING_BASIS = "《中华人民共和国行政许可法》第四十七条第一款"


def revocation_notice(facts: Facts) -> dict[str, Value]:
    """撤销行政许可告知书: the facts, grounds and basis of the proposed revocation, and the
    holder's right to state views (第七条) within the period — and to a hearing (第四十七条)
    where the proposer marked the matter as one."""
    d = facts.data
    return {
        **_common(facts),
        "licence_number": d["licence"],
        "facts": _text(d["facts"]),
        "basis": d["basis"],
        "views_basis": VIEWS_BASIS,
        "views_days": chinese_number(int(d["views_days"])),
        "if_hearing": _flag(bool(d.get("hearing_right"))),
        "hearing_basis": HEARING_BASIS,
    }


def revocation(facts: Facts) -> dict[str, Value]:
    """撤销行政许可决定书: the reason, the basis, the notice and the holder's views, and the
    remedies. Names the bureau only, never the staff member who decided."""
    d = facts.data
    views_on = d.get("views_on")
    if views_on:
        summary = _text(
            "你（单位）于{date}提出了陈述、申辩意见，经复核：{review}".format(
                date=chinese_date(views_on), review=d.get("review") or "所提意见不能成立"
            )
        )
    elif d.get("notified_on"):
        summary = "你（单位）在规定期限内未提出陈述、申辩意见"
    else:
        summary = None
    return {
        **_common(facts),
        **_remedies(d["remedies"]),
        "licence_number": d["licence"],
        "reason": _text(d["reason"]),
        "basis": d.get("basis") or None,
        "notice_served_on": chinese_date(d.get("notified_on")) or None,
        "views_summary": summary,
    }


def licence(facts: Facts) -> dict[str, Value]:
    """The licence as the version its event made (a change, renewal or replacement copy prints
    that version's terms, whatever came after); a licence from before versions, as it is."""
    lic = facts.licence
    assert lic is not None  # a licence is only owed by the grant or change that made one
    version = LicenceVersion.objects.filter(licence=lic, event=facts.event).first()
    terms = version or lic
    return {
        "bureau": facts.bureau.name,
        "item": lic.case.handling_item.name,
        "licence_name": lic.name,
        "licence_number": lic.number,
        "holder": lic.holder.name,
        "credit_code": _text(lic.holder.credit_code),
        "scope": terms.scope,
        "validity": _validity(terms.valid_from, terms.valid_until),
        "issued_on": chinese_date(terms.issued_on),
    }


def cancellation(facts: Facts) -> dict[str, Value]:
    d = facts.data
    return {
        **_common(facts),
        "basis": d["basis"],
        "licence_name": d["name"],
        "licence_number": d["licence"],
        "cancelled_on": chinese_date(d["cancelled_on"]),
    }


def deemed_renewal(facts: Facts) -> dict[str, Value]:
    d = facts.data
    return {
        **_common(facts),
        "basis": d["basis"],
        "licence_name": d["name"],
        "licence_number": d["licence"],
        "expired_on": chinese_date(d["expired_on"]),
        "validity": _validity(d["valid_from"], d["valid_until"]),
    }


# The five working days of 第三十二条第一款: within them the bureau accepts, refuses or asks once
# for every correction; after them the application counts as accepted.
RECEIPT_BASIS = "《中华人民共和国行政许可法》第三十二条第一款"
TRACKING = (
    "你（单位）可凭办件编号和查询码在网上办事大厅“办件查询”查询办理进度，"
    "也可登录网上办事大厅在“我的办件”中查看，或到政务服务大厅窗口查询。"
)


def _received_materials(case: Case) -> list[str]:
    """The checklist lines the application covers, as submitted: with the files uploaded for
    each (online); a line nobody uploaded anything for online is said to be missing, so the
    receipt never claims more than arrived."""
    lines = (
        CaseMaterial.objects.filter(case=case)
        .exclude(status=CaseMaterial.Status.NOT_NEEDED)
        .select_related("material")
        .prefetch_related("uploads")
        .order_by("material__order", "pk")
    )
    out = []
    for line in lines:
        files = [u.original_name for u in line.uploads.all()]
        if files:
            out.append(f"{line.material.name}（电子文件：{'、'.join(files)}）")
        elif case.channel == "online":
            out.append(f"{line.material.name}（未上传）")
        else:
            m = line.material
            out.append(f"{m.name}（{m.get_form_display()}{m.copies}份，待核验）")
    return out


def receipt(facts: Facts) -> dict[str, Value]:
    """收件凭证: what arrived, when, and by when the bureau must answer (第三十二条第一款). For the
    materials of a correction (补正材料接收凭证) it names the corrected lines and the new five
    working days, counted from the day the correction arrived."""
    case, d = facts.case, facts.data
    correction = facts.event.action == "submit_correction"
    provisional = bool(d.get("acceptance_due_provisional", case.acceptance_due_provisional))
    at = timezone.localtime(facts.event.at if correction else case.received_at)
    if correction:  # handed over at the window, or uploaded by the applicant online
        by_clerk = facts.event.actor_id is not None and not d.get("by_applicant")
    else:
        by_clerk = facts.event.actor_id is not None and case.channel == "window"
    if correction:
        materials = list(d.get("materials") or []) or ["（无）"]
    else:
        materials = _received_materials(case) or ["（无）"]
    return {
        **_common(facts),
        "received_at": f"{chinese_date(at.date())}{at:%H:%M}",
        "received_on": chinese_date(facts.event.on if correction else case.received_on),
        "channel": "政务服务大厅窗口"
        if (by_clerk if correction else case.channel == "window")
        else "网上办事大厅",
        "materials": materials,
        "basis": RECEIPT_BASIS,
        "acceptance_due": dated(d.get("acceptance_due") or case.acceptance_due, provisional),
        "query_code": case.query_code,
        "tracking": TRACKING,
        "clerk": _text(facts.event.actor_name) if by_clerk else None,
        "if_provisional": _flag(provisional),
        "if_application": _flag(not correction),
        "if_correction": _flag(correction),
    }


def withdrawal(facts: Facts) -> dict[str, Value]:
    d = facts.data
    return {
        **_common(facts),
        "withdrawn_on": chinese_date(facts.event.on),
        "reason": _text(d.get("reason")),
        "clerk": None if d.get("by_applicant") else _text(facts.event.actor_name),
    }


def termination(facts: Facts) -> dict[str, Value]:
    """终止行政许可审查决定书: the bureau ends the review against the applicant's will, so the
    decision states the remedies like any adverse decision."""
    d = facts.data
    return {
        **_common(facts),
        **_remedies(case_rules.remedies(facts.case.region.name)),
        "accepted_on": chinese_date(facts.case.accepted_on) or None,
        "reason": _text(d.get("reason")),
        "terminated_on": chinese_date(facts.event.on),
        "licence_voided": _text(d.get("licence_voided")),
    }


def joint_result(facts: Facts) -> dict[str, Value]:
    """联办结果告知书: the results of every case of a stage or life event, from the event the
    act deciding the last of them recorded (`cases.actions.record_joint_result`)."""
    d = facts.data
    return {
        "applicant": facts.case.applicant.name,
        "bureau": facts.bureau.name,
        "enquiry_phone": _text(facts.bureau.phone),
        "complaint_phone": _text(
            facts.bureau.complaint_phone or facts.case.handling_item.complaint_phone
        ),
        "title": d["title"],
        "received_on": chinese_date(d["received_on"]),
        "concluded_on": chinese_date(facts.event.on),
        "results": list(d["results"]),
        "outcome": d["outcome"],
        "reasons": list(d.get("reasons") or []) or None,
        "if_ended": _flag(bool(d.get("reasons"))),
    }


def _addressed(facts: Facts) -> dict[str, Value]:
    """The facts of a notice served on one addressee: the applicant or one interested party
    (`event.data["addressee"]`, `["concern"]` for a party)."""
    d = facts.data
    return {
        **_common(facts),
        "addressee": d.get("addressee") or facts.case.applicant.name,
        "concern": _text(d.get("concern")),
        "if_party": _flag(bool(d.get("party"))),
        "notified_on": chinese_date(facts.event.on),
        "basis": d.get("basis"),
    }


def hearing_right(facts: Facts) -> dict[str, Value]:
    d = facts.data
    return {
        **_addressed(facts),
        "matter": _text(d.get("matter")),
        "request_due": chinese_date(d.get("request_due")),
    }


def _moment(text: str | None) -> str | None:
    if not text:
        return None
    moment = datetime.datetime.fromisoformat(text)
    return f"{chinese_date(moment.date())}{moment:%H:%M}"


def hearing_notice(facts: Facts) -> dict[str, Value]:
    d = facts.data
    return {
        **_addressed(facts),
        "matter": _text(d.get("matter")),
        "starts_at": _moment(d.get("starts_at")),
        "place": _text(d.get("place")),
        "presiding": _text(d.get("presiding")),
        "if_public": _flag(bool(d.get("public"))),
    }


def interested_party(facts: Facts) -> dict[str, Value]:
    return _addressed(facts)


FACTS: dict[str, Callable[[Facts], dict[str, Value]]] = {
    DocumentKind.ACCEPTANCE: acceptance,
    DocumentKind.TOLERATED_ACCEPTANCE: tolerated_acceptance,
    DocumentKind.CORRECTION: correction,
    DocumentKind.REFUSAL: refusal,
    DocumentKind.SPECIAL_PROCEDURE: special_procedure,
    DocumentKind.EXTENSION: extension,
    DocumentKind.GRANT: grant,
    DocumentKind.DENIAL: denial,
    DocumentKind.REVOCATION_NOTICE: revocation_notice,
    DocumentKind.REVOCATION: revocation,
    DocumentKind.LICENCE: licence,
    DocumentKind.CANCELLATION: cancellation,
    DocumentKind.DEEMED_RENEWAL: deemed_renewal,
    DocumentKind.RECEIPT: receipt,
    DocumentKind.WITHDRAWAL: withdrawal,
    DocumentKind.TERMINATION: termination,
    DocumentKind.JOINT_RESULT: joint_result,
    DocumentKind.HEARING_RIGHT: hearing_right,
    DocumentKind.HEARING_NOTICE: hearing_notice,
    DocumentKind.INTERESTED_PARTY: interested_party,
}


def tolerated_materials(case: Case, event: CaseEvent) -> list[tuple[str, datetime.date]]:
    promised = event.data.get("tolerated") or {}
    lines = CaseMaterial.objects.filter(
        case=case, pk__in=[int(k) for k in promised]
    ).select_related("material")
    return [
        (line.material.name, datetime.date.fromisoformat(promised[str(line.pk)])) for line in lines
    ]


# --- wording checks and filling ---------------------------------------------------------------


class WordingError(ValueError):
    """A line of wording that is not a well-formed template."""


def placeholders_in(text: str) -> list[str]:
    """The placeholder names in `text`, in order. Only plain names are allowed: no attribute
    or index access, no conversion or format spec ({{ and }} print braces)."""
    names = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise WordingError(
            str(_("花括号不成对：请用 {名称} 表示占位符，用 {{ 和 }} 表示花括号本身"))
        ) from exc
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise WordingError(
                str(_("占位符“{{{name}}}”的写法有误，只能写成 {{名称}}")).format(name=name)
            )
        names.append(name)
    return names


def unknown_placeholders(kind: str, text: str) -> list[str]:
    known = PLACEHOLDERS[kind]
    return sorted({name for name in placeholders_in(text) if name not in known})


def _fill(line: str, values: dict[str, Value]) -> list[str]:
    names = placeholders_in(line)
    if any(values.get(name) is None for name in names):
        return []
    if len(names) == 1 and names[0] in LIST_PLACEHOLDERS and line.strip() == f"{{{names[0]}}}":
        entries = values[names[0]]
        assert isinstance(entries, list)  # every kind's facts give a list placeholder a list
        return [f"{i}. {entry}" for i, entry in enumerate(entries, 1)]
    flat = {
        name: "；".join(v) if isinstance(v, list) else v
        for name, v in values.items()
        if name in names
    }
    return [line.format_map(flat)]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def compose(kind: str, wording: "Wording | DocumentTemplate", values: dict[str, Value]) -> Notice:
    """The notice a wording says with these values. `wording` has title, body and closing (a
    `DocumentTemplate` version or a `Wording`)."""
    title = "".join(_fill(wording.title, values)) or str(DocumentKind(kind).label)
    paragraphs = [out for line in _lines(wording.body) for out in _fill(line, values)]
    closing = [out for line in _lines(wording.closing) for out in _fill(line, values)]
    addressee = (
        None if kind == DocumentKind.LICENCE else values.get("addressee") or values.get("applicant")
    )
    assert not isinstance(addressee, list)  # a name, never a list placeholder
    return Notice(
        title=title,
        paragraphs=paragraphs,
        closing=closing,
        addressee=addressee,
        copies=COPIES[kind],
    )


# A fictional case for previewing a wording before it is published.
SAMPLE: dict[str, Value] = {
    "applicant": "示例餐饮有限公司",
    "item": "食品经营许可（新办）",
    "case_number": "640221-2025-000123",
    "received_on": "2025年3月3日",
    "bureau": "（本局名称）",
    "enquiry_phone": "0952-0000000",
    "complaint_phone": "12345",
    "accepted_on": "2025年3月4日",
    "promised_due": "2025年3月11日",
    "statutory_due": "2025年3月31日",
    "clerk": "（受理人）",
    "query_code": "K7PQ2M",
    "materials_arrived_on": "2025年3月3日",
    "if_deemed": None,
    "if_not_deemed": "",
    "tolerated_materials": ["食品安全管理制度：2025年3月20日前补齐"],
    "missed_promise_rule": "暂缓发放证照",
    "correction_items": ["食品经营许可申请书：缺少法定代表人签字", "食品安全管理制度：未提交"],
    "notified_on": "2025年3月4日",
    "reason": "（理由）",
    "competent_body": "（有权机关）",
    "procedure": "专家评审",
    "expected_days": "5",
    "if_promised_only": None,
    "if_provisional": None,
    "if_joint": None,
    "if_not_joint": "",
    "expected_end": "2025年3月11日",
    "extension_days": "十",
    "promised_due_before": "2025年3月11日",
    "licence_name": "食品经营许可证",
    "licence_number": "6402212025L000001",
    "scope": "热食类食品制售",
    "validity": "2025年3月12日至2030年3月11日",
    "delivery_due": "2025年3月26日",
    "if_held": None,
    "if_not_held": "",
    "reasons": ["经营场所面积不足", "布局不合理"],
    "holder": "示例餐饮有限公司",
    "credit_code": "91640221MA00000000",
    "issued_on": "2025年3月12日",
    "facts": "（拟撤销的事实和理由）",
    "views_basis": VIEWS_BASIS,
    "views_days": "五",
    "if_hearing": "",
    "hearing_basis": HEARING_BASIS,
    "notice_served_on": "2025年4月1日",
    "views_summary": "你（单位）在规定期限内未提出陈述、申辩意见",
    "cancelled_on": "2025年3月12日",
    "expired_on": "2030年3月11日",
    "received_at": "2025年3月3日09:30",
    "if_application": "",
    "if_correction": None,
    "channel": "窗口",
    "materials": ["食品经营许可申请书（纸质材料，待核验）", "营业执照（纸质材料，待核验）"],
    "acceptance_due": "2025年3月10日",
    "tracking": TRACKING,
    "withdrawn_on": "2025年3月5日",
    "terminated_on": "2025年3月20日",
    "licence_voided": None,
    "addressee": "平罗县示例村民委员会",
    "concern": "拟建项目与该村集体土地相邻",
    "if_party": "",
    "matter": "经营场所与居民住宅的间距是否符合要求",
    "request_due": "2025年3月10日",
    "starts_at": "2025年3月20日09:30",
    "place": "平罗县政务服务中心三楼听证室",
    "presiding": "（听证主持人）",
    "if_public": None,
    "hearing_held_on": None,
    "hearing_record_basis": None,
    **_remedies(case_rules.remedies("平罗县")),
}


def sample_values(kind: str, bureau: Bureau, basis_hint: str = "（法律依据）") -> dict[str, Value]:
    values = {
        name: SAMPLE.get(name, basis_hint if name == "basis" else f"（{label}）")
        for name, label in PLACEHOLDERS[kind].items()
    }
    values["bureau"] = bureau.name
    if kind == DocumentKind.ACCEPTANCE:
        values["basis"] = ACCEPTANCE_BASIS
    return values
