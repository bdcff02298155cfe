"""Pure rules of the project register and the stage templates: the investment-project code's
format, and what makes a stage template publishable.

投资项目统一代码 (《全国投资项目在线审批监管平台运行管理暂行办法》, the national platform's
coding rule): YYYY-RRRRRR-II-KK-NNNNNN — the year the code was given, the GB/T 2260 region of
the authority that gave it, the GB/T 4754 industry division, the kind of procedure
(01 审批, 02 核准, 03 备案) and a serial number. Whether the region exists and lies under the
bureau is checked against the database by the action."""

import datetime
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from oneseal.applicants.rules import PROVINCE_PREFIXES
from oneseal.characters import bidi_controls

if TYPE_CHECKING:  # the rules stay free of the ORM at run time
    from .models import StageItem, StageTemplate

PROCEDURE_KINDS = {"01": "审批", "02": "核准", "03": "备案"}
# The national online platform began giving codes in 2014.
FIRST_CODE_YEAR = 2014
# GB/T 4754-2017 numbers its divisions (大类) 01 to 97.
INDUSTRY_DIVISIONS = range(1, 98)
SHAPE = re.compile(r"^(\d{4})-(\d{6})-(\d{2})-(\d{2})-(\d{6})$")
DASHES = str.maketrans({c: "-" for c in "－—–‐‑−"})


@dataclass(frozen=True)
class ProjectCode:
    text: str
    year: int
    region_code: str
    industry: str
    procedure: str
    serial: str


def has_hidden_characters(text: str) -> bool:
    """A control character (tab and line breaks included: these are one-line fields) or a
    bidirectional override in a name or address that will be printed."""
    return bidi_controls(text) or any(unicodedata.category(c) == "Cc" for c in text)


def normalise_code(text: str) -> str:
    """Full-width digits and any dash a keyboard offers become the plain form."""
    return unicodedata.normalize("NFKC", text or "").translate(DASHES).strip().replace(" ", "")


def parse_project_code(text: str, *, today: datetime.date) -> ProjectCode:
    """The code's parts, or ValueError saying which part is wrong."""
    code = normalise_code(text)
    if not code:
        raise ValueError(_("请填写投资项目统一代码"))
    match = SHAPE.match(code)
    if match is None:
        raise ValueError(
            _(
                "投资项目统一代码格式应为“年份(4位)-行政区划(6位)-行业(2位)-类别(2位)-"
                "流水号(6位)”，例如 2020-640221-47-01-012345"
            )
        )
    year, region, industry, procedure, serial = match.groups()
    if not FIRST_CODE_YEAR <= int(year) <= today.year:
        raise ValueError(
            _("投资项目统一代码的年份“{year}”应在{first}年至{now}年之间").format(
                year=year, first=FIRST_CODE_YEAR, now=today.year
            )
        )
    if region[:2] not in PROVINCE_PREFIXES:
        raise ValueError(
            _("投资项目统一代码的行政区划代码“{code}”不是有效的省级代码开头").format(code=region)
        )
    if int(industry) not in INDUSTRY_DIVISIONS:
        raise ValueError(
            _("投资项目统一代码的行业代码“{code}”不是国民经济行业分类的大类（01—97）").format(
                code=industry
            )
        )
    if procedure not in PROCEDURE_KINDS:
        raise ValueError(
            _(
                "投资项目统一代码的类别代码“{code}”无效，应为01（审批）、02（核准）或03（备案）"
            ).format(code=procedure)
        )
    if serial == "000000":
        raise ValueError(_("投资项目统一代码的流水号不能为000000"))
    return ProjectCode(code, int(year), region, industry, procedure, serial)


def template_blockers(
    template: "StageTemplate",
    items: Sequence["StageItem"],
    *,
    today: datetime.date,
    in_force_ids: set[int],
) -> list:
    """Every reason `template` cannot be published on `today`. `items` are its stage items
    with their handling items; `in_force_ids` the ids of the item versions in force today."""
    blockers = []
    if template.lead_section is None:  # no query when there is none
        blockers.append(_("未指定牵头科室"))
    elif template.lead_section.bureau.region_id != template.catalogue.region_id:
        blockers.append(
            _("牵头科室“{section}”不属于本目录所在地的行政审批局").format(
                section=template.lead_section.name
            )
        )
    if not template.project_kinds:
        blockers.append(_("未选择适用的项目类型"))
    if not items:
        blockers.append(_("阶段没有办理事项"))
    for item in items:
        hi = item.handling_item
        if hi.item_version.item.catalogue_id != template.catalogue_id:
            blockers.append(_("办理项“{name}”不属于本事项目录").format(name=hi.name))
        if hi.item_version_id not in in_force_ids:
            blockers.append(
                _("办理项“{name}”的事项版本不在有效期内（未发布、已失效或已取消）").format(
                    name=hi.name
                )
            )
        statutory = hi.statutory_limit_days
        if statutory and template.limit_days < statutory and not template.legal_basis.strip():
            blockers.append(
                _(
                    "阶段时限{days}个工作日短于办理项“{name}”的法定时限{statutory}个工作日，"
                    "须填写压缩时限依据"
                ).format(days=template.limit_days, name=hi.name, statutory=statutory)
            )
    return blockers
