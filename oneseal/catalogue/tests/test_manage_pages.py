import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from oneseal.audit.models import AuditEvent
from oneseal.catalogue import actions
from oneseal.catalogue.models import Catalogue, ChangeKind, HandlingItem, Item, ItemVersion
from oneseal.organisation.models import Role

D1 = datetime.date(2025, 1, 1)
D2 = datetime.date(2025, 7, 1)


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def published(complete_draft, admin_user):
    return actions.publish(complete_draft(), actor=admin_user, effective_from=D1)


def _pages(catalogue, version):
    return [
        reverse("catalogue:items", args=[catalogue.pk]),
        reverse("catalogue:item_new", args=[catalogue.pk]),
        reverse("catalogue:history", args=[version.item_id]),
        reverse("catalogue:adjust", args=[version.item_id]),
        reverse("catalogue:version", args=[version.pk]),
        reverse("catalogue:publish", args=[version.pk]),
        reverse("catalogue:discard", args=[version.pk]),
    ]


def test_anonymous_visitors_are_sent_to_the_login_page(client, catalogue, complete_draft):
    v = complete_draft()
    for url in [reverse("catalogue:manage"), *_pages(catalogue, v)]:
        r = client.get(url)
        assert r.status_code == 302 and r["Location"].startswith("/accounts/login/"), url
    r = client.post(reverse("catalogue:publish", args=[v.pk]), {"effective_from": "2025-01-01"})
    assert r.status_code == 302
    v.refresh_from_db()
    assert v.is_draft


def test_a_clerk_and_an_admin_of_another_county_are_refused(
    client, catalogue, complete_draft, make_staff, county, other_county
):
    v = complete_draft()
    clerk = make_staff("clerk", county, Role.CLERK)
    stranger = make_staff("stranger", other_county, Role.CATALOGUE_ADMIN)
    for user in (clerk, stranger):
        client.force_login(user)
        for url in _pages(catalogue, v):
            assert client.get(url).status_code == 403, (user, url)
        assert (
            client.post(
                reverse("catalogue:publish", args=[v.pk]), {"effective_from": "2025-01-01"}
            ).status_code
            == 403
        )
        assert client.post(reverse("catalogue:discard", args=[v.pk])).status_code == 403
        assert (
            client.post(
                reverse("catalogue:item_new", args=[catalogue.pk]),
                {"basic_code": "Z9", "name": "x"},
            ).status_code
            == 403
        )
    client.force_login(clerk)
    assert client.get(reverse("catalogue:manage")).status_code == 403
    client.force_login(stranger)
    # The other county's admin sees only their own (empty) scope.
    assert "平罗县审批服务事项目录" not in text(client.get(reverse("catalogue:manage")))
    v.refresh_from_db()
    assert v.is_draft and not Item.objects.filter(basic_code="Z9").exists()


def test_an_admin_with_one_catalogue_goes_straight_to_its_list(admin_client, catalogue):
    r = admin_client.get(reverse("catalogue:manage"))
    assert r.status_code == 302 and r["Location"] == reverse("catalogue:items", args=[catalogue.pk])


def test_a_city_admin_chooses_among_the_catalogues_below_them(
    client, catalogue, make_staff, regions, other_county
):
    Catalogue.objects.create(region=other_county, name="大武口区政务服务事项目录")
    client.force_login(make_staff("city", regions.get(code="640200"), Role.CATALOGUE_ADMIN))
    body = text(client.get(reverse("catalogue:manage")))
    assert "平罗县审批服务事项目录" in body and "大武口区政务服务事项目录" in body


def test_the_list_shows_each_items_latest_status_and_dates(
    admin_client, catalogue, published, complete_draft, admin_user
):
    complete_draft("640221-XK-002", "药品零售许可")
    actions.start_adjustment(
        published.item, actor=admin_user, kind=ChangeKind.CHANGE, reason="r", basis="b"
    )
    body = text(admin_client.get(reverse("catalogue:items", args=[catalogue.pk])))
    assert "药品零售许可" in body and "食品经营许可" in body
    assert body.count("草稿</span>") == 2  # the new item and the adjustment draft
    assert "第1版，2025年1月1日起" in body  # the version in force beside the draft


def test_the_list_filters_by_status_name_and_department(
    admin_client, catalogue, published, complete_draft, department
):
    complete_draft("640221-XK-002", "药品零售许可")
    url = reverse("catalogue:items", args=[catalogue.pk])
    drafts = text(admin_client.get(url, {"status": "draft"}))
    assert "药品零售许可" in drafts and "食品经营许可" not in drafts
    published_only = text(admin_client.get(url, {"status": "published"}))
    assert "食品经营许可" in published_only and "药品零售许可" not in published_only
    by_name = text(admin_client.get(url, {"q": "药品"}))
    assert "药品零售许可" in by_name and "食品经营许可" not in by_name
    by_code = text(admin_client.get(url, {"q": "XK-001"}))
    assert "食品经营许可" in by_code and "药品零售许可" not in by_code
    assert "共 2 项" in text(admin_client.get(url, {"department": department.pk}))


def test_cancelled_items_are_listed_only_on_request(admin_client, catalogue, published, admin_user):
    v2 = actions.start_adjustment(
        published.item, actor=admin_user, kind=ChangeKind.CANCEL, reason="取消", basis="文件"
    )
    actions.publish(v2, actor=admin_user, effective_from=D2)
    url = reverse("catalogue:items", args=[catalogue.pk])
    assert "食品经营许可" not in text(admin_client.get(url))
    assert "食品经营许可" in text(admin_client.get(url, {"cancelled": "on"}))


def test_the_history_shows_every_version_with_who_when_why_and_basis(
    admin_client, published, admin_user
):
    v2 = actions.start_adjustment(
        published.item,
        actor=admin_user,
        kind=ChangeKind.CHANGE_LIMIT,
        reason="压减承诺时限",
        basis="县政府常务会议纪要〔2025〕3号",
    )
    actions.publish(v2, actor=admin_user, effective_from=D2)
    body = text(admin_client.get(reverse("catalogue:history", args=[published.item_id])))
    for expected in [
        "第1版",
        "第2版",
        "新增",
        "调整时限",
        "压减承诺时限",
        "县政府常务会议纪要〔2025〕3号",
        "catadmin",
        "2025年1月1日",
        "2025年7月1日",
        "已发布",
    ]:
        assert expected in body, expected
    assert f'href="/guide/{v2.handling_items.get().pk}/"' in body


def test_the_new_item_form_creates_a_draft_through_the_action(admin_client, catalogue, department):
    r = admin_client.post(
        reverse("catalogue:item_new", args=[catalogue.pk]),
        {
            "basic_code": "640221-QR-009",
            "name": "民办学校办学许可",
            "item_type": "licensing",
            "exercise_level": "county",
            "transfer_status": "transferred",
            "original_department": department.pk,
            "legal_basis": "《民办教育促进法》第十二条",
            "reason": "新设",
            "basis": "省政府令",
        },
    )
    version = ItemVersion.objects.get(item__basic_code="640221-QR-009")
    assert r.status_code == 302 and r["Location"] == reverse("catalogue:version", args=[version.pk])
    assert (
        version.is_draft
        and version.original_department == department
        and version.change_basis == "省政府令"
    )
    assert AuditEvent.objects.filter(
        action="catalogue.create_item", subject_id=str(version.pk)
    ).exists()


def test_a_duplicate_basic_code_is_shown_on_its_field(admin_client, catalogue, published):
    r = admin_client.post(
        reverse("catalogue:item_new", args=[catalogue.pk]),
        {
            "basic_code": published.item.basic_code,
            "name": "重复",
            "item_type": "licensing",
            "exercise_level": "county",
            "transfer_status": "transferred",
        },
    )
    assert r.status_code == 200
    assert f"基本编码 {published.item.basic_code} 已存在" in text(r)
    assert r.context["form"].errors["basic_code"]
    assert Item.objects.count() == 1


def test_a_department_of_another_region_cannot_be_chosen(admin_client, catalogue, other_county):
    from oneseal.organisation.models import Department

    foreign = Department.objects.create(region=other_county, name="大武口区市场监督管理局")
    r = admin_client.post(
        reverse("catalogue:item_new", args=[catalogue.pk]),
        {
            "basic_code": "Q1",
            "name": "某事项",
            "item_type": "licensing",
            "exercise_level": "county",
            "transfer_status": "transferred",
            "original_department": foreign.pk,
        },
    )
    assert r.status_code == 200 and "original_department" in r.context["form"].errors
    assert not Item.objects.filter(basic_code="Q1").exists()


def test_starting_an_adjustment_opens_a_new_draft(admin_client, published):
    r = admin_client.post(
        reverse("catalogue:adjust", args=[published.item_id]),
        {
            "kind": "change_limit",
            "reason": "压减承诺时限",
            "basis": "县政府常务会议纪要〔2025〕3号",
        },
    )
    draft = ItemVersion.objects.get(item=published.item, number=2)
    assert r.status_code == 302 and r["Location"] == reverse("catalogue:version", args=[draft.pk])
    assert (
        draft.is_draft
        and draft.change_kind == "change_limit"
        and draft.change_reason == "压减承诺时限"
    )


def test_an_adjustment_without_reason_or_basis_names_both_fields(admin_client, published):
    r = admin_client.post(reverse("catalogue:adjust", args=[published.item_id]), {"kind": "change"})
    assert r.status_code == 200
    assert set(r.context["form"].errors) == {"reason", "basis"}
    assert published.item.versions.count() == 1


def test_merging_requires_choosing_the_item_it_merges_into(
    admin_client, published, complete_draft, admin_user
):
    other = actions.publish(
        complete_draft("640221-XK-002", "食品小作坊登记"), actor=admin_user, effective_from=D1
    )
    url = reverse("catalogue:adjust", args=[published.item_id])
    r = admin_client.post(url, {"kind": "merge", "reason": "合并", "basis": "文件"})
    assert r.status_code == 200 and "merged_into" in r.context["form"].errors
    assert "640221-XK-002 食品小作坊登记" in text(admin_client.get(url))
    r = admin_client.post(
        url, {"kind": "merge", "reason": "合并", "basis": "文件", "merged_into": other.item_id}
    )
    draft = ItemVersion.objects.get(item=published.item, number=2)
    assert r.status_code == 302 and draft.merged_into_id == other.item_id and draft.is_cancelled


def test_a_second_adjustment_while_a_draft_is_open_is_refused_with_a_message(
    admin_client, published, admin_user
):
    actions.start_adjustment(
        published.item, actor=admin_user, kind=ChangeKind.CHANGE, reason="r", basis="b"
    )
    r = admin_client.post(
        reverse("catalogue:adjust", args=[published.item_id]),
        {"kind": "change", "reason": "r", "basis": "b"},
    )
    assert r.status_code == 200 and "已有未发布的草稿" in text(r)
    assert published.item.versions.count() == 2


def test_editing_a_draft_saves_only_what_changed_through_update_draft(
    admin_client, complete_draft, department
):
    v = complete_draft()
    url = reverse("catalogue:version", args=[v.pk])
    page = admin_client.get(url)
    data = {
        name: value for name, value in page.context["form"].initial.items() if value is not None
    }
    data.update(
        {"name": "食品经营许可（含仅销售预包装食品备案）", "original_department": department.pk}
    )
    r = admin_client.post(url, data)
    assert r.status_code == 302
    v.refresh_from_db()
    assert v.name == "食品经营许可（含仅销售预包装食品备案）"
    event = AuditEvent.objects.filter(action="catalogue.update_draft", subject_id=str(v.pk)).get()
    assert event.data["fields"] == ["name"]


def test_a_published_version_page_has_no_edit_form_and_refuses_posts(admin_client, published):
    url = reverse("catalogue:version", args=[published.pk])
    assert '<form method="post" class="stack"' not in text(admin_client.get(url))
    r = admin_client.post(url, {"name": "改名"})
    assert r.status_code == 302
    published.refresh_from_db()
    assert published.name == "食品经营许可"


def test_the_publish_page_lists_every_blocker_before_submitting(
    admin_client, catalogue, admin_user
):
    v = actions.create_item(catalogue, actor=admin_user, basic_code="X1", name="建筑工程施工许可")
    actions.save_draft_part(
        HandlingItem(
            item_version=v,
            code="X1-01",
            name="施工许可（新办）",
            statutory_limit_days=15,
            promised_limit_days=20,
        ),
        actor=admin_user,
    )
    r = admin_client.get(reverse("catalogue:publish", args=[v.pk]))
    body = text(r)
    assert r.status_code == 200
    for reason in [
        "设定和实施依据未填写",
        "承诺时限（20个工作日）超过法定时限（15个工作日）",
        "监督投诉电话未填写",
        "未列明申请材料",
    ]:
        assert reason in body
    assert "确认发布" in body


def test_the_publish_check_follows_the_chosen_date(admin_client, published, admin_user):
    v2 = actions.start_adjustment(
        published.item, actor=admin_user, kind=ChangeKind.CHANGE, reason="r", basis="b"
    )
    url = reverse("catalogue:publish", args=[v2.pk])
    assert "生效日期不能早于上一版本的生效日期" in text(
        admin_client.get(url, {"effective_from": "2024-12-01"})
    )
    assert "检查通过" in text(admin_client.get(url, {"effective_from": "2025-02-01"}))
    checked = admin_client.post(url, {"effective_from": "2024-12-01", "check": "1"})
    assert "生效日期不能早于上一版本的生效日期" in text(checked)
    v2.refresh_from_db()
    assert v2.is_draft  # checking never publishes


def test_a_refused_publication_shows_every_reason_and_changes_nothing(
    admin_client, catalogue, admin_user
):
    v = actions.create_item(catalogue, actor=admin_user, basic_code="X1", name="建筑工程施工许可")
    r = admin_client.post(
        reverse("catalogue:publish", args=[v.pk]), {"effective_from": "2025-01-01"}
    )
    assert r.status_code == 422
    body = text(r)
    assert "办事指南不完整，不能发布" in body
    assert "设定和实施依据未填写" in body and "至少需要一个办理项" in body
    v.refresh_from_db()
    assert v.is_draft
    assert not AuditEvent.objects.filter(action="catalogue.publish").exists()


def test_a_bad_effective_date_is_named(admin_client, complete_draft):
    v = complete_draft()
    r = admin_client.post(reverse("catalogue:publish", args=[v.pk]), {"effective_from": "明天"})
    assert r.status_code == 200 and "effective_from" in r.context["form"].errors
    assert "生效日期" in text(r)
    v.refresh_from_db()
    assert v.is_draft


def test_publishing_a_complete_draft_from_the_page(admin_client, complete_draft, admin_user):
    v = complete_draft()
    r = admin_client.post(
        reverse("catalogue:publish", args=[v.pk]), {"effective_from": "2025-01-27"}
    )
    assert r.status_code == 302 and r["Location"] == reverse("catalogue:history", args=[v.item_id])
    v.refresh_from_db()
    assert v.status == ItemVersion.Status.PUBLISHED and v.effective_from == datetime.date(
        2025, 1, 27
    )
    assert v.published_by == admin_user
    follow = admin_client.get(r["Location"])
    assert "第1版已发布，自2025年1月27日起施行。" in text(follow)


def test_discarding_a_draft_asks_first_and_then_removes_it(
    admin_client, catalogue, published, admin_user
):
    v2 = actions.start_adjustment(
        published.item, actor=admin_user, kind=ChangeKind.CHANGE, reason="r", basis="b"
    )
    url = reverse("catalogue:discard", args=[v2.pk])
    assert "确认删除草稿" in text(admin_client.get(url))
    assert ItemVersion.objects.filter(pk=v2.pk).exists()
    r = admin_client.post(url)
    assert r.status_code == 302 and r["Location"] == reverse(
        "catalogue:history", args=[published.item_id]
    )
    assert not ItemVersion.objects.filter(pk=v2.pk).exists()
    assert AuditEvent.objects.filter(action="catalogue.discard_draft").exists()


def test_discarding_a_first_draft_returns_to_the_list(admin_client, catalogue, complete_draft):
    v = complete_draft()
    r = admin_client.post(reverse("catalogue:discard", args=[v.pk]))
    assert r["Location"] == reverse("catalogue:items", args=[catalogue.pk])
    assert not Item.objects.exists()


def test_a_published_version_cannot_be_discarded_or_published_again(admin_client, published):
    admin_client.post(reverse("catalogue:discard", args=[published.pk]))
    admin_client.post(
        reverse("catalogue:publish", args=[published.pk]), {"effective_from": "2025-03-01"}
    )
    published.refresh_from_db()
    assert published.effective_from == D1 and published.status == ItemVersion.Status.PUBLISHED


def test_the_pages_link_to_import_and_export(admin_client, catalogue):
    body = text(admin_client.get(reverse("catalogue:items", args=[catalogue.pk])))
    assert (
        "/manage/catalogue/io/import/?region=640221" in body
        and "/manage/catalogue/io/export/?region=640221" in body
    )
    assert 'href="/catalogue/640221/"' in body


def test_the_list_makes_the_same_number_of_queries_for_3_and_30_items(
    admin_client, catalogue, complete_draft
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("catalogue:items", args=[catalogue.pk])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    for i in range(3):
        complete_draft(f"N{i:03d}", f"事项{i}")
    small = count()
    for i in range(3, 30):
        complete_draft(f"N{i:03d}", f"事项{i}")
    assert count() == small


def test_a_superuser_without_staff_record_can_manage_every_catalogue(client, catalogue):
    root = get_user_model().objects.create_superuser("root", password="pw-root")
    client.force_login(root)
    assert client.get(reverse("catalogue:items", args=[catalogue.pk])).status_code == 200


def test_an_item_whose_cancellation_lies_ahead_is_still_listed(
    admin_client, catalogue, published, admin_user
):
    draft = actions.start_adjustment(
        published.item, actor=admin_user, kind=ChangeKind.CANCEL, reason="上级取消", basis="某文件"
    )
    actions.publish(
        draft, actor=admin_user, effective_from=datetime.date.today() + datetime.timedelta(days=30)
    )
    page = text(admin_client.get(reverse("catalogue:items", args=[catalogue.pk])))
    assert published.name in page
