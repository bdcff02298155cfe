"""What each kind of document says (domain.md §6), one small function per kind, built from
the case event the document answers and the case around it. The wording follows the model
forms of 《行政许可法》; the applicant's identity number is never printed (the licence prints
an organisation's credit code, which is public)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from oneseal.cases import rules as case_rules
from oneseal.cases.models import Case, CaseEvent, CaseMaterial, Licence
from oneseal.organisation.models import Bureau

from .models import DocumentKind
from .rendering import Notice
from .rules import chinese_date

COUNTERFOILS = ("第一联\u3000存档", "第二联\u3000交申请人")
ACCEPTANCE_BASIS = "《中华人民共和国行政许可法》第三十二条第一款第（五）项"
DEEMED_BASIS = "《中华人民共和国行政许可法》第三十二条第二款"
CORRECTION_BASIS = "《中华人民共和国行政许可法》第三十二条第一款第（四）项"
DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1–99 as written in documents: 6 → 六, 15 → 十五, 60 → 六十."""
    if n < 10:
        return DIGITS[n]
    tens, ones = divmod(n, 10)
    return f"{'' if tens == 1 else DIGITS[tens]}十{DIGITS[ones] if ones else ''}"


@dataclass(frozen=True)
class Facts:
    """Everything a template may print, gathered once per document."""

    case: Case
    event: CaseEvent
    bureau: Bureau
    licence: Licence | None
    tolerated: list[tuple[str, datetime.date]]

    @property
    def data(self) -> dict:
        return self.event.data

    @property
    def applicant(self) -> str:
        return self.case.applicant.name

    @property
    def item(self) -> str:
        return self.case.handling_item.name

    @property
    def opening(self) -> str:
        return f"你（单位）于{chinese_date(self.case.received_on)}提交的“{self.item}”申请（办件编号：{self.case.number}）"

    def contact(self) -> list[tuple[str, str]]:
        out = []
        if self.bureau.phone:
            out.append(("咨询电话", self.bureau.phone))
        complaint = self.bureau.complaint_phone or self.case.handling_item.complaint_phone
        if complaint:
            out.append(("投诉电话", complaint))
        return out


def remedies_paragraph(remedies: dict) -> str:
    """The rights an adverse decision must state: reconsideration within 60 days
    (《行政复议法》第二十条) or a lawsuit within 6 months (《行政诉讼法》第四十六条)."""
    recon, suit = remedies["reconsideration"], remedies["litigation"]
    return (f"如不服本决定，可以自收到本决定书之日起{chinese_number(recon['days'])}日内，依照{recon['basis']}的规定"
            f"向{recon['body']}申请行政复议；也可以自收到本决定书之日起{chinese_number(suit['months'])}个月内，"
            f"依照{suit['basis']}的规定向{suit['court']}提起行政诉讼。")


def _due(facts: Facts, key: str) -> str:
    return chinese_date(facts.data.get(key) or getattr(facts.case, key))


def acceptance(facts: Facts) -> Notice:
    if facts.event.action == "deem_accepted":
        body = (f"{facts.opening}，本机关未在五个工作日内作出是否受理的决定，依照{DEEMED_BASIS}的规定，"
                f"自收到申请材料之日（{chinese_date(facts.case.materials_arrived_on)}）起即为受理。")
    else:
        body = (f"{facts.opening}，经审查，申请材料齐全、符合法定形式，依照{ACCEPTANCE_BASIS}的规定，"
                f"本机关决定予以受理。")
    return Notice(
        title="受理通知书", addressee=facts.applicant, copies=COUNTERFOILS,
        paragraphs=[body, "本机关将在下列日期前作出行政许可决定，请留意办理进度。"],
        fields=[("申请事项", facts.item), ("受理日期", chinese_date(facts.case.accepted_on)),
                ("承诺办结日期", _due(facts, "promised_due")), ("法定办结期限", _due(facts, "statutory_due")),
                ("受理人", facts.event.actor_name), ("查询码", facts.case.query_code), *facts.contact()],
    )


def tolerated_acceptance(facts: Facts) -> Notice:
    notice = acceptance(facts)
    rule = facts.case.handling_item.get_missed_promise_rule_display()
    promised = [f"{i}. {name}：{chinese_date(until)}前补齐" for i, (name, until) in enumerate(facts.tolerated, 1)]
    return Notice(
        title="容缺受理通知书", addressee=facts.applicant, copies=COUNTERFOILS,
        paragraphs=[notice.paragraphs[0].replace("申请材料齐全、符合法定形式", "核心材料齐全、符合法定形式"),
                    "你（单位）承诺在下列日期前补齐以下非核心材料：", *promised,
                    f"逾期未补齐的，按照办事指南的规定处理（{rule}）。", notice.paragraphs[1]],
        fields=notice.fields,
    )


def correction(facts: Facts) -> Notice:
    items = [f"{i}. {row['material']}：{row['note']}" for i, row in enumerate(facts.data.get("items", []), 1)]
    return Notice(
        title="补正材料通知书", addressee=facts.applicant, copies=COUNTERFOILS,
        paragraphs=[f"{facts.opening}，申请材料不齐全或者不符合法定形式。依照{CORRECTION_BASIS}的规定，"
                    f"现一次告知你（单位）需要补正的全部内容如下：", *items,
                    "请按上述要求补正后重新提交。本机关自收到全部补正材料之日起五个工作日内作出是否受理的决定。"],
        fields=[("经办人", facts.event.actor_name), ("告知日期", chinese_date(facts.event.on)), *facts.contact()],
    )


def refusal(facts: Facts) -> Notice:
    paragraphs = [f"{facts.opening}，经审查，{facts.event.reason.rstrip('。')}。依照{facts.data['basis']}的规定，"
                  f"本机关决定不予受理。"]
    if facts.data.get("competent_body"):
        paragraphs.append(f"该申请事项不属于本机关职权范围，请向{facts.data['competent_body']}提出申请。")
    paragraphs.append(remedies_paragraph(case_rules.remedies(facts.case.region.name)))
    return Notice(title="不予受理决定书", addressee=facts.applicant, copies=COUNTERFOILS, paragraphs=paragraphs,
                  fields=[("经办人", facts.event.actor_name), *facts.contact()])


def special_procedure(facts: Facts) -> Notice:
    d = facts.data
    return Notice(
        title="特别程序告知书", addressee=facts.applicant,
        paragraphs=[f"{facts.opening}，因{d['reason'].rstrip('。')}，需要进行{d['kind_label']}。依照{d['basis']}的规定，"
                    f"{d['kind_label']}所需时间不计算在行政许可期限内。"],
        fields=[("特别程序", d["kind_label"]), ("预计所需时间", f"{d['expected_days']}个工作日"),
                ("预计完成日期", chinese_date(d["expected_end"])), *facts.contact()],
    )


def extension(facts: Facts) -> Notice:
    d = facts.data
    return Notice(
        title="延长审批期限告知书", addressee=facts.applicant,
        paragraphs=[f"{facts.opening}，因{d['reason'].rstrip('。')}，不能在规定期限内作出决定。经本机关负责人批准，"
                    f"依照{d['basis']}的规定，审批期限延长{chinese_number(d['days'])}个工作日。"],
        fields=[("原承诺办结日期", chinese_date(d["promised_due_before"])),
                ("延长后承诺办结日期", chinese_date(d["promised_due"])),
                ("延长后法定办结期限", chinese_date(d["statutory_due"])), *facts.contact()],
    )


def _validity(valid_from, valid_until) -> str:
    return f"{chinese_date(valid_from)}至{chinese_date(valid_until) if valid_until else '长期'}"


def grant(facts: Facts) -> Notice:
    d = facts.data
    paragraphs = [f"{facts.opening}，经审查，符合法定条件、标准，依照{d['basis']}的规定，本机关决定准予行政许可。"]
    if d.get("held"):
        paragraphs.append("你（单位）容缺受理时承诺补齐的材料尚未补齐，证照在补齐前暂缓发放。")
    else:
        paragraphs.append(f"本机关将于{chinese_date(d['delivery_due'])}前向你（单位）颁发、送达行政许可证件。")
    return Notice(
        title="准予行政许可决定书", addressee=facts.applicant, paragraphs=paragraphs,
        fields=[("证照名称", d["name"]), ("证照编号", d["licence"]), ("许可范围", d["scope"]),
                ("有效期限", _validity(d["valid_from"], d["valid_until"])), *facts.contact()],
    )


def denial(facts: Facts) -> Notice:
    d = facts.data
    reasons = [f"{i}. {text}" for i, text in enumerate(d["reasons"], 1)]
    return Notice(
        title="不予行政许可决定书", addressee=facts.applicant,
        paragraphs=[f"{facts.opening}，本机关已于{chinese_date(facts.case.accepted_on)}受理。经审查，因下列理由，"
                    f"依照{d['basis']}的规定，本机关决定不予行政许可：", *reasons, remedies_paragraph(d["remedies"])],
        fields=facts.contact(),
    )


def revocation(facts: Facts) -> Notice:
    d = facts.data
    return Notice(
        title="撤销行政许可决定书", addressee=facts.applicant,
        paragraphs=[f"你（单位）经{facts.opening}取得的行政许可（证照编号：{d['licence']}），"
                    f"因{d['reason'].rstrip('。')}，本机关决定予以撤销，该证照自本决定作出之日起失效。",
                    remedies_paragraph(d["remedies"])],
        fields=facts.contact(),
    )


def licence(facts: Facts) -> Notice:
    lic = facts.licence
    holder = lic.holder
    rows = [("证照编号", lic.number), ("持证人", holder.name)]
    if holder.credit_code:
        rows.append(("统一社会信用代码", holder.credit_code))
    rows += [("许可事项", facts.item), ("许可范围", lic.scope), ("有效期限", _validity(lic.valid_from, lic.valid_until)),
             ("发证机关", facts.bureau.name), ("发证日期", chinese_date(lic.issued_on))]
    return Notice(title=lic.name, paragraphs=[f"经审查，准予{holder.name}从事下列许可事项，特发此证。"], fields=rows)


TEMPLATES: dict[str, Callable[[Facts], Notice]] = {
    DocumentKind.ACCEPTANCE: acceptance,
    DocumentKind.TOLERATED_ACCEPTANCE: tolerated_acceptance,
    DocumentKind.CORRECTION: correction,
    DocumentKind.REFUSAL: refusal,
    DocumentKind.SPECIAL_PROCEDURE: special_procedure,
    DocumentKind.EXTENSION: extension,
    DocumentKind.GRANT: grant,
    DocumentKind.DENIAL: denial,
    DocumentKind.REVOCATION: revocation,
    DocumentKind.LICENCE: licence,
}


def tolerated_materials(case: Case, event: CaseEvent) -> list[tuple[str, datetime.date]]:
    promised = event.data.get("tolerated") or {}
    lines = CaseMaterial.objects.filter(case=case, pk__in=[int(k) for k in promised]).select_related("material")
    return [(line.material.name, datetime.date.fromisoformat(promised[str(line.pk)])) for line in lines]
