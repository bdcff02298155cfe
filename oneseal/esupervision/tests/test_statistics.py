import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from oneseal.cases import actions
from oneseal.cases.models import CaseEvent
from oneseal.esupervision import jobs, queries
from oneseal.esupervision.actions import set_baseline
from oneseal.esupervision.models import CaseMilestone, Milestone, RollupState
from oneseal.organisation.models import Staff
from oneseal.testing import accepted_case, at, day, online_files

from .conftest import granted, rollup

pytestmark = pytest.mark.django_db


@pytest.fixture
def march(item, applicant, clerk, reviewer, second_reviewer, signatory, applicant_user):
    """Three cases received in March 2025: decided in 3 and in 8 working days (the second
    after its promise of 5), and one still under review; one received online."""
    from oneseal.applicants.actions import register_applicant

    fast = granted(
        item,
        applicant,
        clerk,
        reviewer,
        second_reviewer,
        signatory,
        accepted="2025-03-03",
        decided="2025-03-06",
    )
    slow = granted(
        item,
        applicant,
        clerk,
        reviewer,
        second_reviewer,
        signatory,
        accepted="2025-03-04",
        decided="2025-03-14",
    )
    person = register_applicant(
        actor=clerk,
        kind="person",
        name="马𠮷祥",
        number="640221198001011237",
        phone="13909520000",
        user=applicant_user,
    )
    online = actions.receive(
        item,
        actor=applicant_user,
        applicant=person,
        channel="online",
        at=at("2025-03-05 20:00"),
        uploads=online_files(item, person),
    )
    rollup()
    return fast, slow, online


def scope_of(user):
    return queries.oversight_scope(user)


def test_a_months_statistics_per_department(overseer, march, department):
    report = queries.statistics(
        scope_of(overseer), start=day("2025-03-01"), end=day("2025-03-31"), by="department"
    )
    [row] = report.rows
    assert row.label == "市场监管局" and row.key == department.pk
    assert (row.received, row.accepted, row.decided, row.on_time) == (3, 2, 2, 1)
    # 4 March → 14 March is 8 working days; 3 → 6 March is 3.
    assert row.avg_days == 5.5 and row.p90_days == 8
    assert row.online == 1 and row.online_share == 33.3 and row.on_time_share == 50.0
    assert row.visits == 3  # the guide asks for one visit, online or not
    assert report.totals.received == 3 and report.totals.label == "合计"


def test_statistics_per_handler_section_item_and_month(
    overseer, march, clerk, signatory, section, item
):
    scope = scope_of(overseer)
    month = {"start": day("2025-03-01"), "end": day("2025-03-31")}
    by_handler = {r.label: r for r in queries.statistics(scope, by="handler", **month).rows}
    assert by_handler["王窗口"].received == 2 and by_handler["王窗口"].accepted == 2
    assert by_handler["张局长"].decided == 2
    assert by_handler["（系统或网上申报）"].received == 1
    # Only 初审 is 市场准入科's; the window, the second reviewer and the signatory have none.
    by_section = {r.label: r for r in queries.statistics(scope, by="section", **month).rows}
    assert set(by_section) == {"市场准入科", "（未分科室）"}
    assert (by_section["市场准入科"].cases, by_section["市场准入科"].steps) == (2, 2)
    assert by_section["市场准入科"].received == 0 and by_section["（未分科室）"].decided == 2
    assert [r.key for r in queries.statistics(scope, by="item", **month).rows] == [
        item.item_version.item_id
    ]
    [march_row] = queries.statistics(scope, by="month", **month).rows
    assert march_row.label == "2025年3月" and march_row.decided == 2


def test_a_period_counts_each_milestone_in_it(overseer, march):
    # Decided on 14 March, received before: only the decision falls in the second half.
    report = queries.statistics(
        scope_of(overseer), start=day("2025-03-07"), end=day("2025-03-31"), by="department"
    )
    assert (report.totals.received, report.totals.decided) == (0, 1)


def test_statistics_are_scoped_to_the_region(far_overseer, march):
    report = queries.statistics(
        scope_of(far_overseer), start=day("2025-03-01"), end=day("2025-03-31"), by="department"
    )
    assert report.rows == [] and report.totals.received == 0


def test_a_bad_grouping_or_period_is_named(overseer, client):
    with pytest.raises(Exception) as caught:
        queries.statistics(
            scope_of(overseer), start=day("2025-03-01"), end=day("2025-03-31"), by="colour"
        )
    assert "by" in caught.value.fields
    client.force_login(overseer)
    response = client.get("/api/v1/esupervision/statistics?from=2025-03-31&to=2025-03-01")
    assert response.status_code == 400 and "to" in response.json()["fields"]
    assert client.get(reverse("esupervision:statistics") + "?from=31.03.2025").status_code == 400


def test_the_statistics_page_api_and_workbook_agree(client, overseer, march):
    client.force_login(overseer)
    query = "?by=department&from=2025-03-01&to=2025-03-31"
    page = client.get(reverse("esupervision:statistics") + query)
    assert page.status_code == 200
    assert page.context["charts"][0][1]["series"][0]["data"] == [3]
    assert b"echarts-6.1.0.min.js" in page.content
    api = client.get("/api/v1/esupervision/statistics" + query).json()
    assert api["rows"][0]["received"] == 3 and api["totals"]["p90_days"] == 8
    book = load_workbook(
        io.BytesIO(
            client.get(reverse("esupervision:statistics") + query + "&format=xlsx").getvalue()
        )
    )
    sheet = book.active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][:4] == ["部门", "收件", "受理", "办结"]
    assert values[2][:4] == ["市场监管局", 3, 2, 2]
    assert values[-1][0] == "合计"


def test_a_late_committed_event_is_still_rolled_up(item, applicant, clerk, reviewer):
    case = accepted_case(item, applicant, clerk, "2025-03-03")
    rollup()
    actions.suspend(
        case, actor=reviewer, kind="testing", reason="检测", expected_days=1, on=day("2025-03-04")
    )
    late = CaseEvent.objects.filter(case=case).order_by("-pk").first()
    # As if a later id had committed first and been read: this one was missing then.
    RollupState.objects.filter(key=jobs.EVENTS_KEY).update(value=str(late.pk + 1))
    RollupState.objects.update_or_create(
        key=jobs.GAPS_KEY, defaults={"value": json.dumps({str(late.pk): 1e18})}
    )
    CaseMilestone.objects.filter(case=case).delete()
    rollup()
    assert CaseMilestone.objects.filter(case=case, kind=Milestone.ACCEPTED).exists()
    assert jobs._gap_times() == {}


def test_the_reform_measures_compare_the_guide_with_the_baseline(
    overseer, item, admin_user, client
):
    set_baseline(
        item.item_version.item,
        actor=admin_user,
        materials=6,
        steps=6,
        days=20,
        source="2019年办事指南",
    )
    report = queries.reform_measures(scope_of(overseer), on=day("2025-03-01"))
    [row] = report.rows
    # The guide now: 2 materials, 4 steps (受理, 初审, 复审, 决定), promised 5 working days.
    assert (row.materials, row.steps, row.days) == (2, 4, 5)
    assert (row.materials_cut, row.steps_cut, row.days_cut) == (66.7, 33.3, 75.0)
    assert row.meets_target is False and report.meeting_target == 0
    client.force_login(overseer)
    assert (
        client.get("/api/v1/esupervision/reform-measures?on=2025-03-01").json()["rows"][0][
            "steps_cut"
        ]
        == 33.3
    )
    page = client.get(reverse("esupervision:reform") + "?on=2025-03-01")
    assert page.status_code == 200 and "66.7%" in page.content.decode()


def test_the_dashboard_shows_counts_and_downloads(client, overseer, march, recorded_at):
    client.force_login(overseer)
    page = client.get(reverse("esupervision:dashboard"))
    assert page.status_code == 200
    assert {k: n for k, _label, n in page.context["overdue"]}["delivery"] == 2
    book = load_workbook(
        io.BytesIO(client.get(reverse("esupervision:dashboard") + "?format=xlsx").getvalue())
    )
    assert book.active.cell(row=2, column=1).value == "类别"
    hits = client.get(reverse("esupervision:hits") + "?format=xlsx")
    assert hits.status_code == 200 and hits["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )


def test_handlers_are_staff_not_applicants(march):
    handlers = set(CaseMilestone.objects.exclude(handler=None).values_list("handler", flat=True))
    assert handlers <= set(Staff.objects.values_list("pk", flat=True))


def test_the_linkage_panels_show_unsigned_pushes_of_the_scope_only(
    client, overseer, far_overseer, march
):
    fast, slow, _online = march
    client.force_login(overseer)
    page = client.get(reverse("esupervision:dashboard"))
    assert (
        page.context["linkage"]["unsigned"] == 2
        and page.context["linkage"]["unsigned_overdue"] == 2
    )
    listing = client.get(reverse("esupervision:pushes")).content.decode()
    assert fast.number in listing and slow.number in listing
    assert client.get("/api/v1/esupervision/overview").json()["unsigned_pushes"] == 2
    assert client.get(reverse("esupervision:support-requests")).status_code == 200
    client.force_login(far_overseer)
    assert fast.number not in client.get(reverse("esupervision:pushes")).content.decode()
    assert client.get("/api/v1/esupervision/overview").json()["unsigned_pushes"] == 0


def test_ratings_count_in_the_period_they_were_given(overseer, item, applicant, clerk):
    from oneseal.ratings.actions import rate

    case = actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00"))
    actions.refuse(case, actor=clerk, clause="1", reason="无需许可", on=day("2025-03-03"))
    rollup()
    rate(case, actor=clerk, score=4, channel="window", on=day("2025-03-03"))
    result = rollup()
    assert result.cases == 1, "a rating written after the last pass is read by the next"
    report = queries.statistics(
        scope_of(overseer), start=day("2025-03-01"), end=day("2025-03-31"), by="department"
    )
    assert (report.totals.ratings, report.totals.rating) == (1, 4.0)
    assert CaseMilestone.objects.get(case=case, kind=Milestone.RATED).rating == 4


def test_whole_months_read_the_monthly_sums_and_agree_with_the_milestones(
    overseer, march, clerk, signatory
):
    from oneseal.esupervision.models import MonthlyStat

    fast, _slow, _online = march
    actions.deliver(
        fast, actor=clerk, channel="window", on=day("2025-03-10")
    )  # moves the case again
    rollup()
    assert MonthlyStat.objects.exists()
    scope = scope_of(overseer)
    for by in queries.By.ALL:
        monthly = queries.statistics(scope, start=day("2025-03-01"), end=day("2025-03-31"), by=by)
        exact = queries.statistics(scope, start=day("2025-02-28"), end=day("2025-03-31"), by=by)

        def figures(report):
            return [
                (
                    r.label,
                    r.received,
                    r.accepted,
                    r.decided,
                    r.on_time,
                    r.avg_days,
                    r.p90_days,
                    r.online,
                    r.visits,
                    r.ratings,
                    r.rating,
                )
                for r in [*report.rows, report.totals]
            ]

        assert figures(monthly) == figures(exact), by
    assert sum(MonthlyStat.objects.filter(kind="received").values_list("n", flat=True)) == 3
