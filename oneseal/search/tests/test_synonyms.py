"""Synonyms administrators add: they change what the search finds, are audited, and only a
catalogue administrator of the region may add or remove them (action, page and admin)."""

import pytest
from django.test import Client

from oneseal.audit.models import AuditEvent
from oneseal.catalogue.models import Item
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.organisation.models import Role
from oneseal.search import actions
from oneseal.search.models import Synonym
from oneseal.search.queries import search_handling_items


def first(query):
    hits = search_handling_items(query, region_code="640221")
    return hits[0] if hits else None


def test_a_synonym_added_by_an_administrator_changes_the_results(search_catalogue, admin_user):
    query = "考车本"
    before = first(query)
    assert before is None or "同义词" not in before.matched
    item = Item.objects.get(basic_code="64-JT-001")
    actions.add_synonym(
        search_catalogue, actor=admin_user, item=item, phrase="考车本", reason="窗口常有人这样问"
    )
    after = first(query)
    assert after.handling_item_name == "机动车驾驶员培训许可"
    assert after.matched.startswith("与同义词“考车本”相符")
    event = AuditEvent.objects.get(action="search.add_synonym")
    assert event.actor == admin_user and event.data["reason"] == "窗口常有人这样问"
    assert event.region_code == "640221"


def test_a_synonym_for_one_variant_points_at_that_variant(search_catalogue, admin_user):
    item = Item.objects.get(basic_code="64-SC-001")
    actions.add_synonym(
        search_catalogue,
        actor=admin_user,
        item=item,
        phrase="饭馆关张",
        reason="方言",
        variant="cancellation",
    )
    assert first("饭馆关张").handling_item_name == "食品经营许可注销"


def test_removing_a_synonym_takes_it_out_of_the_search_and_is_audited(search_catalogue, admin_user):
    item = Item.objects.get(basic_code="64-JT-001")
    synonym = actions.add_synonym(
        search_catalogue, actor=admin_user, item=item, phrase="考车本", reason="常见说法"
    )
    assert "同义词" in first("考车本").matched
    actions.remove_synonym(synonym, actor=admin_user, reason="说法不准确")
    hit = first("考车本")
    assert hit is None or "同义词" not in hit.matched
    event = AuditEvent.objects.get(action="search.remove_synonym")
    assert event.data["phrase"] == "考车本" and event.data["reason"] == "说法不准确"


def test_bad_synonyms_are_refused_naming_the_field(
    search_catalogue, admin_user, neighbour_catalogue
):
    item = Item.objects.get(basic_code="64-JT-001")
    with pytest.raises(ValidationFailed) as e:
        actions.add_synonym(search_catalogue, actor=admin_user, item=item, phrase=" ", reason="")
    assert set(e.value.fields) == {"phrase", "reason"}
    foreign = Item.objects.get(basic_code="64-DWK-001")
    with pytest.raises(ValidationFailed) as e:
        actions.add_synonym(
            search_catalogue, actor=admin_user, item=foreign, phrase="卖香烟", reason="x"
        )
    assert set(e.value.fields) == {"item"}
    actions.add_synonym(search_catalogue, actor=admin_user, item=item, phrase="驾校", reason="x")
    with pytest.raises(ValidationFailed) as e:
        actions.add_synonym(
            search_catalogue, actor=admin_user, item=item, phrase="驾校", reason="x"
        )
    assert "phrase" in e.value.fields
    assert Synonym.objects.count() == 1


def test_only_a_catalogue_administrator_of_the_region_may_add_or_remove(
    search_catalogue, admin_user, make_staff, county, other_county
):
    item = Item.objects.get(basic_code="64-JT-001")
    clerk = make_staff("clerk", county, Role.CLERK)
    foreign_admin = make_staff("admin_dwk", other_county, Role.CATALOGUE_ADMIN)
    for actor in (clerk, foreign_admin):
        with pytest.raises(NotPermitted):
            actions.add_synonym(search_catalogue, actor=actor, item=item, phrase="驾校", reason="x")
    synonym = actions.add_synonym(
        search_catalogue, actor=admin_user, item=item, phrase="驾校", reason="x"
    )
    with pytest.raises(NotPermitted):
        actions.remove_synonym(synonym, actor=foreign_admin)
    assert Synonym.objects.filter(pk=synonym.pk).exists()


def test_the_synonym_page_adds_and_removes_for_the_administrator(search_catalogue, admin_user):
    client = Client()
    client.force_login(admin_user)
    page = client.get("/search/synonyms/", follow=True)
    assert page.status_code == 200 and "群众说法" in page.content.decode()
    url = f"/search/synonyms/{search_catalogue.pk}/"
    item = Item.objects.get(basic_code="64-JT-001")
    refused = client.post(url, {"phrase": "", "item": item.pk, "reason": ""})
    assert refused.status_code == 400 and "请修正以下问题" in refused.content.decode()
    added = client.post(
        url, {"phrase": "驾校", "item": item.pk, "variant": "", "reason": "常见说法"}, follow=True
    )
    assert added.status_code == 200 and "驾校" in added.content.decode()
    synonym = Synonym.objects.get()
    assert synonym.created_by == admin_user
    client.post(f"/search/synonyms/remove/{synonym.pk}/", {"reason": "重复"})
    assert not Synonym.objects.exists()


def test_the_synonym_page_refuses_everyone_else(
    search_catalogue, admin_user, make_staff, county, other_county
):
    url = f"/search/synonyms/{search_catalogue.pk}/"
    item = Item.objects.get(basic_code="64-JT-001")
    synonym = actions.add_synonym(
        search_catalogue, actor=admin_user, item=item, phrase="驾校", reason="x"
    )
    anonymous = Client()
    assert anonymous.get(url).status_code == 302
    assert anonymous.post(f"/search/synonyms/remove/{synonym.pk}/").status_code == 302
    for user in (
        make_staff("clerk", county, Role.CLERK),
        make_staff("admin_dwk", other_county, Role.CATALOGUE_ADMIN),
    ):
        client = Client()
        client.force_login(user)
        page = client.get(url)
        assert page.status_code == 403 and "驾校" not in page.content.decode()
        assert (
            client.post(url, {"phrase": "学车", "item": item.pk, "reason": "x"}).status_code == 403
        )
        assert client.post(f"/search/synonyms/remove/{synonym.pk}/").status_code == 403
    assert list(Synonym.objects.values_list("phrase", flat=True)) == ["驾校"]


def test_the_admin_adds_synonyms_through_the_action(search_catalogue, make_staff, county):
    from django.contrib.auth import get_user_model

    user = make_staff("staffadmin", county, Role.CATALOGUE_ADMIN)
    get_user_model().objects.filter(pk=user.pk).update(is_staff=True)
    client = Client()
    client.force_login(user)
    item = Item.objects.get(basic_code="64-JT-001")
    response = client.post(
        "/admin/search/synonym/add/",
        {
            "catalogue": search_catalogue.pk,
            "item": item.pk,
            "phrase": "驾校",
            "variant": "",
            "reason": "后台添加",
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="search.add_synonym", actor=user).exists()
