import datetime

from django.test import Client

from oneseal.catalogue import actions


def publish(complete_draft, admin_user, **kw):
    v = complete_draft(**kw)
    hi = v.handling_items.get()
    hi.keywords = "开饭店 盖房子"
    actions.save_draft_part(hi, actor=admin_user)
    return actions.publish(v, actor=admin_user, effective_from=datetime.date(2024, 1, 1))


def test_the_home_search_finds_a_name_with_words_in_between_and_everyday_names(
    complete_draft, admin_user
):
    publish(complete_draft, admin_user, name="食品（含保健食品）经营许可")
    client = Client()
    for query in ("食品经营许可", "开饭店", "保健食品"):
        page = client.get("/", {"q": query}).content.decode()
        assert "食品（含保健食品）经营许可" in page, query
    assert "食品（含保健食品）经营许可" not in client.get("/", {"q": "出租车"}).content.decode()


def test_refusals_and_missing_pages_are_chinese_pages_with_the_site_header(make_staff, county):
    from oneseal.organisation.models import Role

    make_staff("clerk", county, Role.CLERK)
    client = Client()
    client.login(username="clerk", password="pw-clerk")
    page = client.get("/manage/catalogue/")
    assert page.status_code == 403
    assert "一枚印章管审批" in page.content.decode() and "无权" in page.content.decode()
    missing = client.get("/guide/999999/")
    assert missing.status_code == 404 and "页面不存在" in missing.content.decode()
