import datetime

import pytest
from rest_framework.test import APIClient

from oneseal.catalogue import actions
from oneseal.catalogue.models import (
    ChangeKind,
    HandlingItem,
    Material,
    ReviewStep,
    SpecialProcedure,
    Topic,
    TransferStatus,
)
from oneseal.organisation.models import Department, Section

D1 = datetime.date(2025, 1, 1)
D2 = datetime.date(2025, 7, 1)
BETWEEN = "2025-03-01"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def publish(complete_draft, admin_user):
    """Publish a complete item; `fields` change the draft first, as the editor would."""

    def make(basic_code, name, *, on=D1, **fields):
        draft = complete_draft(basic_code, name)
        if fields:
            actions.update_draft(draft, actor=admin_user, **fields)
        return actions.publish(draft, actor=admin_user, effective_from=on)

    return make


@pytest.fixture
def housing(county):
    return Department.objects.create(
        region=county, name="平罗县住房和城乡建设局", short_name="住建局", order=3
    )


@pytest.fixture
def catalogue_with_history(publish, complete_draft, admin_user, housing):
    """食品经营许可 v1 (5 days) replaced on D2 by v2 (3 days); 建筑施工许可 stationed; a draft
    item never published; and a draft adjustment of 建筑施工许可 that renames it."""
    food = publish("XK-001", "食品经营许可")
    v2 = actions.start_adjustment(
        food.item,
        actor=admin_user,
        kind=ChangeKind.CHANGE_LIMIT,
        reason="压减承诺时限",
        basis="县政府常务会议纪要〔2025〕3号",
    )
    hi = v2.handling_items.get()
    hi.promised_limit_days = 3
    actions.save_draft_part(hi, actor=admin_user)
    food_v2 = actions.publish(v2, actor=admin_user, effective_from=D2)
    building = publish(
        "XK-002",
        "建筑工程施工许可",
        original_department=housing,
        transfer_status=TransferStatus.STATIONED,
    )
    draft_adjustment = actions.start_adjustment(
        building.item, actor=admin_user, kind=ChangeKind.CHANGE, reason="更名", basis="省政府令"
    )
    actions.update_draft(draft_adjustment, actor=admin_user, name="草稿里的新名称")
    draft = complete_draft("XK-003", "尚未发布的事项")
    return {
        "food_v1": food,
        "food_v2": food_v2,
        "building": building,
        "draft": draft,
        "draft_adjustment": draft_adjustment,
    }


def names(response):
    return [row["name"] for row in response.json()["results"]]


def test_the_items_of_a_region_are_its_versions_in_force_with_their_handling_items(
    api, catalogue_with_history
):
    r = api.get("/api/v1/items", {"region": "640221"})
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 2
    food = next(row for row in body["results"] if row["basic_code"] == "XK-001")
    assert food["id"] == catalogue_with_history["food_v2"].pk and food["number"] == 2
    assert food["effective_from"] == "2025-07-01" and food["effective_until"] is None
    assert food["original_department"]["name"] == "平罗县市场监督管理局"
    assert food["transfer_status_display"] == "划转"
    assert [hi["promised_limit_days"] for hi in food["handling_items"]] == [3]


def test_a_past_date_shows_the_version_in_force_on_that_date(api, catalogue_with_history):
    r = api.get("/api/v1/items", {"region": "640221", "on": BETWEEN, "q": "食品"})
    [food] = r.json()["results"]
    assert food["id"] == catalogue_with_history["food_v1"].pk and food["number"] == 1
    assert food["effective_until"] == "2025-07-01"
    assert food["handling_items"][0]["promised_limit_days"] == 5
    assert api.get("/api/v1/items", {"region": "640221", "on": "2024-12-31"}).json()["count"] == 0


def test_drafts_are_never_visible_through_the_public_api(api, catalogue_with_history):
    draft, adjustment = catalogue_with_history["draft"], catalogue_with_history["draft_adjustment"]
    listed = names(api.get("/api/v1/items", {"region": "640221"}))
    assert "尚未发布的事项" not in listed and "草稿里的新名称" not in listed
    assert "建筑工程施工许可" in listed
    assert api.get("/api/v1/items", {"region": "640221", "q": "草稿"}).json()["count"] == 0
    for version in (draft, adjustment):
        assert api.get(f"/api/v1/items/{version.pk}").status_code == 404
        assert api.get(f"/api/v1/items/{version.pk}/history").status_code == 404
        assert (
            api.get(f"/api/v1/handling-items/{version.handling_items.get().pk}").status_code == 404
        )
    history = api.get(f"/api/v1/items/{catalogue_with_history['building'].pk}/history").json()[
        "results"
    ]
    assert [h["number"] for h in history] == [1]


def test_the_public_item_list_refuses_to_include_drafts(api, catalogue_with_history, admin_user):
    api.force_authenticate(admin_user)
    r = api.get("/api/v1/items", {"region": "640221", "include_drafts": "1"})
    assert r.status_code == 400
    assert "include_drafts" in r.json()["fields"]


def test_items_filter_by_department_type_status_applicant_and_name(
    api, publish, housing, department
):
    publish("A1", "食品经营许可")
    publish("A2", "建筑工程施工许可", original_department=housing, item_type="confirmation")
    publish("A3", "户外广告设置许可", transfer_status=TransferStatus.RETAINED)
    topic = Topic.objects.create(name="市场准入")
    v = publish("A4", "药品零售许可", topic=topic)
    hi = v.handling_items.get()
    HandlingItem.objects.filter(pk=hi.pk).update(applicant_type="organisation")

    def listed(**params):
        return sorted(names(api.get("/api/v1/items", {"region": "640221", **params})))

    assert listed(department=housing.pk) == ["建筑工程施工许可"]
    assert listed(item_type="confirmation") == ["建筑工程施工许可"]
    assert listed(transfer_status="retained") == ["户外广告设置许可"]
    assert listed(topic=topic.pk) == ["药品零售许可"]
    assert "药品零售许可" not in listed(applicant_type="person")
    assert "药品零售许可" in listed(applicant_type="organisation")
    assert listed(q="许可") == sorted(
        ["食品经营许可", "建筑工程施工许可", "户外广告设置许可", "药品零售许可"]
    )
    assert listed(q="施工") == ["建筑工程施工许可"]


def test_items_can_be_listed_by_catalogue_id(api, publish, catalogue):
    publish("A1", "食品经营许可")
    assert names(api.get("/api/v1/items", {"catalogue": catalogue.pk})) == ["食品经营许可"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"region": "999999"}, "region"),
        ({"region": "640221", "on": "2025-02-30"}, "on"),
        ({"region": "640221", "on": "01/03/2025"}, "on"),
        ({"region": "640221", "department": "abc"}, "department"),
        ({"region": "640221", "transfer_status": "moved"}, "transfer_status"),
        ({"catalogue": "99999"}, "catalogue"),
        ({}, "region"),
    ],
)
def test_a_bad_query_parameter_is_a_400_naming_it(api, catalogue, params, field):
    r = api.get("/api/v1/items", params)
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "validation_failed"
    assert list(body["fields"]) == [field]
    assert body["message"]


def test_an_unknown_region_says_which_code_is_unknown(api, catalogue):
    body = api.get("/api/v1/items", {"region": "999999"}).json()
    assert body["fields"]["region"] == ["区划代码 999999 不存在"]
    assert "region" in body["message"]


def test_a_region_without_a_catalogue_is_a_400(api, catalogue, other_county):
    r = api.get("/api/v1/items", {"region": other_county.code})
    assert r.status_code == 400
    assert "没有本级事项目录" in r.json()["fields"]["region"][0]


def test_the_item_detail_shows_a_published_version_and_its_handling_items(
    api, catalogue_with_history
):
    v1 = catalogue_with_history["food_v1"]
    body = api.get(f"/api/v1/items/{v1.pk}").json()
    assert body["number"] == 1 and body["basic_code"] == "XK-001"
    assert body["legal_basis"] == "《中华人民共和国食品安全法》第三十五条"
    assert body["catalogue"]["region_code"] == "640221"
    assert body["effective_from"] == "2025-01-01" and body["effective_until"] == "2025-07-01"
    assert [hi["code"] for hi in body["handling_items"]] == ["XK-001-01"]


def test_the_handling_item_detail_is_the_whole_service_guide(
    api, complete_draft, admin_user, bureau
):
    v = complete_draft("XK-009", "食品经营许可")
    hi = v.handling_items.get()
    hi.fee_charged, hi.fee_standard, hi.fee_basis = True, "每证10元", "发改价格〔2025〕1号"
    hi.deliver_by_post = True
    hi.conditions = "有与经营的食品品种相适应的经营场所"
    actions.save_draft_part(hi, actor=admin_user)
    actions.save_draft_part(
        Material(
            handling_item=hi,
            name="营业执照",
            order=2,
            source="shared",
            is_core=False,
            is_tolerable=True,
            applies_to="organisation",
        ),
        actor=admin_user,
    )
    section = Section.objects.create(bureau=bureau, name="市场准入科")
    actions.save_draft_part(
        ReviewStep(handling_item=hi, order=1, name="初审", section=section, limit_days=2),
        actor=admin_user,
    )
    actions.save_draft_part(
        SpecialProcedure(handling_item=hi, kind="site_survey", limit_days=5), actor=admin_user
    )
    actions.publish(v, actor=admin_user, effective_from=D1)

    body = APIClient().get(f"/api/v1/handling-items/{hi.pk}").json()
    assert body["name"] == "食品经营许可（新办）"
    assert body["conditions"] == "有与经营的食品品种相适应的经营场所"
    assert (body["statutory_limit_days"], body["promised_limit_days"]) == (20, 5)
    assert (body["fee_charged"], body["fee_standard"], body["fee_basis"]) == (
        True,
        "每证10元",
        "发改价格〔2025〕1号",
    )
    assert body["delivery_channels"] == ["窗口领取", "邮寄送达"]
    assert body["complaint_phone"] == "0952-12345"
    assert [(m["name"], m["source_display"], m["is_tolerable"]) for m in body["materials"]] == [
        ("食品经营许可申请书", "申请人自备", False),
        ("营业执照", "共享获取／电子证照", True),
    ]
    assert [(m["applies_to"], m["applies_to_display"]) for m in body["materials"]] == [
        ("all", "所有情形"),
        ("organisation", "申请人为法人或其他组织的"),
    ]
    assert body["review_steps"] == [
        {
            "id": body["review_steps"][0]["id"],
            "order": 1,
            "name": "初审",
            "role": "reviewer",
            "role_display": "审查",
            "section": "市场准入科",
            "limit_days": 2,
        }
    ]
    assert [(p["kind_display"], p["limit_days"]) for p in body["special_procedures"]] == [
        ("现场勘验", 5)
    ]
    version = body["item_version"]
    assert (version["id"], version["number"], version["basic_code"]) == (v.pk, 1, "XK-009")
    assert (version["effective_from"], version["effective_until"]) == ("2025-01-01", None)


def test_item_history_tells_what_changed_why_and_who_by_display_name_only(
    api, catalogue_with_history, make_staff, county
):
    v1, v2 = catalogue_with_history["food_v1"], catalogue_with_history["food_v2"]
    body = api.get(f"/api/v1/items/{v2.pk}/history").json()
    assert body == api.get(f"/api/v1/items/{v1.pk}/history").json()
    first, second = body["results"]
    assert (first["number"], first["change_kind"], first["effective_until"]) == (
        1,
        "add",
        "2025-07-01",
    )
    assert second["change_kind_display"] == "调整时限"
    assert (second["change_reason"], second["change_basis"]) == (
        "压减承诺时限",
        "县政府常务会议纪要〔2025〕3号",
    )
    assert second["published_by"] == "catadmin" and second["drafted_by"] == "catadmin"
    assert second["published_at"] and second["effective_from"] == "2025-07-01"
    assert "username" not in str(body) and "password" not in str(body)


def test_history_shows_the_staff_display_name_not_the_account(
    api, catalogue, department, make_staff, county
):
    user = make_staff("wang.li.2025", county, "catalogue_admin", display_name="王丽")
    v = actions.create_item(
        catalogue,
        actor=user,
        basic_code="Z1",
        name="某许可",
        legal_basis="某法",
        original_department=department,
    )
    hi = actions.save_draft_part(
        HandlingItem(
            item_version=v,
            code="Z1-01",
            name="某许可",
            statutory_limit_days=20,
            promised_limit_days=5,
            complaint_phone="12345",
        ),
        actor=user,
    )
    actions.save_draft_part(Material(handling_item=hi, name="申请书"), actor=user)
    actions.publish(v, actor=user, effective_from=D1)
    body = api.get(f"/api/v1/items/{v.pk}/history").content.decode()
    assert "王丽" in body and "wang.li.2025" not in body


def test_regions_list_children_and_filter_by_level(api, regions):
    r = api.get("/api/v1/regions", {"parent": "640200"})
    codes = [row["code"] for row in r.json()["results"]]
    assert "640202" in codes and all(c.startswith("6402") for c in codes)
    provinces = api.get("/api/v1/regions", {"level": "province", "limit": 100}).json()["results"]
    assert {"640000", "510000"} <= {p["code"] for p in provinces}
    assert all(p["level"] == "province" and p["parent_code"] is None for p in provinces)
    assert api.get("/api/v1/regions", {"level": "galaxy"}).json()["fields"].keys() == {"level"}
    assert api.get("/api/v1/regions", {"parent": "123456"}).status_code == 400


def test_a_region_detail_gives_its_full_name(api, regions):
    body = api.get("/api/v1/regions/640221").json()
    assert body["name"] == "平罗县" and body["parent_code"] == "640200"
    assert body["full_name"].startswith("宁夏回族自治区") and body["full_name"].endswith("平罗县")
    missing = api.get("/api/v1/regions/999999")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_catalogues_and_departments_filter_by_region(
    api, catalogue, department, housing, other_county
):
    Department.objects.create(region=other_county, name="大武口区市场监督管理局")
    cats = api.get("/api/v1/catalogues", {"region": "640221"}).json()["results"]
    assert [(c["name"], c["kind"], c["bureau"]) for c in cats] == [
        ("平罗县审批服务事项目录", "local", "平罗县审批服务管理局")
    ]
    assert api.get("/api/v1/catalogues", {"region": other_county.code}).json()["count"] == 0
    depts = api.get("/api/v1/departments", {"region": "640221"}).json()["results"]
    assert [d["name"] for d in depts] == ["平罗县住房和城乡建设局", "平罗县市场监督管理局"]
    city = api.get("/api/v1/departments", {"region": "640200"}).json()
    assert city["count"] == 3
    assert api.get("/api/v1/departments", {"region": "x"}).status_code == 400


def test_topics_are_listed_in_their_order(api, db):
    Topic.objects.create(name="工程建设", order=2)
    Topic.objects.create(name="市场准入", order=1)
    assert [t["name"] for t in api.get("/api/v1/topics").json()["results"]] == [
        "市场准入",
        "工程建设",
    ]


def test_the_api_is_read_only(api, catalogue_with_history, admin_user):
    api.force_authenticate(admin_user)
    r = api.post("/api/v1/items", {"region": "640221"})
    assert r.status_code == 405 and r.json()["code"] == "method_not_allowed"
    assert api.delete(f"/api/v1/items/{catalogue_with_history['food_v1'].pk}").status_code == 405


def test_lists_are_paginated_with_limit_and_offset(api, publish):
    for n in range(3):
        publish(f"P{n}", f"许可{n}")
    page = api.get("/api/v1/items", {"region": "640221", "limit": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    rest = api.get("/api/v1/items", {"region": "640221", "limit": 2, "offset": 2}).json()
    assert {r["name"] for r in page["results"] + rest["results"]} == {"许可0", "许可1", "许可2"}
