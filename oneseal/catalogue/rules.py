"""Pure policy for the catalogue: what makes a service guide complete enough to publish.

The statutory limit of a licence is 20 working days unless a law says otherwise
(《行政许可法》第四十二条); a bureau's promised limit may be shorter, never longer.
"""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.formats import date_format
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .models import HandlingItem, ItemVersion, Material


@dataclass(frozen=True)
class Blocker:
    field: str
    message: str

    def __str__(self) -> str:
        return self.message


def version_blockers(
    version: "ItemVersion",
    handling_items: Sequence["HandlingItem"],
    materials_by_hi: Mapping[int, Sequence["Material"]],
    previous: "ItemVersion | None" = None,
    effective_from: datetime.date | None = None,
) -> list[Blocker]:
    """Every reason why `version` cannot be published, in the order a reader fixes them.
    `handling_items` and `materials_by_hi` are passed in so this stays free of queries."""
    out: list[Blocker] = []
    if not version.is_draft:
        out.append(Blocker("status", _("只有草稿可以发布，已发布的版本不可修改")))
    if not version.name.strip():
        out.append(Blocker("name", _("事项名称未填写")))
    if previous is not None:
        if not version.change_reason.strip():
            out.append(Blocker("change_reason", _("调整原因未填写")))
        if not version.change_basis.strip():
            out.append(Blocker("change_basis", _("调整依据未填写")))
    if effective_from is None:
        out.append(Blocker("effective_from", _("生效日期未填写")))
    elif (
        previous is not None
        and previous.effective_from
        and effective_from < previous.effective_from
    ):
        out.append(
            Blocker(
                "effective_from",
                _("生效日期不能早于上一版本的生效日期（{date}）").format(
                    date=date_format(previous.effective_from, "DATE_FORMAT")
                ),
            )
        )
    if version.is_cancelled:
        # A cancellation only needs its reason and basis; it carries no guide.
        return out
    if version.merged_into_id is not None:
        if version.merged_into_id == version.item_id:
            out.append(Blocker("merged_into", _("事项不能并入自身")))
        return out
    if not version.legal_basis.strip():
        out.append(Blocker("legal_basis", _("设定和实施依据未填写")))
    if not handling_items:
        out.append(Blocker("handling_items", _("至少需要一个办理项")))
    for hi in handling_items:
        out.extend(handling_item_blockers(version, hi, materials_by_hi.get(hi.pk, [])))
    return out


def handling_item_blockers(
    version: "ItemVersion", hi: "HandlingItem", materials: Sequence["Material"]
) -> list[Blocker]:
    label = hi.name.strip() or hi.code or "?"
    out: list[Blocker] = []

    def add(field: str, message: str) -> None:
        out.append(
            Blocker(
                f"handling_items[{hi.code}].{field}",
                _("办理项“{name}”：{message}").format(name=label, message=message),
            )
        )

    if not hi.name.strip():
        add("name", _("办理项名称未填写"))
    if not hi.code.strip():
        add("code", _("办理项编码未填写"))
    if not hi.is_instant:
        if hi.promised_limit_days is None:
            add("promised_limit_days", _("承诺件须填写承诺办结时限"))
        if hi.statutory_limit_days is None and version.item_type == "licensing":
            add("statutory_limit_days", _("行政许可须填写法定办结时限"))
        if (
            hi.promised_limit_days is not None
            and hi.statutory_limit_days is not None
            and hi.promised_limit_days > hi.statutory_limit_days
        ):
            add(
                "promised_limit_days",
                _("承诺时限（{p}个工作日）超过法定时限（{s}个工作日）").format(
                    p=hi.promised_limit_days, s=hi.statutory_limit_days
                ),
            )
    if hi.fee_charged and not (hi.fee_standard.strip() and hi.fee_basis.strip()):
        add("fee", _("收费事项须填写收费标准和收费依据"))
    if not hi.complaint_phone.strip():
        add("complaint_phone", _("监督投诉电话未填写"))
    if not materials and version.item_type != "public_service":
        add("materials", _("未列明申请材料"))
    for n, m in enumerate(materials, start=1):
        if not m.name.strip():
            add(f"materials[{n}].name", _("第{n}项材料没有名称").format(n=n))
        if m.is_tolerable and m.is_core:
            add(
                f"materials[{n}].is_tolerable",
                _("材料“{m}”是核心要件，不能容缺").format(m=m.name or n),
            )
        if m.copies < 1:
            add(f"materials[{n}].copies", _("材料“{m}”份数至少为1").format(m=m.name or n))
        if m.applies_to in (PERSON, ORGANISATION) and hi.applicant_type not in (m.applies_to, BOTH):
            add(
                f"materials[{n}].applies_to",
                _("材料“{m}”的适用情形与办理项的服务对象不符").format(m=m.name or n),
            )
    return out


# Values of catalogue.models.Material.AppliesTo and ApplicantType, kept here as plain strings so
# that these rules need no models.
ALL, PERSON, ORGANISATION, AGENT, BOTH = "all", "person", "organisation", "agent", "both"


def material_applies(
    material: "Material", *, applicant_kind: str | None, by_agent: bool | None
) -> bool:
    """Whether a material is needed in the applicant's situation: `applicant_kind` is "person"
    or "organisation", `by_agent` whether someone files for them. An unknown answer (None)
    keeps the material, so a guide never hides what might be asked for."""
    applies = material.applies_to or ALL
    if applies in (PERSON, ORGANISATION):
        return applicant_kind is None or applicant_kind == applies
    if applies == AGENT:
        return by_agent is None or by_agent
    return True
