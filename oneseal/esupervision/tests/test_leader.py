"""The leader's view: weekly trend, county and department comparison, the cases behind every
figure, the downloads, and who may see which region. Cases over several weeks, two
departments and two counties, with exact figures."""

import csv
import datetime
import io
import json
import re

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from oneseal.cases.models import Case
from oneseal.catalogue.models import ItemVersion
from oneseal.esupervision import leader, queries
from oneseal.organisation.models import Department
from oneseal.testing import accepted_case, at, day

from .conftest import granted, rollup

pytestmark = pytest.mark.django_db

TODAY = "2025-03-31"  # a Monday: the twelve weeks run from 13 January to 6 April


@pytest.fixture
def cases(item, make_item, applicant, clerk, reviewer, second_reviewer, signatory, county):
    """平罗县: A received 3 March, decided 5 March (on time); B received 4 March, decided 17
    March (promised by 11 March: overdue); C (another department) received 10 March, open;
    E (the other department) received 24 March, decided 26 March. 大武口区: D received 18
    March, decided 19 March."""
    health = Department.objects.create(
        region=county, name="平罗县卫生健康局", short_name="卫健局", order=7
    )
    other = make_item()
    ItemVersion.objects.filter(pk=other.item_version_id).update(original_department=health)
    people = (clerk, reviewer, second_reviewer, signatory)
    a = granted(item, applicant, *people, accepted="2025-03-03", decided="2025-03-05")
    b = granted(item, applicant, *people, accepted="2025-03-04", decided="2025-03-17")
    c = accepted_case(other, applicant, clerk, "2025-03-10")
    d = granted(item, applicant, *people, accepted="2025-03-18", decided="2025-03-19")
    Case.objects.filter(pk=d.pk).update(region_code="640202")
    e = granted(other, applicant, *people, accepted="2025-03-24", decided="2025-03-26")
    rollup(TODAY)
    return {"A": a, "B": b, "C": c, "D": d, "E": e, "health": health}


def weeks(trend) -> dict:
    """The weeks with any figure, as {Monday: (received, decided, overdue)}."""
    return {
        w.start.isoformat(): (w.received, w.decided, w.overdue)
        for w in trend.weeks
        if w.received or w.decided or w.overdue
    }


def test_the_weekly_trend_counts_each_week_exactly(overseer, city_overseer, cases):
    county = leader.weekly_trend(queries.oversight_scope(overseer), day(TODAY))
    assert len(county.weeks) == 12
    assert (county.start, county.end) == (day("2025-01-13"), day("2025-04-06"))
    assert weeks(county) == {
        "2025-03-03": (2, 1, 0),
        "2025-03-10": (1, 0, 0),
        "2025-03-17": (0, 1, 1),
        "2025-03-24": (1, 1, 0),
    }
    city = leader.weekly_trend(queries.oversight_scope(city_overseer), day(TODAY))
    assert weeks(city)["2025-03-17"] == (1, 2, 1)  # 大武口区's D counts for the city only
    narrowed = leader.weekly_trend(queries.oversight_scope(city_overseer, "640202"), day(TODAY))
    assert weeks(narrowed) == {"2025-03-17": (1, 1, 0)}


def test_counties_and_departments_are_compared(overseer, city_overseer, cases):
    start, end = day("2025-01-13"), day("2025-04-06")
    city = leader.by_region(queries.oversight_scope(city_overseer), start, end)
    assert [(r.label, r.received, r.decided, r.overdue, r.params) for r in city] == [
        ("平罗县", 4, 3, 1, {"region": "640221"}),
        ("大武口区", 1, 1, 0, {"region": "640202"}),
    ]
    departments = leader.by_department(queries.oversight_scope(overseer), start, end)
    assert [(r.label, r.received, r.decided, r.overdue) for r in departments] == [
        ("市场监管局", 2, 2, 1),
        ("卫健局", 2, 1, 0),
    ]


def listed(client, url) -> set[int]:
    """The case ids a case list shows (by their links to the case page)."""
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    found = set(re.findall(r'href="/workbench/cases/(\d+)/"', response.content.decode()))
    return {int(i) for i in found}


def chart(response, name: str) -> dict:
    text = response.content.decode()
    found = re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', text, re.S)
    assert found, name
    return json.loads(found.group(1))


@pytest.fixture
def frozen():
    with time_machine.travel(at(f"{TODAY} 10:00"), tick=False):
        yield


def test_every_chart_point_links_to_exactly_its_cases(client, overseer, cases, frozen):
    client.force_login(overseer)
    page = client.get(reverse("esupervision:leader"))
    assert page.status_code == 200
    trend = chart(page, "trend-chart")
    assert trend["categories"][7] == "3月3日"
    received, decided, overdue = trend["series"]
    assert received["data"][7:11] == [2, 1, 0, 1] and overdue["data"][9] == 1
    ids = {k: v.pk for k, v in cases.items() if k != "health"}
    assert listed(client, received["links"][7]) == {ids["A"], ids["B"]}
    assert listed(client, overdue["links"][9]) == {ids["B"]}
    assert listed(client, decided["links"][10]) == {ids["E"]}
    departments = chart(page, "department-chart")
    assert departments["categories"] == ["市场监管局", "卫健局"]
    assert listed(client, departments["series"][0]["links"][1]) == {ids["C"], ids["E"]}
    assert listed(client, departments["series"][1]["links"][1]) == {ids["E"]}
    # A county reader compares departments, not regions.
    assert 'id="region-chart"' not in page.content.decode()
    warnings = chart(page, "warning-chart")
    assert warnings["series"][0]["colors"][:2] == ["#f9a825", "#d32f2f"]  # yellow, red
    assert warnings["series"][0]["links"][0] == reverse("esupervision:warnings", args=["yellow"])


def test_the_city_compares_counties_and_a_county_click_keeps_to_it(
    client, city_overseer, cases, frozen
):
    client.force_login(city_overseer)
    page = client.get(reverse("esupervision:leader"))
    regions = chart(page, "region-chart")
    assert regions["categories"] == ["平罗县", "大武口区"]
    assert regions["series"][0]["data"] == [4, 1]
    assert listed(client, regions["series"][0]["links"][1]) == {cases["D"].pk}
    assert listed(client, regions["series"][1]["links"][0]) == {
        cases[k].pk for k in ("A", "B", "E")
    }


def test_a_county_leader_is_refused_the_other_county(client, overseer, clerk, cases, frozen):
    client.force_login(overseer)
    assert client.get(reverse("esupervision:leader"), {"region": "640202"}).status_code == 403
    week = {"measure": "received", "from": "2025-03-17", "to": "2025-03-23"}
    assert (
        client.get(reverse("esupervision:cases"), {**week, "region": "640202"}).status_code == 403
    )
    # Without a region, his list of that week holds none of 大武口区's cases.
    assert (
        listed(
            client,
            reverse("esupervision:cases") + "?measure=received&from=2025-03-17&to=2025-03-23",
        )
        == set()
    )
    client.force_login(clerk)
    assert client.get(reverse("esupervision:leader")).status_code == 403
    assert client.get(reverse("esupervision:cases"), week).status_code == 403


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"measure": "late"}, "measure"),
        ({"from": "3月1日"}, "from"),
        ({"from": "2025-03-10", "to": "2025-03-01"}, "to"),
        ({"from": "2023-01-01", "to": "2025-03-01"}, "from"),
        ({"department": "市场"}, "department"),
    ],
)
def test_a_bad_filter_is_refused_by_its_name(client, overseer, frozen, params, field):
    client.force_login(overseer)
    response = client.get(reverse("esupervision:cases"), params)
    assert response.status_code == 400
    with pytest.raises(Exception) as refused:
        leader.parse_drill_down(params, default_end=day(TODAY))
    assert field in refused.value.fields


def test_the_same_figures_download_as_xlsx_and_csv(client, overseer, cases, frozen):
    client.force_login(overseer)
    book = load_workbook(
        io.BytesIO(client.get(reverse("esupervision:leader"), {"format": "xlsx"}).getvalue())
    )
    trend = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
    assert trend[1] == ["周（起始日）", "收件", "办结", "超期办结"]
    assert ["3月3日", 2, 1, 0] in trend and ["3月17日", 0, 1, 1] in trend
    departments = [[c.value for c in row] for row in book.worksheets[-1].iter_rows()]
    assert departments[2:] == [["市场监管局", 2, 2, 1], ["卫健局", 2, 1, 0]]
    response = client.get(reverse("esupervision:leader"), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["3月3日", "2", "1", "0"] in rows and ["卫健局", "2", "1", "0"] in rows


def test_a_formula_like_name_stays_text_in_the_csv(client, overseer, cases, frozen):
    Department.objects.filter(pk=cases["health"].pk).update(short_name="=1+2")
    client.force_login(overseer)
    response = client.get(reverse("esupervision:leader"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["'=1+2", "2", "1", "0"] in rows


def test_the_statistics_and_dashboard_link_their_charts_to_cases(client, overseer, cases, frozen):
    client.force_login(overseer)
    page = client.get(
        reverse("esupervision:statistics"),
        {"by": "department", "from": "2025-03-01", "to": "2025-03-31"},
    )
    stats = chart(page, "statistics-chart")
    assert stats["categories"] == ["市场监管局", "卫健局"]
    assert listed(client, stats["series"][0]["links"][0]) == {cases["A"].pk, cases["B"].pk}
    assert listed(client, stats["series"][1]["links"][1]) == {cases["E"].pk}
    dashboard = chart(client.get(reverse("esupervision:dashboard")), "warnings-chart")
    assert len(dashboard["series"][0]["links"]) == len(dashboard["categories"])
    assert dashboard["series"][0]["colors"][0] == "#f9a825"


def test_twelve_weeks_cross_a_year_and_a_week_count_is_checked(overseer):
    trend = leader.weekly_trend(queries.oversight_scope(overseer), day("2025-01-02"))
    assert trend.start == day("2024-10-14") and trend.end == day("2025-01-05")
    assert all(w.start.weekday() == 0 for w in trend.weeks)
    with pytest.raises(Exception) as refused:
        leader.weekly_trend(queries.oversight_scope(overseer), day(TODAY), weeks=0)
    assert "weeks" in refused.value.fields
    assert leader.week_start(datetime.date(2025, 3, 9)) == day("2025-03-03")


def test_the_api_gives_the_same_figures_scoped_like_the_page(
    client, overseer, city_overseer, clerk, cases, frozen
):
    client.force_login(city_overseer)
    data = client.get(reverse("api:esupervision-trend")).json()
    assert (data["start"], data["end"]) == ("2025-01-13", "2025-04-06")
    week = next(w for w in data["weeks"] if w["start"] == "2025-03-17")
    assert (week["received"], week["decided"], week["overdue"]) == (1, 2, 1)
    assert [(r["key"], r["received"]) for r in data["regions"]] == [("640221", 4), ("640202", 1)]
    client.force_login(overseer)
    data = client.get(reverse("api:esupervision-trend")).json()
    assert data["regions"] == []
    assert [(d["label"], d["received"], d["overdue"]) for d in data["departments"]] == [
        ("市场监管局", 2, 1),
        ("卫健局", 2, 0),
    ]
    assert client.get(reverse("api:esupervision-trend"), {"region": "640202"}).status_code == 403
    client.force_login(clerk)
    assert client.get(reverse("api:esupervision-trend")).status_code == 403
