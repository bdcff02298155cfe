"""Phrases an item must not be found for (`Exclusion`): catalogue administrators add them with
an audit record; the search leaves the item out for queries saying them, points to the item or
life event named instead, and says why (page and API)."""

import pytest
from django.test import Client

from oneseal.audit.models import AuditEvent
from oneseal.catalogue import life_events
from oneseal.catalogue.models import HandlingItem, Item
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.organisation.models import Role
from oneseal.search import actions, rules
from oneseal.search.models import Exclusion
from oneseal.search.queries import search_handling_items, search_life_events

REGION = "640221"
KINDERGARTEN = "64-JY-001"
WHY = "托儿所（3岁以下）由卫生健康部门备案，不是幼儿园设立审批。"


def search(query):
    return search_handling_items(query, region_code=REGION)


def items_of(results):
    return [h.item_name for h in results]


def exclude(catalogue, actor, basic_code, phrase, **kwargs):
    kwargs.setdefault("reason", "群众被引错")
    return actions.add_exclusion(
        catalogue,
        actor=actor,
        item=Item.objects.get(basic_code=basic_code),
        phrase=phrase,
        **kwargs,
    )


def test_an_excluded_item_is_not_offered_for_the_phrase_and_the_search_says_why(
    search_catalogue, admin_user
):
    assert search("办托儿所")[0].item_name == "幼儿园设立审批"
    exclude(search_catalogue, admin_user, KINDERGARTEN, "托儿所", explanation=WHY)

    results = search("我想办个托儿所")
    assert "幼儿园设立审批" not in items_of(results)
    assert [(n.phrase, n.item_name, n.explanation) for n in results.notices] == [
        ("托儿所", "幼儿园设立审批", WHY)
    ]
    # Nothing else in the catalogue is close: "nothing close", with the bureau's phone.
    assert results.matched is False
    api = Client().get("/api/v1/search", {"q": "办托儿所", "region": REGION}).json()
    assert api["matched"] is False and api["results"] == []
    assert "幼儿园设立审批" not in [h["item"] for h in api["related"]]
    assert api["excluded"] == [
        {
            "phrase": "托儿所",
            "item": "幼儿园设立审批",
            "explanation": WHY,
            "instead": "",
            "instead_url": "",
        }
    ]
    page = Client().get("/search/", {"q": "办托儿所", "region": REGION}).content.decode()
    assert "“托儿所”不办理“幼儿园设立审批”。" + WHY in page
    assert "没有找到与“办托儿所”相近的事项" in page

    # Other words still find the item.
    assert search("办幼儿园")[0].item_name == "幼儿园设立审批"
    assert search("办幼儿园").notices == ()


def test_an_exclusion_can_point_to_the_item_that_answers_the_phrase(search_catalogue, admin_user):
    food = Item.objects.get(basic_code="64-SC-001")
    exclude(
        search_catalogue,
        admin_user,
        "64-SC-002",
        "开小卖部",
        instead_item=food,
        explanation="个体小卖部不必办公司设立登记。",
    )
    results = search("开个小卖部")
    assert results.matched is True
    assert results[0].handling_item_name == "食品经营许可核发"
    assert results[0].matched == "管理员指定：这种说法应办本事项"
    assert "企业设立、变更、注销登记" not in items_of(results)
    notice = results.notices[0]
    guide = HandlingItem.objects.get(code="64-SC-001-00").pk
    assert notice.instead_name == "食品（含保健食品）经营许可"
    assert notice.instead_url == f"/guide/{guide}/"


def test_an_exclusion_can_point_to_a_life_event(search_catalogue, admin_user):
    event = life_events.create_life_event(
        search_catalogue, actor=admin_user, name="开办托育机构", keywords=""
    )
    life_events.add_life_event_item(
        event, HandlingItem.objects.get(code="64-WS-001-00"), actor=admin_user
    )
    life_events.publish_life_event(event, actor=admin_user)
    assert search_life_events("办托儿所", region_code=REGION) == []
    exclude(search_catalogue, admin_user, KINDERGARTEN, "托儿所", instead_life_event=event)
    hits = search_life_events("办托儿所", region_code=REGION)
    assert [(h.name, h.matched) for h in hits] == [("开办托育机构", "托儿所")]
    api = Client().get("/api/v1/search", {"q": "办托儿所", "region": REGION}).json()
    assert [e["name"] for e in api["life_events"]] == ["开办托育机构"]


def test_the_items_own_everyday_name_in_the_query_outweighs_an_exclusion(
    search_catalogue, admin_user
):
    # 开超市 is a keyword of the food licence: 在超市旁开饭店 still finds it although 超市 alone
    # is excluded from it.
    exclude(search_catalogue, admin_user, "64-SC-001", "超市")
    assert "食品（含保健食品）经营许可" not in items_of(search("超市"))
    assert search("开超市")[0].item_name == "食品（含保健食品）经营许可"


def test_adding_and_removing_an_exclusion_is_audited_and_changes_the_search(
    search_catalogue, admin_user
):
    exclusion = exclude(search_catalogue, admin_user, KINDERGARTEN, "托儿所", explanation=WHY)
    event = AuditEvent.objects.get(action="search.add_exclusion")
    assert event.actor == admin_user and event.region_code == REGION
    assert event.data["phrase"] == "托儿所" and event.data["explanation"] == WHY
    assert "幼儿园设立审批" not in items_of(search("办托儿所"))

    actions.remove_exclusion(exclusion, actor=admin_user, reason="卫健部门已进驻")
    assert not Exclusion.objects.exists()
    assert search("办托儿所")[0].item_name == "幼儿园设立审批"
    removed = AuditEvent.objects.get(action="search.remove_exclusion")
    assert removed.data["phrase"] == "托儿所" and removed.data["reason"] == "卫健部门已进驻"
    assert removed.data["added_reason"] == "群众被引错"


def test_bad_exclusions_are_refused_naming_the_field(
    search_catalogue, admin_user, neighbour_catalogue
):
    item = Item.objects.get(basic_code=KINDERGARTEN)
    foreign = Item.objects.get(basic_code="64-DWK-001")

    def refused(**kwargs):
        kwargs = {"item": item, "phrase": "托儿所", "reason": "x", **kwargs}
        with pytest.raises(ValidationFailed) as e:
            actions.add_exclusion(search_catalogue, actor=admin_user, **kwargs)
        return set(e.value.fields)

    assert refused(phrase=" ", reason="") == {"phrase", "reason"}
    assert refused(phrase="托") == {"phrase"}
    assert refused(phrase="托" * 51) == {"phrase"}
    assert refused(item=foreign) == {"item"}
    assert refused(instead_item=item) == {"instead_item"}
    assert refused(instead_item=foreign) == {"instead_item"}
    assert refused(explanation="说" * 201) == {"explanation"}
    # A keyword of the item's guide: the search could not obey both.
    assert refused(item=Item.objects.get(basic_code="64-SC-001"), phrase="开超市") == {"phrase"}
    exclude(search_catalogue, admin_user, KINDERGARTEN, "托儿所")
    assert refused() == {"phrase"}
    # Nor the other way round: a synonym that an exclusion already refuses.
    with pytest.raises(ValidationFailed) as e:
        actions.add_synonym(
            search_catalogue, actor=admin_user, item=item, phrase="托儿所", reason="x"
        )
    assert set(e.value.fields) == {"phrase"}
    assert Exclusion.objects.count() == 1


def test_only_a_catalogue_administrator_of_the_region_adds_or_removes(
    search_catalogue, admin_user, make_staff, other_county, county
):
    item = Item.objects.get(basic_code=KINDERGARTEN)
    clerk = make_staff("clerk_x", county, Role.CLERK)
    other_admin = make_staff("catadmin_x", other_county, Role.CATALOGUE_ADMIN)
    for actor in (clerk, other_admin):
        with pytest.raises(NotPermitted):
            actions.add_exclusion(
                search_catalogue, actor=actor, item=item, phrase="托儿所", reason="x"
            )
    exclusion = exclude(search_catalogue, admin_user, KINDERGARTEN, "托儿所")
    with pytest.raises(NotPermitted):
        actions.remove_exclusion(exclusion, actor=other_admin)
    assert (
        Exclusion.objects.count() == 1
        and not AuditEvent.objects.filter(action="search.remove_exclusion").exists()
    )


def test_the_exclusion_page_adds_lists_removes_and_names_bad_fields(
    search_catalogue, admin_user, make_staff, county
):
    client = Client()
    client.force_login(admin_user)
    url = f"/search/exclusions/{search_catalogue.pk}/"
    item = Item.objects.get(basic_code=KINDERGARTEN)
    page = client.get(url)
    assert page.status_code == 200 and "添加排除说法" in page.content.decode()

    bad = client.post(url, {"phrase": "托", "item": item.pk, "reason": "x"})
    assert bad.status_code == 400 and "说法至少要有两个字" in bad.content.decode()
    assert set(bad.context["form"].errors) == {"phrase"}
    same = client.post(
        url, {"phrase": "托儿所", "item": item.pk, "instead_item": item.pk, "reason": ""}
    )
    assert same.status_code == 400 and set(same.context["form"].errors) == {"reason"}
    same = client.post(
        url, {"phrase": "托儿所", "item": item.pk, "instead_item": item.pk, "reason": "x"}
    )
    assert set(same.context["form"].errors) == {"instead_item"}
    assert not Exclusion.objects.exists()

    good = client.post(
        url, {"phrase": "托儿所", "item": item.pk, "reason": "群众被引错", "explanation": WHY}
    )
    assert good.status_code == 302
    listed = client.get(url).content.decode()
    assert "托儿所" in listed and WHY in listed and "幼儿园设立审批" in listed

    clerk = Client()
    clerk.force_login(make_staff("clerk_y", county, Role.CLERK))
    assert clerk.get(url).status_code == 403
    exclusion = Exclusion.objects.get()
    assert clerk.post(f"/search/exclusions/remove/{exclusion.pk}/").status_code == 403
    assert client.post(f"/search/exclusions/remove/{exclusion.pk}/").status_code == 302
    assert not Exclusion.objects.exists()


def test_a_phrase_is_said_with_fillers_or_a_measure_word_between():
    assert rules.phrase_said("我想开一家药店", "开药店")
    assert rules.phrase_said("开个药店", "开药店")
    assert rules.phrase_said("开家药房卖药", "开药房")
    assert not rules.phrase_said("药店办医保定点", "开药店")
    assert not rules.phrase_said("开了三年的药店", "开药店")
    assert not rules.phrase_said("开药店", "药")


def test_the_admin_adds_exclusions_through_the_action_and_names_a_refusal(
    search_catalogue, make_staff, county
):
    from django.contrib.auth import get_user_model

    user = make_staff("staffadmin", county, Role.CATALOGUE_ADMIN)
    get_user_model().objects.filter(pk=user.pk).update(is_staff=True)
    client = Client()
    client.force_login(user)
    item = Item.objects.get(basic_code=KINDERGARTEN)
    form = {"catalogue": search_catalogue.pk, "item": item.pk, "phrase": "托儿所", "reason": "x"}
    refused = client.post("/admin/search/exclusion/add/", {**form, "instead_item": item.pk})
    assert refused.status_code == 302 and not Exclusion.objects.exists()
    messages = [str(m) for m in refused.wsgi_request._messages]
    assert any("不能是被排除的事项本身" in m for m in messages), messages
    assert client.post("/admin/search/exclusion/add/", form).status_code == 302
    assert AuditEvent.objects.filter(action="search.add_exclusion", actor=user).exists()


def test_a_guidance_catalogue_takes_no_phrases_on_any_path(search_catalogue, admin_user):
    # The page lists local catalogues only; the action refuses the others for the admin and
    # the API alike.
    item = Item.objects.get(basic_code=KINDERGARTEN)
    search_catalogue.kind = "guidance"
    for add in (actions.add_exclusion, actions.add_synonym):
        with pytest.raises(ValidationFailed) as e:
            add(search_catalogue, actor=admin_user, item=item, phrase="托儿所", reason="x")
        assert "catalogue" in e.value.fields
    assert not Exclusion.objects.exists()
