"""The case list pages by keyset: `next` and `previous` carry a cursor, every page keeps the
request's filters, a case received meanwhile neither repeats nor hides one, a bad cursor is a
400 naming it, and `offset` still works for clients that count pages."""

import base64
import json

import pytest
from rest_framework.test import APIClient

from oneseal.cases import actions
from oneseal.testing import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def seven(handling_item, applicant, clerk):
    # Two pairs received at the same moment: the order's tie is broken by id.
    moments = ["03 09:00", "04 09:00", "04 09:00", "05 09:00", "06 09:00", "06 09:00", "07 09:00"]
    return [
        actions.receive(handling_item, actor=clerk, applicant=applicant, at=at(f"2025-03-{m}"))
        for m in moments
    ]


def client_of(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def walk(client, url):
    """Every page from `url` on, following `next`: the ids of each page."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append([c["id"] for c in body["results"]])
        url = body["next"]
    return pages


def newest_first(cases):
    return [c.pk for c in sorted(cases, key=lambda c: (c.received_at, c.pk), reverse=True)]


def test_following_next_gives_every_case_once_in_the_list_order(seven, clerk):
    client = client_of(clerk)
    pages = walk(client, "/api/v1/cases?limit=3")
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [pk for page in pages for pk in page] == newest_first(seven)
    first = client.get("/api/v1/cases?limit=3").json()
    assert "cursor=" in first["next"] and "offset" not in first["next"]
    assert first["previous"] is None and first["count"] == 7


def test_previous_goes_back_to_the_page_before(seven, clerk):
    client = client_of(clerk)
    second = client.get(client.get("/api/v1/cases?limit=3").json()["next"]).json()
    third = client.get(second["next"]).json()
    assert client.get(third["previous"]).json()["results"] == second["results"]
    back = client.get(second["previous"]).json()
    assert [c["id"] for c in back["results"]] == newest_first(seven)[:3]
    assert back["previous"] is None


def test_the_pages_keep_the_filters(seven, clerk):
    client = client_of(clerk)
    pages = walk(client, "/api/v1/cases?limit=2&received_from=2025-03-04&received_to=2025-03-06")
    listed = [pk for page in pages for pk in page]
    assert listed == newest_first(seven[1:6])


def test_a_case_received_meanwhile_neither_repeats_nor_hides_one(
    seven, clerk, handling_item, applicant
):
    client = client_of(clerk)
    first = client.get("/api/v1/cases?limit=3").json()
    # Received after the first page was read: it sorts first, before everything shown.
    late = actions.receive(
        handling_item, actor=clerk, applicant=applicant, at=at("2025-03-08 09:00")
    )
    rest = walk(client, first["next"])
    seen = [c["id"] for c in first["results"]] + [pk for page in rest for pk in page]
    assert seen == newest_first(seven)
    # Back from the second page: the page read first, and before it the first page as it is
    # now, with the new case.
    second = client.get(first["next"]).json()
    back = client.get(second["previous"]).json()
    assert back["results"] == first["results"]
    start = client.get(back["previous"]).json()
    assert [c["id"] for c in start["results"]] == newest_first([*seven, late])[:3]
    assert start["previous"] is None


def test_a_cursor_never_reaches_beyond_the_callers_scope(seven, clerk, far_staff):
    token = client_of(clerk).get("/api/v1/cases?limit=3").json()["next"].split("cursor=")[1]
    body = client_of(far_staff).get(f"/api/v1/cases?limit=3&cursor={token}").json()
    assert body["results"] == [] and body["count"] == 0


@pytest.mark.parametrize(
    "cursor",
    [
        "x",
        "!!!",
        base64.urlsafe_b64encode(b'{"v":[1],"p":1}').decode(),
        base64.urlsafe_b64encode(b'{"v":[{"t":"2025-03-01T00:00:00"},1]}').decode(),
        base64.urlsafe_b64encode(b'{"v":[{"t":"2025-03-01T00:00:00+00:00"},[1]]}').decode(),
        base64.urlsafe_b64encode(json.dumps({"v": [None, None]}).encode()).decode(),
        "A" * 600,
        # Values of another kind than their keys' (received_at, then id):
        base64.urlsafe_b64encode(json.dumps({"v": ["x", 1]}).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps({"v": [5, 1]}).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps({"v": [None, 1]}).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps({"v": [{"d": "2025-03-01"}, 1]}).encode()).decode(),
        base64.urlsafe_b64encode(
            json.dumps({"v": [{"t": "2025-03-01T00:00:00+08:00"}, "x"]}).encode()
        ).decode(),
        base64.urlsafe_b64encode(
            json.dumps({"v": [{"t": "2025-03-01T00:00:00+08:00"}, 10**30]}).encode()
        ).decode(),
        base64.urlsafe_b64encode(
            json.dumps({"v": [{"t": "2025-03-01T00:00:00+08:00"}, True]}).encode()
        ).decode(),
    ],
)
def test_a_bad_cursor_is_refused_naming_it(seven, clerk, cursor):
    response = client_of(clerk).get("/api/v1/cases", {"cursor": cursor})
    assert response.status_code == 400
    assert "cursor" in response.json()["fields"]


def test_cursor_and_offset_together_are_refused(seven, clerk):
    client = client_of(clerk)
    token = client.get("/api/v1/cases?limit=3").json()["next"].split("cursor=")[1]
    response = client.get(f"/api/v1/cases?limit=3&offset=3&cursor={token}")
    assert response.status_code == 400 and "cursor" in response.json()["fields"]


def test_offset_still_works_and_its_next_link_is_a_cursor(seven, clerk):
    client = client_of(clerk)
    body = client.get("/api/v1/cases?limit=3&offset=3").json()
    assert [c["id"] for c in body["results"]] == newest_first(seven)[3:6]
    previous = client.get(body["previous"]).json()["results"]
    assert [c["id"] for c in previous] == newest_first(seven)[:3]
    assert [c["id"] for c in client.get(body["next"]).json()["results"]] == newest_first(seven)[6:]
    last = client.get("/api/v1/cases?limit=3&offset=6").json()
    assert last["next"] is None and len(last["results"]) == 1


def test_the_schema_documents_the_cursor(db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    params = {p["name"] for p in schema["paths"]["/api/v1/cases"]["get"]["parameters"]}
    assert {"cursor", "limit", "offset"} <= params


def test_a_page_joins_the_applicant_and_item_for_its_own_rows_only(seven, clerk):
    """The page's ids are chosen from the cases alone (a subquery with the page's LIMIT), and
    its rows are read with their applicant and item for those ids: at 1,000,000 cases a
    county's accepted cases were each joined before the sort kept 51 (300 ms, docs/scaling.md).
    The pages stay the same, filters and cursors included."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_of(clerk)
    with CaptureQueriesContext(connection) as captured:
        pages = walk(client, "/api/v1/cases?limit=3&state=received")
    assert [pk for page in pages for pk in page] == newest_first(seven)
    reads = [q["sql"] for q in captured if '"applicants_applicant"."name"' in q["sql"]]
    assert len(reads) == len(pages) == 3
    for sql in reads:
        inner = sql[sql.index('"cases_case"."id" IN (SELECT') :]
        assert "LIMIT 4" in inner and "applicants_applicant" not in inner.split("LIMIT 4")[0]


def test_a_deep_offset_skips_over_ids_and_reads_its_own_rows_only(seven, clerk, far_staff):
    """`offset` pages read the page's ids first, from the cases alone, then those rows with
    their applicant and item: one statement read and joined every row it skipped (a county's
    offset 5,000 of 1,000,000 cases, docs/scaling.md). Every page is the one it was."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from oneseal.cases.models import Case

    # Another county's case among them: neither counted nor shown to this clerk.
    Case.objects.filter(pk=seven[2].pk).update(region_code="640202")
    mine = [pk for pk in newest_first(seven) if pk != seven[2].pk]
    client = client_of(clerk)
    for limit in (1, 2, 3, 4):
        for offset in range(1, 8):
            body = client.get(f"/api/v1/cases?limit={limit}&offset={offset}").json()
            assert [c["id"] for c in body["results"]] == mine[offset : offset + limit]
            assert body["count"] == 6
    accepted = client.get("/api/v1/cases?limit=2&offset=1&state=received").json()
    assert [c["id"] for c in accepted["results"]] == mine[1:3]
    assert client_of(far_staff).get("/api/v1/cases?offset=1").json()["results"] == []
    with CaptureQueriesContext(connection) as captured:
        client.get("/api/v1/cases?limit=2&offset=3")
    paged = [q["sql"] for q in captured.captured_queries if "OFFSET" in q["sql"].upper()]
    assert len(paged) == 1 and "applicants_applicant" not in paged[0], paged
    assert paged[0].split(" FROM ")[0].count(",") == 0, paged[0]  # the id alone
    rows = [
        q["sql"] for q in captured.captured_queries if 'applicants_applicant"."name' in q["sql"]
    ]
    assert rows and all("OFFSET" not in q.upper() for q in rows), rows


def test_a_deep_offset_past_an_estimate_still_reads_whether_more_follow(seven, clerk, monkeypatch):
    """Over the exact count's cap the count is PostgreSQL's estimate, and a page at or past
    its end reads whether a next row exists: from the list itself, not the page's ids."""
    from oneseal.api import pagination

    monkeypatch.setattr(pagination, "capped_count", lambda queryset: (4, True))
    client = client_of(clerk)
    body = client.get("/api/v1/cases?limit=2&offset=3").json()
    assert [c["id"] for c in body["results"]] == newest_first(seven)[3:5]
    assert body["count"] == 6 and body["count_estimated"] is True and body["next"]
    last = client.get("/api/v1/cases?limit=3&offset=4").json()
    assert [c["id"] for c in last["results"]] == newest_first(seven)[4:7]
    assert last["count"] == 7 and last["next"] is None
