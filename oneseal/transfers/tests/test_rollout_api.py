"""The rollout's API and pages, scoped alike: the city's administrator starts a rollout and
decides filings; a county sees and files only its own; another city sees nothing (404)."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import Catalogue
from oneseal.organisation.models import Role, Staff
from oneseal.regions.models import Region
from oneseal.transfers.models import ListFiling, Rollout

START = {
    "city": "640500",
    "name": "中卫市相对集中行政许可权改革",
    "plan_document": "中卫市实施方案",
    "template": "standard",
    "counties": ["640502", "640521"],
    "milestones": [{"name": "挂牌", "due_on": "2026-01-31"}],
}


def api(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


@pytest.fixture
def other_city_admin(make_staff):
    return make_staff("sz_admin", Region.objects.get(code="640200"), Role.ADMINISTRATOR)


@pytest.fixture
def started(city_admin, guidance):
    response = api(city_admin).post("/api/v1/transfers/rollouts", START, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def _director(code: str):
    user = get_user_model().objects.get(username=f"{code}-director")
    user.set_password("director-pw-2026")
    user.save()
    return user


def _complete(code: str, actor):
    local = Catalogue.objects.get(region__code=code, kind=Catalogue.Kind.LOCAL)
    catalogue_actions.create_item(
        local, actor=actor, basic_code="XK-001", name="食品经营许可", legal_basis="某法"
    )
    catalogue_actions.declare_no_such_power(
        local, actor=actor, basic_code="XK-010", reason="无此审批权"
    )


def test_start_refusals_name_the_field_and_outsiders_get_a_404(
    city_admin, other_city_admin, make_staff, guidance
):
    county_admin = make_staff(
        "zn_admin", Region.objects.get(code="640521"), Role.ADMINISTRATOR, Role.CATALOGUE_ADMIN
    )
    for user in (county_admin, other_city_admin):
        response = api(user).post("/api/v1/transfers/rollouts", START, format="json")
        assert response.status_code == 404
    bad = dict(START, template="huge", counties=["640221"])
    response = api(city_admin).post("/api/v1/transfers/rollouts", bad, format="json")
    assert response.status_code == 400 and "template" in response.json()["fields"]
    response = api(city_admin).post(
        "/api/v1/transfers/rollouts", dict(START, counties=["640221"]), format="json"
    )
    assert response.status_code == 400 and "counties" in response.json()["fields"]
    response = api(city_admin).post(
        "/api/v1/transfers/rollouts",
        dict(START, milestones=[{"name": "挂牌", "due_on": "2026-02-30"}]),
        format="json",
    )
    assert response.status_code == 400
    assert not Rollout.objects.exists()


def test_the_setup_is_scoped_to_the_county_and_the_city(
    started, city_admin, other_city_admin, make_staff, client
):
    ids = {c["region"]: c["id"] for c in started["counties"]}
    response = api(city_admin).get(f"/api/v1/transfers/rollout-counties/{ids['640521']}")
    body = response.json()
    assert response.status_code == 200
    assert body["sections"][0] == "综合科" and len(body["accounts"]) == 6
    assert body["seal_request"]["state"] == "requested"
    assert not any(a["active"] for a in body["accounts"])
    head = _director("640521")
    assert api(head).get(f"/api/v1/transfers/rollout-counties/{ids['640521']}").status_code == 200
    for user, pk in ((head, ids["640502"]), (other_city_admin, ids["640521"])):
        assert api(user).get(f"/api/v1/transfers/rollout-counties/{pk}").status_code == 404
        assert api(user).post(f"/api/v1/transfers/rollout-counties/{pk}/filings").status_code == 404
    # A starting account's one-time link, issued by the city's administrator only.
    director = Staff.objects.get(user__username="640502-director")
    path = f"/api/v1/transfers/rollout-counties/{ids['640502']}/staff/{director.pk}/link"
    assert api(head).post(path).status_code == 404
    response = api(city_admin).post(path)
    assert response.status_code == 200 and "/transfers/accounts/" in response.json()["url"]
    lines = api(head).get(f"/api/v1/transfers/rollouts/{started['id']}/dashboard").json()
    assert [line["region"] for line in lines] == ["640521"]
    # The pages answer alike: the county's own page, never the neighbour's, no start page.
    client.force_login(head)
    assert client.get(f"/transfers/rollouts/counties/{ids['640521']}/").status_code == 200
    assert client.get(f"/transfers/rollouts/counties/{ids['640502']}/").status_code == 404
    assert client.get("/transfers/rollouts/new/").status_code == 404
    assert "发起全市推开" not in client.get("/transfers/reforms/").content.decode()


def test_filing_twice_is_refused_and_a_returned_filing_is_filed_again(
    started, city_admin, other_city_admin
):
    pk = {c["region"]: c["id"] for c in started["counties"]}["640521"]
    head = _director("640521")
    response = api(head).post(f"/api/v1/transfers/rollout-counties/{pk}/filings")
    assert response.status_code == 400 and len(response.json()["fields"]["list"]) == 2
    _complete("640521", city_admin)
    assert (
        api(city_admin).post(f"/api/v1/transfers/rollout-counties/{pk}/filings").status_code == 403
    )
    response = api(head).post(f"/api/v1/transfers/rollout-counties/{pk}/filings")
    assert response.status_code == 201 and response.json()["state"] == "pending"
    filing = response.json()["id"]
    again = api(head).post(f"/api/v1/transfers/rollout-counties/{pk}/filings")
    assert again.status_code == 400 and again.json()["code"] == "invalid_transition"
    assert api(head).post(f"/api/v1/transfers/list-filings/{filing}/accept").status_code == 403
    assert (
        api(other_city_admin).post(f"/api/v1/transfers/list-filings/{filing}/accept").status_code
        == 404
    )
    response = api(city_admin).post(
        f"/api/v1/transfers/list-filings/{filing}/return", {"reasons": ""}, format="json"
    )
    assert response.status_code == 400 and "reasons" in response.json()["fields"]
    response = api(city_admin).post(
        f"/api/v1/transfers/list-filings/{filing}/return",
        {"reasons": "请补充无此权力声明的依据"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["state"] == "returned"
    response = api(head).post(f"/api/v1/transfers/rollout-counties/{pk}/filings")
    assert response.status_code == 201
    response = api(city_admin).post(
        f"/api/v1/transfers/list-filings/{response.json()['id']}/accept"
    )
    assert response.status_code == 200 and response.json()["state"] == "accepted"
    states = list(ListFiling.objects.order_by("id").values_list("state", flat=True))
    assert states == ["returned", "accepted"]


def test_the_pages_start_file_return_and_set_a_password(
    client, city_admin, other_city_admin, guidance, make_staff
):
    client.force_login(city_admin)
    assert "发起全市推开" in client.get("/transfers/reforms/").content.decode()
    page = client.get("/transfers/rollouts/new/")
    assert page.status_code == 200 and "中宁县" in page.content.decode()
    response = client.post(
        "/transfers/rollouts/new/",
        {
            "city": "640500",
            "name": "中卫市改革",
            "plan_document": "实施方案",
            "template": "compact",
            "counties": ["640521"],
            "milestones": "挂牌，2026-01-31",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    started = Rollout.objects.get()
    county = started.counties.get()
    assert client.get(response["Location"]).status_code == 200
    page = client.get(f"/transfers/rollouts/counties/{county.pk}/").content.decode()
    assert "640521-director" in page and "待刻制" in page
    director = Staff.objects.get(user__username="640521-director")
    page = client.post(
        f"/transfers/rollouts/counties/{county.pk}/", {"do": "link", "staff": director.pk}
    ).content.decode()
    link = page.split('<code class="digest">')[1].split("</code>")[0]
    path = link.split("testserver", 1)[1]
    client.logout()
    form = client.get(path)
    assert form.status_code == 200
    response = client.post(path, {"password": "Zn-2026-director", "confirm": "Zn-2026-director"})
    assert response.status_code == 302
    assert client.login(username="640521-director", password="Zn-2026-director")
    assert client.get(path).status_code == 404  # spent
    # The county files; the city returns with reasons.
    _complete("640521", city_admin)
    client.post(f"/transfers/rollouts/counties/{county.pk}/", {"do": "file"})
    filing = ListFiling.objects.get()
    client.force_login(city_admin)
    page = client.post(
        f"/transfers/rollouts/counties/{county.pk}/",
        {"do": "return", "filing": filing.pk, "reasons": ""},
    )
    assert page.status_code == 200 and "请填写退回理由" in page.content.decode()
    client.post(
        f"/transfers/rollouts/counties/{county.pk}/",
        {"do": "return", "filing": filing.pk, "reasons": "缺少依据"},
    )
    filing.refresh_from_db()
    assert filing.state == ListFiling.State.RETURNED
    # Another city's administrator sees neither page.
    client.force_login(other_city_admin)
    assert client.get(f"/transfers/rollouts/counties/{county.pk}/").status_code == 404
    assert client.get("/transfers/rollouts/new/?city=640500").status_code == 404
