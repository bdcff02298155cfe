"""The agreement as a sealed PDF: laid out by the documents app's renderer and signed (PAdES)
with the bureau's approval seal, as every notice is. Only an active bureau seal signs
(`documents.signing.sign_blockers`)."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from oneseal.documents import rendering, signing
from oneseal.documents.queries import active_seal
from oneseal.documents.rules import bureau_abbreviation, chinese_date
from oneseal.errors import ValidationFailed
from oneseal.organisation.models import Bureau

from .models import Agreement, Handover


def agreement_number(bureau: Bureau, year: int, seq: int) -> str:
    """平审批协〔2021〕第1号: the bureau's abbreviation, 协 for agreement, the year, the number."""
    return f"{bureau_abbreviation(bureau.region.name)}协〔{year}〕第{seq}号"


def seal_blockers(bureau: Bureau) -> list[str]:
    return signing.sign_blockers(active_seal(bureau), bureau)


def agreement_url(agreement: Agreement) -> str:
    with translation.override("zh-hans"):
        return settings.PUBLIC_URL.rstrip("/") + reverse("transfers:agreement", args=[agreement.pk])


def paragraphs(agreement: Agreement) -> list[str]:
    """What the agreement says, in the order of seed 004 二(二): 划转事项、划转时间、权责划分、
    系统设备、档案管理."""
    out = [
        _(
            "依据相对集中行政许可权改革实施方案，按照“一事一协议”的要求，{department}（甲方）与"
            "{bureau}（乙方）就下列审批服务事项的划转达成如下协议。"
        ).format(department=agreement.department.name, bureau=agreement.bureau.name),
        _("一、划转事项与划转时间。自{date}起，下列事项由乙方集中行使，甲方不再行使：").format(
            date=chinese_date(agreement.transfer_date)
        ),
    ]
    for n, line in enumerate(agreement.items.select_related("item"), start=1):
        version = line.item.versions.order_by("-number").first()
        name = version.name if version else line.item.basic_code
        when = (
            _("（自{date}起划转）").format(date=chinese_date(line.transfer_date))
            if line.transfer_date and line.transfer_date != agreement.transfer_date
            else ""
        )
        out.append(f"{n}. {name}（{line.item.basic_code}）{when}")
    out += [
        _("二、权责划分。乙方：{duties}").format(duties=agreement.bureau_duties),
        _("甲方：{duties}各事项的具体分工以审管联动职责边界清单为准。").format(
            duties=agreement.department_duties
        ),
    ]
    kinds = [
        (Handover.Kind.SYSTEM, _("三、业务系统")),
        (Handover.Kind.EQUIPMENT, _("四、设备")),
        (Handover.Kind.ARCHIVE, _("五、档案资料")),
    ]
    handovers = list(agreement.handovers.all())
    for kind, heading in kinds:
        lines = [h for h in handovers if h.kind == kind]
        listed = "；".join(
            f"{h.name}{h.quantity}{h.unit}" + (f"（{h.notes}）" if h.notes else "") for h in lines
        )
        out.append(
            _("{heading}：甲方向乙方移交{listed}。").format(heading=heading, listed=listed)
            if lines
            else _("{heading}：无。").format(heading=heading)
        )
    if agreement.notes:
        out.append(_("六、其他约定：{notes}").format(notes=agreement.notes))
    return out


def sealed_pdf(agreement: Agreement, *, number: str, code: str, on: datetime.date) -> bytes:
    """The PDF is an official document in Chinese, whatever language the signer's page uses."""
    with translation.override("zh-hans"):
        return _sealed_pdf(agreement, number=number, code=code, on=on)


def _sealed_pdf(agreement: Agreement, *, number: str, code: str, on: datetime.date) -> bytes:
    bureau = agreement.bureau
    seal = active_seal(bureau)
    blockers = signing.sign_blockers(seal, bureau)
    if blockers or seal is None:
        raise ValidationFailed(blockers[0], reasons=blockers, fields={"seal": blockers})
    notice = rendering.Notice(
        title=agreement.title,
        paragraphs=paragraphs(agreement),
        closing=[
            _("甲方：{department}　负责人：{name}　{date}").format(
                department=agreement.department.name,
                name=agreement.department_signer_name,
                date=chinese_date(agreement.department_signed_on),
            ),
            _("乙方：{bureau}　负责人：{name}　{date}").format(
                bureau=bureau.name,
                name=agreement.bureau_signer_name,
                date=chinese_date(agreement.bureau_signed_on),
            ),
        ],
    )
    try:
        rendered = rendering.render(
            notice,
            heading=bureau.name,
            number=number,
            dated_text=chinese_date(on),
            code=code,
            url=agreement_url(agreement),
            seal_name=seal.name,
            author=bureau.name,
        )
    except rendering.MissingGlyphs as exc:
        msg = _("协议中有字体无法显示的字：{chars}").format(chars=exc.chars)
        raise ValidationFailed(msg, reasons=[msg]) from exc
    return signing.sign_pdf(
        rendered.pdf,
        seal=seal,
        bureau=bureau,
        page=rendered.page,
        box=rendered.box,
        reason=_("划转协议"),
        location=bureau.region.name,
    )
