import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from oneseal.catalogue import actions
from oneseal.catalogue.models import (
    ApplicantType,
    Catalogue,
    ChangeKind,
    HandlingItem,
    Material,
    ReviewStep,
    SpecialProcedure,
    Topic,
)
from oneseal.organisation.models import Department

D1 = datetime.date(2025, 1, 1)
D2 = datetime.date(2025, 1, 27)


@pytest.fixture
def publish(complete_draft, admin_user):
    """Publish a complete item, optionally under another department, topic or applicant type."""

    def make(code, name, *, on=D1, department=None, topic=None, applicant_type=None):
        v = complete_draft(code, name)
        if department is not None or topic is not None:
            fields = {
                k: val
                for k, val in (("original_department", department), ("topic", topic))
                if val is not None
            }
            actions.update_draft(v, actor=admin_user, **fields)
        if applicant_type is not None:
            hi = v.handling_items.get()
            hi.applicant_type = applicant_type
            actions.save_draft_part(hi, actor=admin_user)
        return actions.publish(v, actor=admin_user, effective_from=on)

    return make


def text(response) -> str:
    return response.content.decode()


def test_home_lists_the_regions_that_have_a_local_catalogue(client, catalogue, other_county):
    Catalogue.objects.create(region=other_county, name="大武口区政务服务事项目录")
    r = client.get("/")
    assert r.status_code == 200
    body = text(r)
    assert "平罗县审批服务事项目录" in body and 'href="/catalogue/640221/"' in body
    assert 'href="/catalogue/640202/"' in body
    assert '<html lang="zh-Hans">' in body


def test_searching_by_name_finds_in_force_items_and_never_drafts(client, publish, complete_draft):
    published = publish("A1", "食品经营许可")
    complete_draft("B1", "食品生产许可")  # a draft: not public
    body = text(client.get("/", {"q": "食品"}))
    assert "食品经营许可" in body
    assert "食品生产许可" not in body
    assert f'href="/guide/{published.handling_items.get().pk}/"' in body
    assert "没有找到" in text(client.get("/", {"q": "不存在的事项"}))


def test_search_matches_handling_item_names_too(client, publish):
    publish("A1", "食品经营许可")
    assert "食品经营许可" in text(client.get("/", {"q": "新办"}))


def test_the_catalogue_groups_in_force_items_by_department(client, publish, department, county):
    other = Department.objects.create(
        region=county, name="平罗县住房和城乡建设局", short_name="住建局", order=1
    )
    publish("A1", "食品经营许可")
    publish("B1", "建筑工程施工许可", department=other)
    body = text(client.get("/catalogue/640221/"))
    # Departments in their order: 住建局 (1) before 市场监管局 (6), each a heading over its items.
    housing = body.index("<h3", body.index("平罗县住房和城乡建设局") - 200)
    market = body.index("平罗县市场监督管理局", body.index("事项清单"))
    assert housing < body.index("建筑工程施工许可") < market < body.index("食品经营许可")


def test_a_future_or_replaced_version_is_not_listed(client, publish, admin_user):
    v1 = publish("A1", "食品经营许可")
    v2 = actions.start_adjustment(
        v1.item, actor=admin_user, kind=ChangeKind.CHANGE, reason="更名", basis="文件"
    )
    actions.update_draft(v2, actor=admin_user, name="食品经营许可（改）")
    actions.publish(
        v2, actor=admin_user, effective_from=timezone.localdate() + datetime.timedelta(days=30)
    )
    body = text(client.get("/catalogue/640221/"))
    assert "食品经营许可" in body and "食品经营许可（改）" not in body


def test_the_catalogue_filters_by_department_topic_and_applicant_type(client, publish, county):
    housing = Department.objects.create(region=county, name="平罗县住房和城乡建设局", order=1)
    market_topic = Topic.objects.create(name="市场准入")
    build_topic = Topic.objects.create(name="工程建设")
    publish("A1", "食品经营许可", topic=market_topic, applicant_type=ApplicantType.ORGANISATION)
    publish(
        "B1",
        "建筑工程施工许可",
        department=housing,
        topic=build_topic,
        applicant_type=ApplicantType.ORGANISATION,
    )
    publish("C1", "个体工商户登记", topic=market_topic, applicant_type=ApplicantType.PERSON)
    publish("D1", "证明事项", applicant_type=ApplicantType.BOTH)

    page = text(client.get("/catalogue/640221/"))
    assert f"?department={housing.pk}" in page and f"?topic={market_topic.pk}" in page
    assert "?applicant=person" in page and "?applicant=organisation" in page

    by_department = text(client.get("/catalogue/640221/", {"department": housing.pk}))
    assert "建筑工程施工许可" in by_department and "食品经营许可" not in by_department

    by_topic = text(client.get("/catalogue/640221/", {"topic": market_topic.pk}))
    assert (
        "食品经营许可" in by_topic
        and "个体工商户登记" in by_topic
        and "建筑工程施工许可" not in by_topic
    )

    for_persons = text(client.get("/catalogue/640221/", {"applicant": "person"}))
    assert "个体工商户登记" in for_persons and "证明事项" in for_persons
    assert "食品经营许可" not in for_persons and "建筑工程施工许可" not in for_persons

    combined = text(
        client.get("/catalogue/640221/", {"topic": market_topic.pk, "applicant": "organisation"})
    )
    assert "食品经营许可" in combined and "个体工商户登记" not in combined
    # A filter link keeps the other filters.
    assert f"topic={market_topic.pk}&amp;applicant=person" in combined


def test_unknown_filter_values_show_the_whole_catalogue(client, publish):
    publish("A1", "食品经营许可")
    body = text(
        client.get(
            "/catalogue/640221/", {"department": "abc", "topic": "999", "applicant": "robot"}
        )
    )
    assert "食品经营许可" in body


def test_a_region_without_a_local_catalogue_is_not_found(client, catalogue, other_county):
    assert client.get("/catalogue/640202/").status_code == 404
    assert client.get("/catalogue/999999/").status_code == 404


def test_the_guide_shows_every_service_guide_field(
    client, catalogue, admin_user, department, bureau
):
    v = actions.create_item(
        catalogue,
        actor=admin_user,
        basic_code="000123004000",
        name="食品经营许可",
        legal_basis="《中华人民共和国食品安全法》第三十五条",
        original_department=department,
        implementing_code="11640221MB0000000X4000123004000",
    )
    hi = actions.save_draft_part(
        HandlingItem(
            item_version=v,
            code="000123004000-01",
            name="食品经营许可（新办）",
            applicant_type=ApplicantType.ORGANISATION,
            conditions="有与经营的食品品种、数量相适应的经营场所",
            statutory_limit_days=20,
            promised_limit_days=5,
            fee_charged=True,
            fee_standard="工本费每证10元",
            fee_basis="某收费文件",
            visits_required=0,
            where="平罗县政务服务中心二楼",
            office_hours="工作日 9:00–17:00",
            enquiry_phone="0952-6011111",
            complaint_phone="0952-12345",
            result_name="食品经营许可证",
            result_validity="5年",
            deliver_by_post=True,
            deliver_electronically=True,
            intermediary_services="无",
        ),
        actor=admin_user,
    )
    actions.save_draft_part(
        Material(
            handling_item=hi,
            order=1,
            name="食品经营许可申请书",
            form=Material.Form.ORIGINAL,
            copies=2,
            blank_form=SimpleUploadedFile("form.docx", b"blank"),
            sample=SimpleUploadedFile("sample.pdf", b"sample"),
            notes="须法定代表人签字",
        ),
        actor=admin_user,
    )
    actions.save_draft_part(
        Material(
            handling_item=hi,
            order=2,
            name="营业执照",
            form=Material.Form.COPY,
            is_core=False,
            is_tolerable=True,
            is_required=False,
            source=Material.Source.SHARED,
        ),
        actor=admin_user,
    )
    actions.save_draft_part(
        ReviewStep(
            handling_item=hi, order=1, name="受理", role=ReviewStep.Role.CLERK, limit_days=1
        ),
        actor=admin_user,
    )
    actions.save_draft_part(
        ReviewStep(
            handling_item=hi, order=2, name="审查决定", role=ReviewStep.Role.SIGNATORY, limit_days=4
        ),
        actor=admin_user,
    )
    actions.save_draft_part(
        SpecialProcedure(
            handling_item=hi,
            kind=SpecialProcedure.Kind.SITE_SURVEY,
            limit_days=3,
            notes="现场核查经营场所",
        ),
        actor=admin_user,
    )
    actions.publish(v, actor=admin_user, effective_from=D2)

    r = client.get(f"/guide/{hi.pk}/")
    assert r.status_code == 200
    body = text(r)
    for expected in [
        "食品经营许可（新办）",
        "行政许可",
        "000123004000",
        "11640221MB0000000X4000123004000",
        "《中华人民共和国食品安全法》第三十五条",
        "平罗县市场监督管理局",
        "平罗县审批服务管理局",
        "划转",
        "法人或其他组织",
        "有与经营的食品品种、数量相适应的经营场所",
        "承诺件",
        "20 个工作日",
        "5 个工作日",
        "现场勘验",
        "现场核查经营场所",
        "食品经营许可申请书",
        "原件",
        "复印件",
        "核心要件",
        "非核心要件",
        "可容缺",
        "共享获取／电子证照",
        "须法定代表人签字",
        "受理",
        "审查决定",
        "工本费每证10元",
        "某收费文件",
        "0次",
        "三级：网上预审",
        "平罗县政务服务中心二楼",
        "工作日 9:00–17:00",
        "0952-6011111",
        "0952-12345",
        "食品经营许可证",
        "5年",
        "窗口领取、邮寄送达、电子证照",
        "第1版",
        "2025年1月27日",
    ]:
        assert expected in body, expected
    material = hi.materials.get(order=1)
    form_url, sample_url = (
        f"/guide/materials/{material.pk}/blank_form/",
        f"/guide/materials/{material.pk}/sample/",
    )
    assert f'href="{form_url}"' in body and f'href="{sample_url}"' in body
    assert b"".join(client.get(form_url).streaming_content) == b"blank"
    assert b"".join(client.get(sample_url).streaming_content) == b"sample"
    assert (
        client.get(f"/media/{material.blank_form.name}").status_code == 404
    )  # never by its storage path
    assert "此为历史版本" not in body


def test_a_draft_guide_is_not_found(client, complete_draft):
    v = complete_draft()
    assert client.get(f"/guide/{v.handling_items.get().pk}/").status_code == 404
    assert client.get("/guide/987654/").status_code == 404


def test_an_old_version_shows_a_banner_linking_to_the_current_one(client, publish, admin_user):
    v1 = publish("A1", "食品经营许可", on=D1)
    old_hi = v1.handling_items.get()
    v2 = actions.start_adjustment(
        v1.item,
        actor=admin_user,
        kind=ChangeKind.CHANGE_LIMIT,
        reason="压减时限",
        basis="县政府常务会议纪要〔2025〕3号",
    )
    new_hi = v2.handling_items.get()
    new_hi.promised_limit_days = 3
    actions.save_draft_part(new_hi, actor=admin_user)
    actions.publish(v2, actor=admin_user, effective_from=D2)

    old = text(client.get(f"/guide/{old_hi.pk}/"))
    assert "此为历史版本，现行版本见" in old
    assert f'href="/guide/{new_hi.pk}/"' in old
    assert "2025年1月27日起失效" in old
    assert "（第2版）" in old
    current = text(client.get(f"/guide/{new_hi.pk}/"))
    assert "此为历史版本" not in current and "3 个工作日" in current


def test_a_cancelled_item_says_so_on_its_guide(client, publish, admin_user):
    v1 = publish("A1", "食品经营许可", on=D1)
    v2 = actions.start_adjustment(
        v1.item,
        actor=admin_user,
        kind=ChangeKind.CANCEL,
        reason="上级取消",
        basis="国发〔2025〕1号",
    )
    actions.publish(v2, actor=admin_user, effective_from=D2)
    old = text(client.get(f"/guide/{v1.handling_items.get().pk}/"))
    assert "此为历史版本，该办理项现已不再办理" in old
    cancelled = text(client.get(f"/guide/{v2.handling_items.get().pk}/"))
    assert "该事项已于2025年1月27日取消" in cancelled


def test_a_version_not_yet_in_force_says_when_it_starts(client, publish, admin_user):
    v1 = publish("A1", "食品经营许可", on=D1)
    v2 = actions.start_adjustment(
        v1.item, actor=admin_user, kind=ChangeKind.CHANGE, reason="r", basis="b"
    )
    start = timezone.localdate() + datetime.timedelta(days=10)
    actions.publish(v2, actor=admin_user, effective_from=start)
    body = text(client.get(f"/guide/{v2.handling_items.get().pk}/"))
    assert "尚未生效" in body and f'href="/guide/{v1.handling_items.get().pk}/"' in body


def test_chinese_dates_read_like_2025年1月27日(client, publish):
    v = publish("A1", "食品经营许可", on=D2)
    body = text(client.get(f"/guide/{v.handling_items.get().pk}/"))
    assert "2025年1月27日起施行" in body
    assert "2025-01-27" not in body and "Jan." not in body


def test_pages_are_accessible_tables_have_scoped_headers_and_headings_start_at_h1(client, publish):
    v = publish("A1", "食品经营许可")
    for url in ["/", "/catalogue/640221/", f"/guide/{v.handling_items.get().pk}/"]:
        body = text(client.get(url))
        assert body.count("<h1") == 1, url
        levels = [int(n) for n in re.findall(r"<h([1-6])", body)]
        assert levels[0] == 1 and all(
            b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)
        ), (url, levels)
        assert "<th>" not in body, url  # every header cell says what it heads
        for field_id in re.findall(r'<input[^>]*type="search"[^>]*id="([^"]+)"', body):
            assert f'<label for="{field_id}"' in body
    guide = text(client.get(f"/guide/{v.handling_items.get().pk}/"))
    assert 'scope="col"' in guide and 'scope="row"' in guide


def _queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def _publish_many(publish, department, topic, start, n):
    for i in range(start, start + n):
        publish(f"N{i:03d}", f"事项{i:03d}", topic=topic)


def test_public_pages_make_the_same_number_of_queries_for_3_and_30_items(
    client, publish, department
):
    topic = Topic.objects.create(name="市场准入")
    _publish_many(publish, department, topic, 0, 3)
    small = {
        "catalogue": _queries(client, "/catalogue/640221/"),
        "filtered": _queries(client, "/catalogue/640221/", topic=topic.pk, applicant="person"),
        "search": _queries(client, "/", q="事项"),
    }
    _publish_many(publish, department, topic, 3, 27)
    large = {
        "catalogue": _queries(client, "/catalogue/640221/"),
        "filtered": _queries(client, "/catalogue/640221/", topic=topic.pk, applicant="person"),
        "search": _queries(client, "/", q="事项"),
    }
    assert small == large
    assert large["catalogue"] <= 8
    assert "事项029" in text(client.get("/catalogue/640221/"))


def test_the_guide_makes_a_fixed_number_of_queries_whatever_its_materials(
    client, complete_draft, admin_user
):
    v = complete_draft()
    hi = v.handling_items.get()
    actions.publish(v, actor=admin_user, effective_from=D1)
    few = _queries(client, f"/guide/{hi.pk}/")
    v2 = actions.start_adjustment(
        v.item, actor=admin_user, kind=ChangeKind.CHANGE, reason="增加材料", basis="文件"
    )
    hi2 = v2.handling_items.get()
    for n in range(2, 30):
        actions.save_draft_part(
            Material(handling_item=hi2, name=f"材料{n}", order=n), actor=admin_user
        )
    actions.publish(v2, actor=admin_user, effective_from=D2)
    assert _queries(client, f"/guide/{hi2.pk}/") == few


def test_english_is_served_under_en_and_chinese_by_default(client, publish):
    v = publish("A1", "食品经营许可")
    english = text(client.get("/en/catalogue/640221/"))
    assert '<html lang="en">' in english
    assert "Filter" in english and "By department" in english and "Items" in english
    assert "按部门" not in english
    chinese = text(client.get("/"))
    assert "政务服务事项目录" in chinese and "按地区浏览" in chinese
    guide = text(client.get(f"/en/guide/{v.handling_items.get().pk}/"))
    assert "Materials" in guide and "Jan. 1, 2025" in guide


def test_the_login_page_is_in_chinese_and_signs_staff_in(client, admin_user):
    page = client.get("/accounts/login/")
    body = text(page)
    assert page.status_code == 200 and "工作人员登录" in body
    assert '<label for="id_username">' in body and '<label for="id_password">' in body
    wrong = client.post("/accounts/login/", {"username": "catadmin", "password": "wrong"})
    assert wrong.status_code == 200 and 'role="alert"' in text(wrong)
    r = client.post("/accounts/login/", {"username": "catadmin", "password": "pw-catadmin"})
    assert r.status_code == 302
    assert "目录管理" in text(client.get("/"))


def test_the_manage_link_is_shown_only_to_catalogue_administrators(client, make_staff, county):
    client.force_login(make_staff("clerk", county, "clerk"))
    assert "目录管理" not in text(client.get("/"))
