"""Ranking of citizens' words over a small published catalogue, the variant picked by the verb,
the region, what is not searched, and the index rebuilt when a new version is published."""

import datetime
from collections import Counter
from zoneinfo import ZoneInfo

import numpy as np
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oneseal.calendars.queries import today
from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import ChangeKind, Item
from oneseal.search import index
from oneseal.search.queries import search_handling_items


def names(query, **kw):
    return [h.handling_item_name for h in search_handling_items(query, **kw)]


def test_citizens_words_find_the_item_first(search_catalogue):
    assert names("开饭店")[0] == "食品经营许可核发"
    assert names("我想开个小饭馆")[0] == "食品经营许可核发"
    assert names("办幼儿园")[0] == "幼儿园设立审批"
    assert names("幼儿元")[0] == "幼儿园设立审批"  # a wrong character
    assert names("许可证施工")[0] == "建筑工程施工许可证核发"  # another word order
    assert names("开理发店")[0] == "公共场所卫生许可新办"


def test_the_catalogues_words_are_words_of_the_index(search_catalogue):
    """A name's word written in the query matches as one word term, not only as its bigrams."""
    idx = index.current()
    assert "开饭店" in idx.segment("我想开饭店") and "幼儿园设立" in idx.segment("幼儿园设立要什么")
    doc = next(
        i for i, d in enumerate(idx.documents) if d.handling_item.name == "建筑工程施工许可证核发"
    )
    scores = idx.lexical.scores(Counter({"w:建筑工程施工许可证": 1.0}))
    assert int(np.argmax(scores)) == doc and np.count_nonzero(scores) == 1
    assert names("建筑工程施工许可证")[0] == "建筑工程施工许可证核发"


def test_the_verb_picks_the_variant_and_the_item_appears_once(search_catalogue):
    hits = search_handling_items("注销公司")
    assert hits[0].handling_item_name == "公司注销登记"
    assert "注销" in hits[0].matched
    assert {o.name for o in hits[0].others} == {"公司设立登记", "公司变更登记"}
    assert [h.item_name for h in hits].count("企业设立、变更、注销登记") == 1
    assert names("公司改名")[0] == "公司变更登记"
    assert names("开公司")[0] == "公司设立登记"
    assert names("食品经营许可证到期了")[0] == "食品经营许可延续"
    assert names("饭店不干了")[0] == "食品经营许可注销"


def test_a_hit_says_what_matched_and_links_the_guide(search_catalogue):
    hit = search_handling_items("开饭店")[0]
    assert hit.matched.startswith("与俗称“开饭店”相符")
    assert hit.guide_url == f"/guide/{hit.handling_item.pk}/"
    assert hit.department_name == "平罗县市场监督管理局"
    assert hit.item_name == "食品（含保健食品）经营许可" and hit.score > 0


def test_the_region_limits_the_search_to_its_catalogues(search_catalogue, neighbour_catalogue):
    assert names("卖烟", region_code="640202")[0] == "烟草专卖零售许可证新办"
    assert "烟草专卖零售许可证新办" not in names("卖烟", region_code="640221")
    assert "烟草专卖零售许可证新办" in names("卖烟")
    assert (
        names("卖烟", region_code="640200")[0] == "烟草专卖零售许可证新办"
    )  # the city includes its counties
    assert names("卖烟", region_code="999999") == []


def test_drafts_and_empty_queries_find_nothing(search_catalogue, admin_user):
    catalogue_actions.create_item(
        search_catalogue, actor=admin_user, basic_code="64-XX-009", name="河道采砂许可"
    )
    assert "河道采砂许可" not in " ".join(names("河道采砂"))
    assert search_handling_items("   ") == [] and search_handling_items("，。") == []


def test_publishing_a_new_version_rebuilds_the_index(search_catalogue, admin_user):
    assert names("驾驶员培训")[0] == "机动车驾驶员培训许可"
    item = Item.objects.get(basic_code="64-JT-001")
    draft = catalogue_actions.start_adjustment(
        item,
        actor=admin_user,
        kind=ChangeKind.CHANGE,
        reason="名称调整",
        basis="省级指导目录（2025年版）",
    )
    catalogue_actions.update_draft(draft, actor=admin_user, name="机动车驾驶员培训备案")
    hi = draft.handling_items.get()
    hi.name, hi.keywords = "机动车驾驶员培训备案", "学车 驾校"
    catalogue_actions.save_draft_part(hi, actor=admin_user)
    before = index.current()
    catalogue_actions.publish(draft, actor=admin_user, effective_from=today())
    hits = search_handling_items("驾校")
    assert index.current() is not before
    assert hits[0].handling_item_name == "机动车驾驶员培训备案"
    assert "机动车驾驶员培训许可" not in names("驾驶员培训")


def test_a_version_published_for_later_enters_the_index_on_its_day(search_catalogue, admin_user):
    item = Item.objects.get(basic_code="64-JY-001")
    draft = catalogue_actions.start_adjustment(
        item,
        actor=admin_user,
        kind=ChangeKind.CHANGE,
        reason="名称调整",
        basis="省级指导目录（2025年版）",
    )
    hi = draft.handling_items.get()
    hi.name = "幼儿园设立许可"
    catalogue_actions.save_draft_part(hi, actor=admin_user)
    later = today() + datetime.timedelta(days=10)
    catalogue_actions.publish(draft, actor=admin_user, effective_from=later)
    assert names("办幼儿园")[0] == "幼儿园设立审批"
    with time_machine.travel(
        datetime.datetime.combine(later, datetime.time(12), ZoneInfo("Asia/Shanghai")), tick=False
    ):
        assert names("办幼儿园")[0] == "幼儿园设立许可"


def test_a_warm_search_reads_only_the_fingerprint(search_catalogue):
    search_handling_items("开饭店", region_code="640221")
    with CaptureQueriesContext(connection) as queries:
        search_handling_items("开超市", region_code="640221")
    assert len(queries) == 1
