"""Who may read e-supervision, over which regions, on the pages and through the API."""

import pytest
from django.urls import reverse

from oneseal.cases.models import Case
from oneseal.organisation.models import Role
from oneseal.testing import accepted_case

from .conftest import rollup

pytestmark = pytest.mark.django_db

PAGES = [
    ("esupervision:dashboard", []),
    ("esupervision:warnings", ["statutory"]),
    ("esupervision:overdue", ["statutory"]),
    ("esupervision:hits", []),
    ("esupervision:statistics", []),
    ("esupervision:reform", []),
]
ENDPOINTS = [
    "/api/v1/esupervision/overview",
    "/api/v1/esupervision/warnings/statutory",
    "/api/v1/esupervision/overdue/statutory",
    "/api/v1/esupervision/rule-hits",
    "/api/v1/esupervision/statistics",
    "/api/v1/esupervision/reform-measures",
]


@pytest.fixture
def two_counties(item, applicant, clerk, make_staff, county, bureau, section):
    """A case long past its statutory limit in 平罗县 and one in 大武口区 (moved there by its
    region code: the neighbour's catalogue is not needed to read its cases), each breaking a
    rule (a third suspension)."""
    from oneseal.cases import actions
    from oneseal.testing import day

    # A reviewer of the section the cases' review steps name: only the case's own section suspends.
    reviewer = make_staff("suspender", county, Role.REVIEWER, bureau=bureau, section=section)
    here = accepted_case(item, applicant, clerk, "2025-03-03")
    there = accepted_case(item, applicant, clerk, "2025-03-03")
    for case in (here, there):
        for n in range(3):
            actions.suspend(
                case,
                actor=reviewer,
                kind="testing",
                reason="检测",
                expected_days=1,
                on=day(f"2025-03-0{4 + n}"),
            )
            actions.resume(case, actor=reviewer, on=day(f"2025-03-0{4 + n}"))
    Case.objects.filter(pk=there.pk).update(region_code="640202")
    rollup()
    return here, there


def numbers(response) -> set[str]:
    return {row["number"] for row in response.json()["results"]}


def test_a_county_overseer_sees_their_county_only(client, overseer, two_counties):
    here, there = two_counties
    client.force_login(overseer)
    page = client.get(reverse("esupervision:warnings", args=["statutory"]))
    assert page.status_code == 200
    assert here.number in page.content.decode() and there.number not in page.content.decode()
    assert numbers(client.get("/api/v1/esupervision/warnings/statutory")) == {here.number}
    hits = client.get("/api/v1/esupervision/rule-hits").json()["results"]
    assert [h["case_number"] for h in hits] == [here.number]
    assert client.get("/api/v1/esupervision/overview").json()["warnings"]["statutory"] == 1


def test_a_city_overseer_sees_every_county_of_the_city_and_may_narrow_to_one(
    client, city_overseer, two_counties
):
    here, there = two_counties
    client.force_login(city_overseer)
    assert numbers(client.get("/api/v1/esupervision/warnings/statutory")) == {
        here.number,
        there.number,
    }
    assert numbers(client.get("/api/v1/esupervision/warnings/statutory?region=640202")) == {
        there.number
    }
    page = client.get(reverse("esupervision:dashboard") + "?region=640221")
    assert page.status_code == 200 and page.context["scope"].prefix == "640221"


def test_a_county_overseer_asking_for_another_county_gets_nothing(client, overseer, two_counties):
    client.force_login(overseer)
    for url in [*ENDPOINTS, *(reverse(name, args=args) for name, args in PAGES)]:
        response = client.get(url + "?region=640202")
        assert response.status_code == 403, url
        assert two_counties[1].number not in response.content.decode()


@pytest.fixture(
    params=["clerk", "supervisor", "reviewer_without_role", "applicant_user", "inactive_overseer"]
)
def refused_user(request, clerk, supervisor, applicant_user, make_staff, county):
    if request.param == "clerk":
        return clerk
    if request.param == "supervisor":
        return supervisor
    if request.param == "reviewer_without_role":
        return make_staff("nobody", county)
    if request.param == "inactive_overseer":
        user = make_staff("gone", county, Role.OVERSEER)
        user.is_active = False
        user.save()
        return user
    return applicant_user


def test_staff_without_the_role_and_applicants_cannot_open_the_pages(
    client, refused_user, two_counties
):
    client.force_login(refused_user)
    for name, args in PAGES:
        response = client.get(reverse(name, args=args))
        # An inactive account is signed out and sent to sign in.
        assert response.status_code == (403 if refused_user.is_active else 302), name
        assert two_counties[0].number not in response.content.decode()


def test_the_api_refuses_staff_without_the_role_applicants_and_anonymous_callers(
    client, clerk, supervisor, applicant_user, two_counties
):
    for path in ENDPOINTS:
        client.logout()
        assert client.get(path).status_code == 403
        for user in (clerk, supervisor, applicant_user):
            client.force_login(user)
            response = client.get(path)
            assert response.status_code == 403, (path, user)
            assert response.json()["code"] in ("not_permitted", "not_authenticated")
            assert two_counties[0].number not in response.content.decode()


def test_anonymous_readers_are_sent_to_sign_in(client):
    for name, args in PAGES:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_signatory_and_a_superuser_may_read(client, signatory, two_counties, django_user_model):
    client.force_login(signatory)
    assert numbers(client.get("/api/v1/esupervision/warnings/statutory")) == {
        two_counties[0].number
    }
    admin = django_user_model.objects.create_superuser("root", password="pw-root")
    client.force_login(admin)
    assert numbers(client.get("/api/v1/esupervision/warnings/statutory")) == {
        c.number for c in two_counties
    }


def test_the_navigation_offers_e_supervision_to_overseers_only(client, overseer, clerk):
    client.force_login(overseer)
    labels = [
        link.label for link in client.get(reverse("esupervision:dashboard")).context["nav_links"]
    ]
    assert "电子监察" in labels
    client.force_login(clerk)
    labels = [
        link.label for link in client.get(reverse("esupervision:declarations")).context["nav_links"]
    ]
    assert "电子监察" not in labels


def test_a_bad_region_code_is_named(client, overseer):
    client.force_login(overseer)
    response = client.get("/api/v1/esupervision/overview?region=999999")
    assert response.status_code == 400 and "region" in response.json()["fields"]


def test_the_pages_speak_english_too(client, overseer):
    client.force_login(overseer)
    page = client.get("/en/esupervision/").content.decode()
    assert "Time-limit warnings" in page and "Yellow card: promised limit about to expire" in page
    assert client.get("/api/v1/esupervision/overview", HTTP_ACCEPT_LANGUAGE="en").status_code == 200


def test_the_lists_read_only_their_columns_in_one_query(
    overseer, two_counties, django_assert_num_queries, monkeypatch
):
    from oneseal.calendars import queries as calendar_queries
    from oneseal.calendars.queries import today
    from oneseal.esupervision import queries, tables

    # The calendar re-checks its freshness every few seconds: on a loaded machine that check
    # could land inside a block below. Read it once and hold it; the lists are the point here.
    monkeypatch.setattr(calendar_queries, "FRESHNESS_SECONDS", 3600.0)
    calendar_queries.current_calendar()
    scope, on = queries.oversight_scope(overseer), today()
    here, _there = two_counties
    with django_assert_num_queries(1):
        warned = tables.warning_table(
            "", "statutory", queries.warning_cases(scope, on, "statutory")
        )
    with django_assert_num_queries(1):
        late = tables.overdue_table("", "statutory", queries.overdue_cases(scope, on, "statutory"))
    with django_assert_num_queries(1):
        hits = tables.hits_table("", queries.rule_hits(scope))
    assert [r[0].text for r in warned.rows] == [r[0].text for r in late.rows] == [here.number]
    assert [r[1].text for r in hits.rows] == [here.number]
    row = queries.warning_cases(scope, on, "statutory").get()
    # A row of what the table shows, not the case with the guide text of its handling item.
    assert row._fields == queries.LISTED_CASE_FIELDS
    assert (row.id, row.applicant_name) == (here.pk, here.applicant.name)
    hit = queries.rule_hits(scope).get()
    assert (hit.case_id, hit.case_number) == (here.pk, here.number)
