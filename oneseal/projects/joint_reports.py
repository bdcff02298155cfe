"""The merged report of a shared step as a PDF under the bureau's seal: drawn and signed by the
documents app's renderer and signer (the same face, red stamp and PAdES signature as every
notice), numbered per bureau, year and kind (平审批联审〔2026〕第000001号), with a QR code that
opens the report's public check page."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from oneseal.documents import signing
from oneseal.documents.models import Seal
from oneseal.documents.queries import active_seal
from oneseal.documents.rendering import MissingGlyphs, Notice, render
from oneseal.documents.rules import CODE_ALPHABET, CODE_LENGTH, bureau_abbreviation, chinese_date
from oneseal.errors import ValidationFailed
from oneseal.organisation.models import Bureau

from .models import JointKind, JointStep

MARK = {
    JointKind.DRAWING_REVIEW: "联审",
    JointKind.COMBINED_ASSESSMENT: "多评",
    JointKind.JOINT_ACCEPTANCE: "联验",
}
TITLE = {
    JointKind.DRAWING_REVIEW: "施工图联合审查意见书",
    JointKind.COMBINED_ASSESSMENT: "多评合一评估意见书",
    JointKind.JOINT_ACCEPTANCE: "联合验收意见书",
}


def report_number(bureau: Bureau, kind: str, year: int, seq: int) -> str:
    return (
        f"{bureau_abbreviation(bureau.region.name)}{MARK[JointKind(kind)]}〔{year}〕第{seq:06d}号"
    )


def new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not JointStep.objects.filter(report_code=code).exists():
            return code


def public_url(code: str) -> str:
    with translation.override("zh-hans"):
        return settings.PUBLIC_URL.rstrip("/") + reverse("projects:report-check", args=[code])


def compose(step: JointStep, rows: list[dict]) -> Notice:
    project = step.project
    paragraphs = [
        f"项目名称：{project.name}",
        f"投资项目统一代码：{project.code}",
        f"建设单位：{project.owner.name}",
        f"建设地点：{project.location}",
        f"审批阶段：{step.get_stage_display()}",
        f"{step.get_kind_display()}：{step.title}",
    ]
    if step.kind == JointKind.COMBINED_ASSESSMENT:
        provider = step.provider_name
        if step.provider_credit_code:
            provider += f"（统一社会信用代码 {step.provider_credit_code}）"
        paragraphs.append(f"评估编制单位：{provider}")
    paragraphs.append("各参与方意见：")
    for n, row in enumerate(rows, start=1):
        line = f"{n}. {row['name']}：{row['result']}"
        if row["findings"]:
            line += f"。{row['findings']}"
        if row["on"]:
            line += f"（{chinese_date(row['on'])}）"
        paragraphs.append(line)
    paragraphs.append(f"综合结论：{step.get_result_display()}。{step.summary}")
    numbers = "、".join(step.cases.order_by("number").values_list("number", flat=True))
    if numbers:
        paragraphs.append(f"本意见书适用于本阶段以下办件：{numbers}。")
    return Notice(
        title=TITLE[JointKind(step.kind)],
        addressee=project.owner.name,
        paragraphs=paragraphs,
        closing=[f"组织日期：{chinese_date(step.opened_on)}"],
    )


def render_and_sign(step: JointStep, rows: list[dict], *, bureau: Bureau) -> tuple[bytes, Seal]:
    """(signed PDF bytes, seal). Refused with the reason when the bureau has no usable seal or a
    name holds a character no font draws."""
    seal = active_seal(bureau)
    blockers = signing.sign_blockers(seal, bureau)
    if blockers:
        raise ValidationFailed(blockers[0], reasons=blockers, fields={"seal": blockers})
    assert seal is not None
    try:
        rendered = render(
            compose(step, rows),
            heading=bureau.name,
            number=step.report_number,
            dated_text=chinese_date(step.concluded_on),
            code=step.report_code,
            url=public_url(step.report_code),
            seal_name=seal.name,
            author=bureau.name,
        )
    except MissingGlyphs as exc:
        message = _("报告中有字体无法显示的字：{chars}").format(chars=exc.chars)
        raise ValidationFailed(message, reasons=[message]) from exc
    signed = signing.sign_pdf(
        rendered.pdf,
        seal=seal,
        bureau=bureau,
        page=rendered.page,
        box=rendered.box,
        reason=TITLE[JointKind(step.kind)],
        location=bureau.region.name,
    )
    return signed, seal
