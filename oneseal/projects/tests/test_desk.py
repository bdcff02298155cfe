"""The lead section's desk: who sees which stage, the stage's and the project's clocks and
warnings on real dates (the 2026 Spring Festival, the 2025 National Day), what each case waits
on, the filters, the xlsx download and the API."""

import io

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from oneseal.cases import actions as case_actions
from oneseal.catalogue.models import SpecialProcedure
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.organisation.models import Bureau, Role, Section
from oneseal.projects import desk, stages
from oneseal.projects.models import Stage, StageStanding
from oneseal.projects.queries import project_clock_of, stage_clock_of
from oneseal.testing import at, day
from oneseal.testing.projects import (
    accept_all,
    cases_of,
    grant_all,
    published_item,
    stage_template,
)


@pytest.fixture
def template(catalogue, admin_user, department, section):
    items = [
        published_item(catalogue, admin_user, department, code="640221-XK-201", name="施工许可"),
        published_item(catalogue, admin_user, department, code="640221-XK-202", name="人防备案"),
    ]
    return stage_template(
        catalogue,
        admin_user,
        section,
        items,
        stage=Stage.CONSTRUCTION_PERMIT,
        limit_days=10,
        kinds=["enterprise", "small_low_risk"],
        project_limits={"enterprise": 12, "small_low_risk": 30},
    )


@pytest.fixture
def lead(reviewer):
    """李初审 of 市场准入科, the template's lead section, in 平罗县."""
    return reviewer


@pytest.fixture
def other_section_staff(make_staff, county, bureau):
    other = Section.objects.create(bureau=bureau, name="投资建设科")
    return make_staff("other-section", county, Role.REVIEWER, bureau=bureau, section=other)


@pytest.fixture
def far_lead(make_staff, other_county):
    """A section of the same name in 大武口区's bureau, and staff of it there."""
    far_bureau = Bureau.objects.create(region=other_county, name="大武口区审批服务管理局")
    far_section = Section.objects.create(bureau=far_bureau, name="市场准入科")
    return make_staff(
        "far-lead", other_county, Role.REVIEWER, bureau=far_bureau, section=far_section
    )


@pytest.fixture
def misplaced_lead(make_staff, other_county, bureau, section):
    """Staff of the very lead section whose scope is another county: sees none of 平罗县."""
    return make_staff("misplaced", other_county, Role.REVIEWER, bureau=bureau, section=section)


@pytest.fixture
def applied(project, template, clerk):
    return stages.apply_for_stage(project, template, actor=clerk, at=at("2026-02-10 09:00"))


def only_row(user, on, **filters):
    rows = list(desk.queue(user, desk.Filters(**filters), on))
    assert len(rows) == 1
    return rows[0]


# --- who sees a stage -----------------------------------------------------------------------


def test_the_lead_section_sees_the_stage_with_its_clocks_and_what_each_case_waits_on(applied, lead):
    on = day("2026-02-12")
    row = only_row(lead, on)
    assert row.application == applied
    # 10 working days after Tuesday 10 February 2026 cross the Spring Festival (15–23 Feb,
    # Saturdays 14 and 28 worked): Monday 2 March.
    assert row.due_on == day("2026-03-02")
    [shown] = desk.rows([row], on)
    assert shown.remaining == 8 == stage_clock_of(applied, on).remaining
    assert [line.waits_on for line in shown.cases] == [
        ["待受理（受理期限2026年2月24日）"],
        ["待受理（受理期限2026年2月24日）"],
    ]
    # The project: limit 12 for an enterprise project, 2 days used.
    assert (row.project_limit, row.project_used, shown.project_remaining) == (12, 2, 10)
    assert row.stage_level == "" and row.project_level == ""


def test_staff_without_a_section_are_refused(applied, clerk):
    with pytest.raises(NotPermitted):
        desk.queue(clerk, desk.Filters(), day("2026-02-12"))


def test_another_section_of_the_same_bureau_sees_nothing(applied, other_section_staff):
    assert not desk.queue(other_section_staff, desk.Filters(), day("2026-02-12")).exists()
    with pytest.raises(NotPermitted):
        desk.stage_on_desk(other_section_staff, applied.pk, day("2026-02-12"))


def test_another_countys_lead_section_sees_nothing(applied, far_lead, misplaced_lead):
    on = day("2026-02-12")
    for user in (far_lead, misplaced_lead):
        assert not desk.queue(user, desk.Filters(), on).exists()
        with pytest.raises(NotPermitted):
            desk.stage_on_desk(user, applied.pk, on)


def test_an_applicant_is_refused(applied, owner_user):
    with pytest.raises(NotPermitted):
        desk.queue(owner_user, desk.Filters(), day("2026-02-12"))


def test_a_superuser_sees_every_section(applied, root):
    assert only_row(root, day("2026-02-12")).application == applied


# --- warnings on real dates -----------------------------------------------------------------


def levels(user, on):
    row = only_row(user, on)
    return row.stage_level, row.project_level


def test_warnings_turn_as_the_clocks_say_they_do(applied, lead, settings):
    settings.ONESEAL_WARNING_YELLOW_DAYS = 2
    # Stage due Monday 2 March; project limit 12: due 4 March while the stage runs alone.
    expected = {
        "2026-02-26": ("", ""),  # stage 3 left, project 5
        "2026-02-27": ("yellow", ""),  # stage 2 left, project 4
        "2026-02-28": ("yellow", ""),  # a worked Saturday: 1 left, project 3
        "2026-03-02": ("yellow", "yellow"),  # due today: 0 left, project 2
        "2026-03-03": ("red", "yellow"),  # stage −1, project 1
        "2026-03-05": ("red", "red"),  # project −1
    }
    # Forward day by day, then back: the stored rank the queue sorts and counts by
    # (`urgency`) is set again from the warning days whichever way the day moved.
    for text, wanted in [*expected.items(), *reversed(expected.items())]:
        on = day(text)
        assert levels(lead, on) == wanted, text
        # The same as the clocks computed from the events.
        assert stage_clock_of(applied, on).warning == wanted[0], text
        assert project_clock_of(applied.project, on).warning == wanted[1], text
        worse = "red" if "red" in wanted else "yellow" if "yellow" in wanted else ""
        counts = desk.level_counts(lead, on)
        assert counts == {"red": 0, "yellow": 0, "": 0} | {worse: 1}, text
        for level in desk.LEVELS:
            found = desk.queue(lead, desk.Filters(level=level), on).count()
            assert found == (level == worse), (text, level)


def test_the_warning_filter_and_the_counts(applied, lead):
    on = day("2026-03-03")
    assert desk.level_counts(lead, on) == {"red": 1, "yellow": 0, "": 0}
    assert desk.queue(lead, desk.Filters(level="red"), on).count() == 1
    assert desk.queue(lead, desk.Filters(level="yellow"), on).count() == 0


def test_a_joint_site_inspection_stops_the_stage_and_resuming_starts_it(
    applied, lead, clerk, signatory
):
    first, _second = accept_all(applied, clerk, day("2026-02-24"))
    case_actions.suspend(
        first,
        actor=signatory,
        kind=SpecialProcedure.Kind.SITE_SURVEY,
        reason="联合现场勘验",
        expected_days=3,
        on=day("2026-02-25"),
    )
    row = only_row(lead, day("2026-02-27"))
    assert row.paused
    shown = desk.rows([row], day("2026-02-27"))[0]
    assert "中止：现场勘验，预计2026年2月28日完成" in shown.cases[0].waits_on[0]
    left = shown.remaining
    # A week later nothing counted: still the same days left, no warning from the calendar.
    assert desk.rows([only_row(lead, day("2026-03-06"))], day("2026-03-06"))[0].remaining == left
    case_actions.resume(first, actor=signatory, on=day("2026-03-09"))
    row = only_row(lead, day("2026-03-09"))
    assert not row.paused and not row.dirty
    clock = stage_clock_of(applied, day("2026-03-09"))
    assert (row.due_on, row.remaining) == (clock.due, clock.remaining)


def test_every_event_marks_the_standing_and_the_read_computes_it_again(applied, lead, clerk):
    only_row(lead, day("2026-02-12"))
    standing = StageStanding.objects.get(pk=applied.pk)
    assert not standing.dirty
    case = cases_of(applied)[0]
    line = case.materials.first()
    case_actions.request_correction(
        case, actor=clerk, items={line.pk: "缺少盖章"}, on=day("2026-02-12")
    )
    standing.refresh_from_db()
    assert standing.dirty
    row = only_row(lead, day("2026-02-13"))
    assert row.paused and row.computed_on == day("2026-02-13")
    assert desk.rows([row], day("2026-02-13"))[0].cases[0].waits_on == ["等待申请人补正材料"]


def test_a_case_of_no_stage_writes_nothing_on_the_desk(applied, lead, clerk, owner):
    """The same item received on its own: its correction leaves every standing alone, with
    no write on the desk's table."""
    only_row(lead, day("2026-02-12"))
    single = case_actions.receive(
        cases_of(applied)[0].handling_item, actor=clerk, applicant=owner, at=at("2026-02-12 09:00")
    )
    with CaptureQueriesContext(connection) as queries:
        case_actions.request_correction(
            single,
            actor=clerk,
            items={single.materials.first().pk: "缺少盖章"},
            on=day("2026-02-12"),
        )
    assert not [q for q in queries.captured_queries if "projects_stagestanding" in q["sql"]]
    assert not StageStanding.objects.get(pk=applied.pk).dirty


def test_the_last_grant_concludes_the_stage_on_the_desk(applied, lead, clerk, signatory):
    cases = accept_all(applied, clerk, day("2026-02-24"))
    grant_all(cases, signatory, day("2026-02-26"))
    on = day("2026-03-10")
    assert not desk.queue(lead, desk.Filters(), on).exists()
    row = only_row(lead, on, concluded=True)
    assert row.concluded_on == day("2026-02-26")
    # 11, 12, 13, 14, 24, 25, 26 February: 7 working days of 10, and no warning once done.
    assert (row.used, row.remaining, row.stage_level) == (7, 3, "")


# --- filters ------------------------------------------------------------------------------


def test_filters_by_stage_and_project_kind(applied, lead):
    on = day("2026-02-12")
    assert desk.queue(lead, desk.Filters(stage=Stage.CONSTRUCTION_PERMIT), on).count() == 1
    assert desk.queue(lead, desk.Filters(stage=Stage.LAND_AND_PLANNING), on).count() == 0
    assert desk.queue(lead, desk.Filters(kind="enterprise"), on).count() == 1
    assert desk.queue(lead, desk.Filters(kind="government"), on).count() == 0


def test_bad_filters_are_refused_naming_each_field():
    with pytest.raises(ValidationFailed) as e:
        desk.Filters.parse({"stage": "9", "kind": "castle", "warning": "green", "status": "x"})
    assert set(e.value.fields) == {"stage", "kind", "warning", "status"}


# --- the page, the download and the API ---------------------------------------------------


@pytest.fixture
def on_feb_12():
    with time_machine.travel(at("2026-02-12 10:00"), tick=False):
        yield


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_lists_the_stage_and_links_each_case(applied, lead, on_feb_12):
    response = signed_in(lead).get(reverse("projects:desk"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "平罗县物流仓储中心" in text
    assert "2026年3月2日到期" in text
    for case in cases_of(applied):
        assert reverse("workbench:case", args=[case.pk]) in text
    assert (
        reverse("projects:desk") in signed_in(lead).get(reverse("projects:list")).content.decode()
    )


def test_the_stage_page_shows_each_cases_blockers(applied, lead, on_feb_12):
    response = signed_in(lead).get(reverse("projects:desk-stage", args=[applied.pk]))
    assert response.status_code == 200
    assert "必要材料“施工许可申请书”尚未提交或未核验" in response.content.decode()


def test_the_pages_refuse_whoever_is_not_on_the_desk(
    applied, clerk, other_section_staff, far_lead, owner_user, on_feb_12
):
    assert signed_in(clerk).get(reverse("projects:desk")).status_code == 403
    assert signed_in(owner_user).get(reverse("projects:desk")).status_code == 403
    for user in (other_section_staff, far_lead, clerk):
        url = reverse("projects:desk-stage", args=[applied.pk])
        assert signed_in(user).get(url).status_code == 404
    page = signed_in(far_lead).get(reverse("projects:desk")).content.decode()
    assert "平罗县物流仓储中心" not in page


def test_a_bad_filter_on_the_page_is_a_400_naming_it(applied, lead, on_feb_12):
    response = signed_in(lead).get(reverse("projects:desk"), {"warning": "green"})
    assert response.status_code == 400
    assert "预警级别须为 red 或 yellow" in response.content.decode()


def test_the_download_has_every_stage_and_case(applied, lead, on_feb_12):
    response = signed_in(lead).get(reverse("projects:desk"), {"format": "xlsx"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    stages_sheet, cases_sheet = book.worksheets
    rows = list(stages_sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 1
    assert rows[0][:2] == ("2020-640221-47-01-012345", "平罗县物流仓储中心")
    assert rows[0][8] == "2026年3月2日" and rows[0][9] == 8
    assert len(list(cases_sheet.iter_rows(min_row=3, values_only=True))) == 2


def test_the_api_lists_the_desk_with_the_same_scoping(
    applied, lead, far_lead, other_section_staff, clerk, on_feb_12
):
    client = APIClient()
    client.force_authenticate(lead)
    body = client.get("/api/v1/stage-applications").json()
    assert body["count"] == 1
    [row] = body["results"]
    assert row["id"] == applied.pk
    assert row["clock"]["due_on"] == "2026-03-02" and row["clock"]["remaining"] == 8
    assert row["project_clock"]["limit_days"] == 12
    assert [c["waits_on"] for c in row["cases"]][0] == ["待受理（受理期限2026年2月24日）"]
    detail = client.get(f"/api/v1/stage-applications/{applied.pk}").json()
    assert detail["cases"][0]["blockers"] == ["必要材料“施工许可申请书”尚未提交或未核验"]
    assert client.get("/api/v1/stage-applications?stage=9").status_code == 400
    for user in (far_lead, other_section_staff):
        client.force_authenticate(user)
        assert client.get("/api/v1/stage-applications").json()["count"] == 0
        assert client.get(f"/api/v1/stage-applications/{applied.pk}").status_code == 404
    client.force_authenticate(clerk)
    assert client.get("/api/v1/stage-applications").status_code == 403
    client.force_authenticate(None)
    assert client.get("/api/v1/stage-applications").status_code in (401, 403)


def test_an_open_shared_step_is_on_the_desk_until_its_report(applied, lead, section, on_feb_12):
    """联合审图 of the stage's project, still without its report: the lead section sees it beside
    the stage (page and API); another project's step is not shown."""
    from oneseal.projects import joint_actions

    step = joint_actions.open_joint_step(
        applied.project,
        actor=lead,
        stage=Stage.CONSTRUCTION_PERMIT,
        kind="drawing_review",
        title="施工图联合审查",
        template=applied.template,
        cases=cases_of(applied),
        sections=[section],
        on=day("2026-02-12"),
    )
    (row,) = desk.rows([only_row(lead, day("2026-02-12"))], day("2026-02-12"))
    assert [s.pk for s in row.shared_steps] == [step.pk]
    text = signed_in(lead).get(reverse("projects:desk")).content.decode()
    assert reverse("projects:joint-step", args=[step.pk]) in text
    api = APIClient()
    api.force_authenticate(lead)
    (listed,) = api.get("/api/v1/stage-applications").json()["results"]
    assert listed["shared_steps"] == [
        {
            "id": step.pk,
            "kind": "drawing_review",
            "title": "施工图联合审查",
            "opened_on": "2026-02-12",
        }
    ]
    step.state = step.StepState.CONCLUDED  # the report itself is the joint steps' own test
    step.save(update_fields=["state"])
    (row,) = desk.rows([only_row(lead, day("2026-02-12"))], day("2026-02-12"))
    assert row.shared_steps == []


def test_a_shared_step_opened_without_a_list_covers_the_stages_open_cases(
    applied, lead, section, clerk, on_feb_12
):
    """联合审图 opened for the stage without naming cases: every open case the project applied
    for in that stage uses its report; a case closed meanwhile is left out."""
    from oneseal.projects import joint_actions

    first, second = sorted(cases_of(applied), key=lambda c: c.pk)
    case_actions.withdraw(second, actor=clerk, on=day("2026-02-12"), reason="申请人撤回")
    step = joint_actions.open_joint_step(
        applied.project,
        actor=lead,
        stage=Stage.CONSTRUCTION_PERMIT,
        kind="drawing_review",
        title="施工图联合审查",
        sections=[section],
        on=day("2026-02-12"),
    )
    assert list(step.cases.order_by("pk")) == [first]


def test_a_joint_inspection_scheduled_without_a_list_covers_the_stages_accepted_cases(
    applied, lead, clerk, signatory, section, admin_user
):
    """联合勘验 scheduled for the stage without naming cases: the stage's open cases that can take
    a visit now (accepted ones) are covered; none at all is refused on `cases`."""
    from oneseal.inspections import actions as inspection_actions

    for case in cases_of(applied):
        inspection_actions.save_checklist(
            case.handling_item, actor=admin_user, lines=[("施工现场与图纸一致", "现场核对")]
        )

    def schedule(on, visit):
        return inspection_actions.schedule_joint_inspection(
            applied.project,
            actor=signatory,
            stage=Stage.CONSTRUCTION_PERMIT,
            cases=[],
            sections=[section],
            at=at(f"{visit} 09:30"),
            place="平罗县物流仓储中心工地",
            expected_days=1,
            inspectors=[lead, signatory],
            on=day(on),
        )

    with pytest.raises(ValidationFailed) as refused:
        schedule("2026-02-12", "2026-02-13")  # received, not yet accepted: nothing to visit
    assert "cases" in refused.value.fields
    first, second = accept_all(applied, clerk, day("2026-02-24"))
    inspection = schedule("2026-02-25", "2026-02-26")
    assert sorted(c.case_id for c in inspection.covered.all()) == sorted([first.pk, second.pk])


# --- what a read of the desk costs ----------------------------------------------------------


@pytest.fixture
def three_stages(applied, template, clerk, signatory, owner):
    """Three stages of the section: received (two cases waiting for acceptance), accepted
    (review steps pending) and one with a case suspended for a site survey."""
    from oneseal.testing.projects import project as new_project

    accepted, suspended = (
        stages.apply_for_stage(
            new_project(clerk, owner, code=code, name=name, kind="enterprise"),
            template,
            actor=clerk,
            at=at("2026-02-11 09:00"),
        )
        for code, name in (
            ("2020-640221-47-01-012346", "平罗县冷链物流园"),
            ("2020-640221-47-01-012347", "平罗县农机仓库"),
        )
    )
    accept_all(accepted, clerk, day("2026-02-24"))
    first, _ = accept_all(suspended, clerk, day("2026-02-24"))
    case_actions.suspend(
        first,
        actor=signatory,
        kind=SpecialProcedure.Kind.SITE_SURVEY,
        reason="联合现场勘验",
        expected_days=3,
        on=day("2026-02-25"),
    )
    return [applied, accepted, suspended]


def statements(fetch) -> list[str]:
    fetch()  # computes the standings, fills the process's caches
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_the_desk_reads_its_page_in_a_fixed_number_of_statements(applied, lead, three_stages):
    """The queue page and the API ask the database the same number of times for one stage as
    for three in every state (nothing per row or per case), within a budget. Raise these
    numbers only knowingly."""
    page = signed_in(lead)
    api = APIClient()
    api.force_authenticate(lead)
    reads = {
        "page": lambda: page.get(reverse("projects:desk")),
        "api": lambda: api.get("/api/v1/stage-applications"),
    }
    with time_machine.travel(at("2026-02-26 10:00"), tick=False):
        many = {name: statements(fetch) for name, fetch in reads.items()}
        assert page.get(reverse("projects:desk")).content.decode().count("data-stage=") == 3
        text = page.get(reverse("projects:desk")).content.decode()
        assert "中止：现场勘验，预计2026年2月28日完成" in text
        # The desk's own in the API: stale standings? (none), the day's urgency (none to set),
        # the count, the page's standings, their applications, their cases with the first
        # pending step, the open suspensions, the open shared steps. The page counts per
        # warning instead (its total too).
        desk_sql = [q for q in many["api"] if "projects_" in q or "cases_suspension" in q]
        assert len(desk_sql) <= 8, desk_sql
        assert len(many["page"]) <= 25, [q[:80] for q in many["page"]]
        assert len(many["api"]) <= 8, [q[:80] for q in many["api"]]
        for other in three_stages[1:]:
            StageStanding.objects.filter(pk=other.pk).update(lead_section=None)
        one = {name: statements(fetch) for name, fetch in reads.items()}
    # One stage left on the desk, no suspended case: the suspensions are not read.
    assert {name: len(sql) + 1 for name, sql in one.items()} == {
        name: len(sql) for name, sql in many.items()
    }
