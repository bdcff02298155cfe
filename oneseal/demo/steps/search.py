"""The demo's everyday names: what people in 平罗县 call the matters of the demo catalogue, as a
catalogue administrator (catadmin, 杨帆) would add them after listening at the window. They
cover what the catalogue's own keywords do not: the trade a citizen plans (开火锅店, 开民宿), the
abbreviation they use (社团, 民非), the thing they want to do (占道经营, 打机井). Added through
`search.actions`, so each one has its audit record; running again adds nothing. Then the
meaning vectors are computed, so the first search of the demo is fast.

Then the phrases an item must not answer (`Exclusion`): 开药店 reads, in words and in meaning,
as the 医保 agreement of a pharmacy (零售药店申请定点协议管理), which is for a pharmacy already
open; opening one needs the 药品经营许可证 (药品零售), which this county's list (seed 000 names
only department counts) and the demo catalogue do not hold. So the search says it found
nothing close and offers the topics and the bureau's phone."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from oneseal.catalogue.models import Catalogue, Item
from oneseal.search import actions, embeddings, index
from oneseal.search.models import Exclusion, Synonym

from ..data import organisation as org

REASON = "窗口常听到群众这样问（演示数据）"

# (everyday name, item name in the demo catalogue, variant or "")
SYNONYMS: list[tuple[str, str, str]] = [
    ("开火锅店", "食品（含保健食品）经营许可", ""),
    ("开面馆", "食品（含保健食品）经营许可", ""),
    ("开烧烤店", "食品（含保健食品）经营许可", ""),
    ("开快餐店", "食品（含保健食品）经营许可", ""),
    ("开便利店", "食品（含保健食品）经营许可", ""),
    ("卖保健品", "食品（含保健食品）经营许可", ""),
    ("卖散装食品", "食品（含保健食品）经营许可", ""),
    ("饭店关门", "食品（含保健食品）经营许可", "cancellation"),
    ("便利店卖烟", "烟草专卖零售许可证核发", ""),
    ("开民宿", "公共场所卫生许可", ""),
    ("开民宿", "旅馆业特种行业许可证核发", ""),
    ("开足疗店", "公共场所卫生许可", ""),
    ("开洗浴中心", "公共场所卫生许可", ""),
    ("开美甲店", "公共场所卫生许可", ""),
    ("社团", "社会团体成立登记", ""),
    ("社团", "社会团体变更登记", ""),
    ("社团", "社会团体注销登记", ""),
    ("民非", "民办非企业单位成立登记", ""),
    ("开培训班", "民办职业培训学校设立、分立、合并、变更及终止审批", ""),
    ("开劳务公司", "劳务派遣经营许可", ""),
    ("开托运部", "道路货物运输经营许可", ""),
    ("开网约车", "网络预约出租汽车运输证发放", ""),
    ("打机井", "取水许可", ""),
    ("占道经营", "占用、挖掘城市道路审批", ""),
    ("搭临时房", "建设工程（含临时建设）规划许可证核发", ""),
    ("办开工证", "建筑工程施工许可证核发", ""),
    ("移栽大树", "工程建设涉及城市绿地、树木审批", ""),
    ("门头招牌", "设置大型户外广告及在城市建筑物、设施上悬挂、张贴宣传品审批", ""),
    ("药店刷医保", "零售药店申请定点协议管理", ""),
    ("诊所刷医保", "医疗机构申请定点协议管理", ""),
]

PHARMACY = (
    "“零售药店申请定点协议管理”是已开业的药店申请医保定点，不是开办药店。"
    "开办药店要先取得药品经营许可证（药品零售），本县审批服务事项目录中暂无该事项。"
)
# (phrase, item name it must not answer, explanation shown to the citizen)
EXCLUSIONS: list[tuple[str, str, str]] = [
    ("开药店", "零售药店申请定点协议管理", PHARMACY),
    ("开药房", "零售药店申请定点协议管理", PHARMACY),
]
EXCLUSION_REASON = "群众问开药店，检索却给出药店医保定点（演示数据）"


def load(*, today) -> list[str]:
    catalogue = (
        Catalogue.objects.filter(region__code=org.COUNTY_CODE, kind=Catalogue.Kind.LOCAL)
        .select_related("region")
        .first()
    )
    actor = get_user_model().objects.filter(username="catadmin").first()
    if catalogue is None or actor is None:
        return []
    items = {
        name: item_id
        for item_id, name in index.in_force_versions()
        .filter(item__catalogue=catalogue)
        .values_list("item_id", "name")
    }
    added = 0
    for phrase, item_name, variant in SYNONYMS:
        item_id = items.get(item_name)
        if item_id is None or Synonym.objects.filter(item_id=item_id, phrase=phrase).exists():
            continue
        actions.add_synonym(
            catalogue,
            actor=actor,
            item=Item.objects.get(pk=item_id),
            phrase=phrase,
            reason=REASON,
            variant=variant,
        )
        added += 1
    excluded = 0
    for phrase, item_name, explanation in EXCLUSIONS:
        item_id = items.get(item_name)
        if item_id is None or Exclusion.objects.filter(item_id=item_id, phrase=phrase).exists():
            continue
        actions.add_exclusion(
            catalogue,
            actor=actor,
            item=Item.objects.get(pk=item_id),
            phrase=phrase,
            reason=EXCLUSION_REASON,
            explanation=explanation,
        )
        excluded += 1
    lines = []
    if added:
        lines.append(_("找事项：添加群众说法 {n} 条（如“开火锅店”→食品经营许可）").format(n=added))
    if excluded:
        lines.append(
            _("找事项：添加排除说法 {n} 条（如“开药店”不指向药店医保定点）").format(n=excluded)
        )
    if embeddings.enabled():
        texts, computed = index.precompute()
        if computed:
            lines.append(
                _("找事项：检索索引已建立（{texts} 段文字，新计算 {computed} 段语义向量）").format(
                    texts=texts, computed=computed
                )
            )
    return lines
