"""The public results page and the API."""

from django.test import Client

from oneseal.search.models import TextEmbedding


def test_the_results_page_lists_hits_with_department_reason_and_guide_link(search_catalogue):
    page = Client().get("/search/", {"q": "注销公司", "region": "640221"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "公司注销登记" in html and "平罗县市场监督管理局" in html and "按“注销”选注销" in html
    assert 'href="/guide/' in html and 'role="search"' in html and '<label for="id_q">' in html


def test_the_results_page_without_a_query_offers_examples_and_names_a_bad_region(search_catalogue):
    page = Client().get("/search/")
    assert page.status_code == 200 and "开饭店" in page.content.decode()
    bad = Client().get("/search/", {"q": "开饭店", "region": "999999"})
    assert "该地区没有本级事项目录" in bad.content.decode()


def test_the_api_ranks_handling_items(search_catalogue):
    response = Client().get("/api/v1/search", {"q": "开饭店", "region": "640221", "limit": 3})
    assert response.status_code == 200
    data = response.json()
    assert data["matched"] is True and data["related"] == [] and data["consultation"] == []
    body = data["results"]
    assert len(body) <= 3
    assert body[0]["name"] == "食品经营许可核发"
    assert body[0]["item"] == "食品（含保健食品）经营许可"
    assert body[0]["department"] == "平罗县市场监督管理局"
    assert body[0]["guide_url"] == f"/guide/{body[0]['id']}/"
    assert {o["variant"] for o in body[0]["others"]} == {"变更", "延续", "注销"}


def test_the_api_refuses_bad_parameters_naming_the_field(search_catalogue):
    client = Client()
    for params, field in (
        ({}, "q"),
        ({"q": "  "}, "q"),
        ({"q": "饭" * 101}, "q"),
        ({"q": "开饭店", "region": "999999"}, "region"),
        ({"q": "开饭店", "limit": "0"}, "limit"),
        ({"q": "开饭店", "limit": "x"}, "limit"),
    ):
        response = client.get("/api/v1/search", params)
        assert response.status_code == 400, params
        assert field in response.json()["fields"], params


def test_the_vectors_are_stored_for_the_next_process(search_catalogue):
    Client().get("/api/v1/search", {"q": "开饭店"})
    assert TextEmbedding.objects.filter(text="食品经营许可核发").exists()


def test_the_index_command_precomputes(search_catalogue):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("search-index", stdout=out)
    assert "检索索引已就绪" in out.getvalue()
