"""E-supervision of construction projects: warnings of stages and projects, and the approval
time of whole projects per kind and of stages — several projects, kinds, stages and two
counties at once, on real dates around the 2025 National Day holiday (1–8 October, Sunday
28 September and Saturday 11 October worked)."""

import io

import openpyxl
import pytest
import time_machine
from django.test import Client
from rest_framework.test import APIClient

from oneseal.catalogue.models import Catalogue
from oneseal.organisation.models import Bureau, Department, Role, Section
from oneseal.projects import stages
from oneseal.projects.models import Stage
from oneseal.testing import at, day
from oneseal.testing.projects import accept_all, grant_all, project, published_item, stage_template

from ..projects import approval_time, warning_counts
from ..queries import oversight_scope

LIMITS = {"enterprise": 20, "small_low_risk": 15}
KINDS = ["enterprise", "small_low_risk"]


def templates_of(catalogue, admin, department, section, prefix):
    first = published_item(
        catalogue, admin, department, code=f"{prefix}-XK-401", name="建设用地规划许可"
    )
    last = published_item(catalogue, admin, department, code=f"{prefix}-XK-404", name="联合验收")
    return {
        Stage.LAND_AND_PLANNING: stage_template(
            catalogue,
            admin,
            section,
            [first],
            stage=Stage.LAND_AND_PLANNING,
            limit_days=10,
            kinds=KINDS,
            project_limits=LIMITS,
        ),
        Stage.COMPLETION_ACCEPTANCE: stage_template(
            catalogue,
            admin,
            section,
            [last],
            stage=Stage.COMPLETION_ACCEPTANCE,
            limit_days=10,
            kinds=KINDS,
            project_limits=LIMITS,
        ),
    }


def run_stage(proj, template, clerk, signatory, *, applied, granted=None):
    application = stages.apply_for_stage(proj, template, actor=clerk, at=at(f"{applied} 09:00"))
    cases = accept_all(application, clerk, day(applied))
    if granted:
        grant_all(cases, signatory, day(granted))
    return application


@pytest.fixture
def world(
    catalogue,
    admin_user,
    department,
    section,
    clerk,
    signatory,
    applicant,
    make_staff,
    other_county,
):
    here = templates_of(catalogue, admin_user, department, section, "640221")
    far_bureau = Bureau.objects.create(region=other_county, name="大武口区审批服务管理局")
    far = {
        "catalogue": Catalogue.objects.create(
            region=other_county, bureau=far_bureau, name="大武口区审批服务事项目录"
        ),
        "department": Department.objects.create(
            region=other_county, name="大武口区住房和城乡建设局", short_name="住建局", order=3
        ),
        "section": Section.objects.create(bureau=far_bureau, name="投资建设科"),
        "admin": make_staff("far-admin", other_county, Role.CATALOGUE_ADMIN, bureau=far_bureau),
        "clerk": make_staff("far-clerk", other_county, Role.CLERK, bureau=far_bureau),
        "signatory": make_staff("far-sign", other_county, Role.SIGNATORY, bureau=far_bureau),
    }
    there = templates_of(
        far["catalogue"], far["admin"], far["department"], far["section"], "640202"
    )
    land, done = Stage.LAND_AND_PLANNING, Stage.COMPLETION_ACCEPTANCE
    a1 = project(
        clerk, applicant, code="2025-640221-47-01-000001", name="仓储中心", kind="enterprise"
    )
    # Monday 29 Sept → Friday 10 Oct: 30 Sept, 9 and 10 Oct count (3); 20 → 24 Oct: 4. Total 7.
    run_stage(a1, here[land], clerk, signatory, applied="2025-09-29", granted="2025-10-10")
    run_stage(a1, here[done], clerk, signatory, applied="2025-10-20", granted="2025-10-24")
    a2 = project(
        clerk, applicant, code="2025-640221-47-01-000002", name="加工车间", kind="small_low_risk"
    )
    # 9 → 15 Oct: 10, 11 (a worked Saturday), 13, 14, 15 (5); 3 → 20 Nov: 13, over the
    # stage's 10. Total 18, over the 15 of a small low-risk project.
    run_stage(a2, here[land], clerk, signatory, applied="2025-10-09", granted="2025-10-15")
    run_stage(a2, here[done], clerk, signatory, applied="2025-11-03", granted="2025-11-20")
    a3 = project(
        clerk, applicant, code="2025-640221-47-01-000003", name="配套用房", kind="small_low_risk"
    )
    # Open since 3 Nov: on 20 Nov 13 days used of the stage's 10 (red) and 2 left of 15 (yellow).
    run_stage(a3, here[land], clerk, signatory, applied="2025-11-03")
    b1 = project(
        far["clerk"], applicant, code="2025-640202-47-01-000001", name="物流园", kind="enterprise"
    )
    # Tuesday 30 Sept → 9 Oct: 1; 27 → 31 Oct: 4. Total 5.
    run_stage(
        b1, there[land], far["clerk"], far["signatory"], applied="2025-09-30", granted="2025-10-09"
    )
    run_stage(
        b1, there[done], far["clerk"], far["signatory"], applied="2025-10-27", granted="2025-10-31"
    )
    return far


ON = day("2025-11-20")
PERIOD = {"start": day("2025-10-01"), "end": day("2025-11-30")}


def figures(rows):
    return {
        r.key: (r.count, r.average, r.median, r.p90, r.longest, r.within, r.within_share)
        for r in rows
        if r.count
    }


def test_a_city_overseer_sees_both_counties_figures(world, city_overseer):
    report = approval_time(oversight_scope(city_overseer), on=ON, **PERIOD)
    assert figures(report.by_kind) == {
        "enterprise": (2, 6.0, 6.0, 7, 7, 2, 100.0),
        "small_low_risk": (1, 18.0, 18, 18, 18, 0, 0.0),
    }
    assert figures(report.by_stage) == {
        str(Stage.LAND_AND_PLANNING): (3, 3.0, 3, 5, 5, 3, 100.0),
        str(Stage.COMPLETION_ACCEPTANCE): (3, 7.0, 4, 13, 13, 2, 66.7),
    }
    counts = warning_counts(oversight_scope(city_overseer), ON)
    assert counts.__dict__ == {
        "stage_red": 1,
        "stage_yellow": 0,
        "project_red": 0,
        "project_yellow": 1,
    }


def test_each_county_sees_only_its_own(world, overseer, far_overseer):
    here = approval_time(oversight_scope(overseer), on=ON, **PERIOD)
    assert figures(here.by_kind) == {
        "enterprise": (1, 7.0, 7, 7, 7, 1, 100.0),
        "small_low_risk": (1, 18.0, 18, 18, 18, 0, 0.0),
    }
    assert figures(here.by_stage)[str(Stage.LAND_AND_PLANNING)] == (2, 4.0, 4.0, 5, 5, 2, 100.0)
    there = approval_time(oversight_scope(far_overseer), on=ON, **PERIOD)
    assert figures(there.by_kind) == {"enterprise": (1, 5.0, 5, 5, 5, 1, 100.0)}
    assert warning_counts(oversight_scope(far_overseer), ON).stage_red == 0
    assert warning_counts(oversight_scope(overseer), ON).stage_red == 1


def test_the_period_decides_which_projects_count(world, city_overseer):
    report = approval_time(
        oversight_scope(city_overseer), on=ON, start=day("2025-10-01"), end=day("2025-10-31")
    )
    # A2 completed on 20 November: outside October.
    assert figures(report.by_kind) == {"enterprise": (2, 6.0, 6.0, 7, 7, 2, 100.0)}


def test_the_page_the_download_and_the_api(world, city_overseer, far_overseer, clerk):
    with time_machine.travel(at("2025-11-20 10:00"), tick=False):
        client = Client()
        client.force_login(city_overseer)
        page = client.get("/esupervision/projects/", {"from": "2025-10-01", "to": "2025-11-30"})
        assert page.status_code == 200
        text = page.content.decode()
        assert "配套用房" in text  # the red stage is listed
        assert "项目全流程审批用时（按项目类型）" in text
        dashboard = client.get("/esupervision/").content.decode()
        assert 'id="dashboard-project-warnings"' in dashboard
        download = client.get(
            "/esupervision/projects/", {"from": "2025-10-01", "to": "2025-11-30", "format": "xlsx"}
        )
        book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
        kinds = list(book.worksheets[1].iter_rows(min_row=3, values_only=True))
        assert kinds[1][:3] == ("社会投资项目", 2, 6)
        api = APIClient()
        api.force_authenticate(city_overseer)
        body = api.get("/api/v1/esupervision/projects?from=2025-10-01&to=2025-11-30").json()
        assert (body["stage_red"], body["project_yellow"]) == (1, 1)
        enterprise = next(r for r in body["by_kind"] if r["key"] == "enterprise")
        assert (enterprise["count"], enterprise["average"], enterprise["p90"]) == (2, 6.0, 7)
        api.force_authenticate(far_overseer)
        assert api.get("/api/v1/esupervision/projects?region=640221").status_code == 403
        assert (
            api.get("/api/v1/esupervision/projects?from=2025-11-30&to=2025-10-01").status_code
            == 400
        )
        api.force_authenticate(clerk)
        assert api.get("/api/v1/esupervision/projects").status_code == 403
        clerk_client = Client()
        clerk_client.force_login(clerk)
        assert clerk_client.get("/esupervision/projects/").status_code == 403
