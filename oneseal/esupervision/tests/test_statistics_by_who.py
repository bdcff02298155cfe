"""Statistics by section and by handler count every step's handler: cases worked on by several
sections and people, in two counties at once, with exact figures for each."""

import pytest
from django.urls import reverse

from oneseal.cases import actions
from oneseal.catalogue.models import Catalogue, Item, ReviewStep
from oneseal.esupervision import jobs, queries
from oneseal.esupervision.models import CaseMilestone, MonthlyStat, RollupState
from oneseal.organisation.models import Bureau, Section, Staff
from oneseal.testing import accepted_case, at, day

from .conftest import rollup

pytestmark = pytest.mark.django_db

MARCH = {"start": day("2025-03-01"), "end": day("2025-03-31")}
# Not whole months: read from the milestones themselves, which must give the same figures.
MARCH_BY_DAYS = {"start": day("2025-02-28"), "end": day("2025-03-31")}


@pytest.fixture
def sections(bureau, section, clerk, second_reviewer):
    """The window in 综合受理科, 初审 in 市场准入科 (2 working days), 复审 in 许可二科."""
    intake = Section.objects.create(bureau=bureau, name="综合受理科")
    second = Section.objects.create(bureau=bureau, name="许可二科")
    Staff.objects.filter(user=clerk).update(section=intake)
    Staff.objects.filter(user=second_reviewer).update(section=second)
    return {"intake": intake, "market": section, "second": second}


@pytest.fixture
def setup(sections, item, make_item, far_staff, other_county, admin_user):
    ReviewStep.objects.filter(handling_item=item, name="初审").update(limit_days=2)
    ReviewStep.objects.filter(handling_item=item, name="复审").update(section=sections["second"])
    # The neighbouring county's own bureau and catalogue, with one item its staff handle.
    far_bureau = Bureau.objects.create(
        region=other_county, name="大武口区审批服务管理局", complaint_phone="0952-2000000"
    )
    far_catalogue = Catalogue.objects.create(
        region=other_county, bureau=far_bureau, name="大武口区审批服务事项目录"
    )
    far_item = make_item(
        steps=[
            ("受理", ReviewStep.Role.CLERK, False),
            ("审查", ReviewStep.Role.REVIEWER, False),
            ("决定", ReviewStep.Role.SIGNATORY, False),
        ]
    )
    Item.objects.filter(pk=far_item.item_version.item_id).update(catalogue=far_catalogue)
    far_item.refresh_from_db()
    return sections, far_item


def step(case, user, on, opinion="同意"):
    return actions.complete_review_step(
        case, actor=user, opinion=opinion, outcome="approve", on=day(on)
    )


def grant(case, signatory, on):
    actions.grant(
        case,
        actor=signatory,
        on=day(on),
        scope="预包装食品销售",
        valid_from=day(on),
        valid_until=None,
    )


@pytest.fixture
def worked(setup, item, applicant, clerk, reviewer, second_reviewer, signatory, far_staff):
    """Three county cases and two of the neighbouring county, rolled up in two passes."""
    _, far_item = setup
    one = accepted_case(item, applicant, clerk, "2025-03-03")
    step(one, reviewer, "2025-03-04")  # 1 working day: on time
    step(one, second_reviewer, "2025-03-04")
    two = accepted_case(item, applicant, clerk, "2025-03-04")
    rollup("2025-03-04")  # the second pass must move these rows, not add to them
    grant(one, signatory, "2025-03-06")
    step(two, reviewer, "2025-03-10")  # 5, 6, 7, 10 March: 4 working days, late
    step(two, second_reviewer, "2025-03-10")
    grant(two, signatory, "2025-03-14")
    three = accepted_case(item, applicant, clerk, "2025-03-05")
    actions.record_site_inspection(
        three,
        actor=reviewer,
        on=day("2025-03-06"),
        place="平罗县城关镇南街1号",
        findings="场所与申请材料一致",
        inspectors=[reviewer, second_reviewer],
    )
    step(three, reviewer, "2025-03-07")  # 2 working days: on time
    for n in range(2):
        far = actions.receive(
            far_item, actor=far_staff, applicant=applicant, at=at(f"2025-03-1{n} 09:00")
        )
        for material in far.materials.all():
            actions.check_materials(far, actor=far_staff, statuses={material.pk: "provided"})
        far = actions.accept(far, actor=far_staff, on=day(f"2025-03-1{n}"))
        step(far, far_staff, f"2025-03-1{n}")
        grant(far, far_staff, f"2025-03-1{n}")
    rollup("2025-03-31")
    return one, two, three


def figures(row):
    return {
        "cases": row.cases,
        "received": row.received,
        "accepted": row.accepted,
        "decided": row.decided,
        "steps": row.steps,
        "reviewer": row.steps_reviewer,
        "on_time": row.steps_on_time,
        "late": row.steps_late,
        "inspections": row.inspections,
    }


COUNTY_BY_SECTION = {
    "综合受理科": {
        "cases": 3,
        "received": 3,
        "accepted": 3,
        "decided": 0,
        "steps": 3,
        "reviewer": 0,
        "on_time": 0,
        "late": 0,
        "inspections": 0,
    },
    "市场准入科": {
        "cases": 3,
        "received": 0,
        "accepted": 0,
        "decided": 0,
        "steps": 3,
        "reviewer": 3,
        "on_time": 2,
        "late": 1,
        "inspections": 1,
    },
    "许可二科": {
        "cases": 3,
        "received": 0,
        "accepted": 0,
        "decided": 0,
        "steps": 2,
        "reviewer": 2,
        "on_time": 0,
        "late": 0,
        "inspections": 1,
    },
    "（未分科室）": {
        "cases": 2,
        "received": 0,
        "accepted": 0,
        "decided": 2,
        "steps": 2,
        "reviewer": 0,
        "on_time": 0,
        "late": 0,
        "inspections": 0,
    },
}
COUNTY_BY_HANDLER = {
    "王窗口": COUNTY_BY_SECTION["综合受理科"],
    "李初审": COUNTY_BY_SECTION["市场准入科"],
    "赵复审": COUNTY_BY_SECTION["许可二科"],
    "张局长": COUNTY_BY_SECTION["（未分科室）"],
}


@pytest.mark.parametrize("period", [MARCH, MARCH_BY_DAYS], ids=["monthly sums", "milestones"])
def test_by_section_counts_every_section_that_worked_on_a_case(overseer, worked, period):
    report = queries.statistics(queries.oversight_scope(overseer), by="section", **period)
    assert {r.label: figures(r) for r in report.rows} == COUNTY_BY_SECTION
    assert report.totals.received == 3 and report.totals.decided == 2 and report.totals.steps == 10
    assert report.totals.cases is None  # a case of two sections is one case: no sum of the rows


@pytest.mark.parametrize("period", [MARCH, MARCH_BY_DAYS], ids=["monthly sums", "milestones"])
def test_by_handler_counts_reviewers_and_inspectors_not_only_receivers_and_signatories(
    overseer, worked, period
):
    report = queries.statistics(queries.oversight_scope(overseer), by="handler", **period)
    assert {r.label: figures(r) for r in report.rows} == COUNTY_BY_HANDLER


def test_the_other_countys_cases_never_count_and_the_city_sees_both(
    overseer, far_overseer, city_overseer, worked
):
    far = queries.statistics(queries.oversight_scope(far_overseer), by="handler", **MARCH)
    assert {r.label: figures(r) for r in far.rows} == {
        "外区人员": {
            "cases": 2,
            "received": 2,
            "accepted": 2,
            "decided": 2,
            "steps": 6,
            "reviewer": 2,
            "on_time": 0,
            "late": 0,
            "inspections": 0,
        }
    }
    city = queries.statistics(queries.oversight_scope(city_overseer), by="section", **MARCH)
    rows = {r.label: figures(r) for r in city.rows}
    assert rows["市场准入科"] == COUNTY_BY_SECTION["市场准入科"]
    # The county's signatory and the far county's staff both have no section.
    assert rows["（未分科室）"]["cases"] == 4 and rows["（未分科室）"]["steps"] == 8
    county = queries.statistics(queries.oversight_scope(overseer), by="department", **MARCH)
    assert county.totals.received == 3 and city.totals.received == 5


def test_a_case_counts_for_a_section_in_the_month_it_first_reached_it(overseer, worked):
    _, two, _ = worked
    # Case two: received and accepted on 4 March, reviewed on 10 March.
    later = queries.statistics(
        queries.oversight_scope(overseer),
        by="section",
        start=day("2025-03-08"),
        end=day("2025-03-31"),
    )
    rows = {r.label: r for r in later.rows}
    assert rows["市场准入科"].steps == 1 and rows["市场准入科"].cases == 1
    assert "综合受理科" not in rows


def test_an_older_rollup_is_rebuilt_with_the_steps(overseer, worked):
    CaseMilestone.objects.exclude(source_id=0).delete()
    MonthlyStat.objects.all().delete()
    RollupState.objects.filter(key=jobs.MILESTONES_KEY).update(value="1")
    jobs.rollup(day("2025-03-31"))
    report = queries.statistics(queries.oversight_scope(overseer), by="handler", **MARCH)
    assert {r.label: figures(r) for r in report.rows} == COUNTY_BY_HANDLER


def test_the_statistics_page_and_api_show_the_work_columns(client, overseer, worked):
    client.force_login(overseer)
    page = client.get(
        reverse("esupervision:statistics"),
        {"by": "handler", "from": "2025-03-01", "to": "2025-03-31"},
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "李初审" in text and "完成环节" in text and "环节超时" in text
    assert "每一步记在办理该步的人名下" in text  # the page says what it counts
    data = client.get(
        reverse("api:esupervision-statistics"),
        {"by": "handler", "from": "2025-03-01", "to": "2025-03-31"},
    ).json()
    reviewer = next(r for r in data["rows"] if r["label"] == "李初审")
    assert (
        reviewer["cases"],
        reviewer["steps"],
        reviewer["steps_late"],
        reviewer["inspections"],
    ) == (3, 3, 1, 1)


def test_the_city_narrowed_to_each_county_downloads_and_reads_exact_figures(
    client, city_overseer, worked
):
    """The xlsx a city overseer downloads for 平罗县 by section, and the API for 大武口区 by
    handler: the same exact figures as the county's own reading, nothing of the other."""
    import io

    from openpyxl import load_workbook

    client.force_login(city_overseer)
    response = client.get(
        reverse("esupervision:statistics"),
        {
            "by": "section",
            "from": "2025-03-01",
            "to": "2025-03-31",
            "region": "640221",
            "format": "xlsx",
        },
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.getvalue())).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    headers = rows[1]
    got = {
        row[0]: {
            "cases": row[headers.index("经办办件")],
            "steps": row[headers.index("完成环节")],
            "received": row[headers.index("收件")],
            "decided": row[headers.index("办结")],
        }
        for row in rows[2:-1]
    }
    assert got == {
        label: {k: COUNTY_BY_SECTION[label][k] for k in ("cases", "steps", "received", "decided")}
        for label in COUNTY_BY_SECTION
    }
    assert rows[-1][0] == "合计" and rows[-1][headers.index("收件")] == 3
    data = client.get(
        reverse("api:esupervision-statistics"),
        {"by": "handler", "from": "2025-03-01", "to": "2025-03-31", "region": "640202"},
    ).json()
    assert [
        (r["label"], r["cases"], r["steps"], r["received"], r["decided"]) for r in data["rows"]
    ] == [("外区人员", 2, 6, 2, 2)]
