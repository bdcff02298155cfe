"""A reform task's lead and helping units are relations (migration 0005): a county's overdue
tasks are those its own units lead — on the city's rollout dashboard and in e-supervision —
whatever the task's title or its helping units say; existing typed names are mapped where
they match a unit of the reform's region, and kept where they do not."""

import pytest
import time_machine

from oneseal.organisation.models import Department, Role
from oneseal.regions.models import Region
from oneseal.testing import at, day
from oneseal.transfers import rollout as rollouts
from oneseal.transfers import tasks
from oneseal.transfers.models import TaskStatus

TODAY = day("2026-01-20")
SHAPOTOU, ZHONGNING, HAIYUAN = "640502", "640521", "640522"


@pytest.fixture
def city(regions):
    return Region.objects.get(code="640500")  # 中卫市


@pytest.fixture
def city_admin(make_staff, city):
    return make_staff("city_admin", city, Role.ADMINISTRATOR, Role.CATALOGUE_ADMIN)


@pytest.fixture
def started(city, city_admin):
    return rollouts.start_rollout(
        city,
        actor=city_admin,
        name="中卫市相对集中行政许可权改革",
        plan_document="中卫市实施方案",
        counties=[Region.objects.get(code=c) for c in (SHAPOTOU, ZHONGNING, HAIYUAN)],
        template="compact",
        milestones=[("挂牌", "2026-01-31")],
    )


@pytest.fixture
def table(started, city, city_admin):
    """Six tasks of the city's reform led by units of every level, named so that a match on
    names would count them wrongly."""
    bureaus = {c.region.code: c.bureau for c in started.counties.select_related("bureau")}
    zn_land = Department.objects.create(
        region=Region.objects.get(code=ZHONGNING), name="中宁县自然资源局"
    )
    spt_hr = Department.objects.create(
        region=Region.objects.get(code=SHAPOTOU), name="沙坡头区人力资源和社会保障局"
    )
    city_office = Department.objects.create(region=city, name="中卫市委编办")
    reform = started.reform

    def add(title, lead, deadline, helping=()):
        return tasks.add_task(
            reform,
            actor=city_admin,
            title=title,
            lead_unit=lead,
            helping_units=list(helping),
            deadline=deadline,
        )

    made = {
        "spt_sign": add("沙坡头区行政审批局挂牌", bureaus[SHAPOTOU], "2026-01-09"),
        # Named after 沙坡头区 and helped by its bureau, but led by 中宁县's department.
        "zn_staff": add(
            "中宁县学习沙坡头区经验完成人员划转",
            zn_land,
            "2026-01-09",
            helping=[bureaus[SHAPOTOU], spt_hr],
        ),
        "spt_hr": add("人员摸底", spt_hr, "2026-01-12"),
        "hy_sign": add("海原县挂牌", bureaus[HAIYUAN], "2026-01-30"),
        "city": add("全市统筹（沙坡头区、中宁县、海原县）", city_office, "2026-01-05"),
        "zn_done": add("中宁县挂牌", bureaus[ZHONGNING], "2026-01-05"),
    }
    tasks.set_task_status(
        made["zn_done"], actor=city_admin, status=TaskStatus.DONE, on=day("2026-01-16")
    )
    return made


def _overdue_warnings(line) -> list[str]:
    return sorted(w for w in line.warnings if w.startswith("任务逾期"))


def test_the_dashboard_counts_each_countys_overdue_tasks_by_the_lead_units_region(
    started, table, city_admin
):
    lines = {
        line.county.region.code: line for line in rollouts.dashboard(started, city_admin, TODAY)
    }
    assert _overdue_warnings(lines[SHAPOTOU]) == [
        "任务逾期：人员摸底",
        "任务逾期：沙坡头区行政审批局挂牌",
    ]
    assert _overdue_warnings(lines[ZHONGNING]) == ["任务逾期：中宁县学习沙坡头区经验完成人员划转"]
    assert _overdue_warnings(lines[HAIYUAN]) == []


def test_overdue_tasks_are_found_by_region_for_the_county_and_the_city(table, city):
    def titles(prefix):
        return [line.task.title for line in tasks.overdue_tasks(prefix, today=TODAY)]

    assert titles("640502") == ["沙坡头区行政审批局挂牌", "人员摸底"]
    assert titles("640521") == ["中宁县学习沙坡头区经验完成人员划转"]
    assert titles("640522") == []
    assert titles(city.prefix) == [
        "全市统筹（沙坡头区、中宁县、海原县）",
        "沙坡头区行政审批局挂牌",
        "中宁县学习沙坡头区经验完成人员划转",
        "人员摸底",
    ]


def test_e_supervision_lists_the_overdue_tasks_of_the_region_looked_at(
    client, table, city, make_staff
):
    overseer = make_staff("city_overseer", city, Role.OVERSEER)
    client.force_login(overseer)
    with time_machine.travel(at("2026-01-20 10:00"), tick=False):
        county = client.get("/esupervision/", {"region": SHAPOTOU}).content.decode()
        other = client.get("/esupervision/", {"region": ZHONGNING}).content.decode()
    section = county.split('id="reform-tasks-h"')[1].split("</section>")[0]
    assert "沙坡头区行政审批局挂牌" in section and "人员摸底" in section
    assert "中宁县学习沙坡头区经验" not in section and "全市统筹" not in section
    section = other.split('id="reform-tasks-h"')[1].split("</section>")[0]
    assert "中宁县学习沙坡头区经验完成人员划转" in section and "中宁县挂牌" not in section


# The last migration of transfers; nothing in the graph depends on it.
MOVED = ("transfers", "0005_task_units")


@pytest.mark.django_db(transaction=True)
def test_the_migration_maps_typed_names_to_the_regions_units_and_keeps_the_rest(
    regions, migration_steps
):
    steps = migration_steps(MOVED)
    old = steps.back().apps
    Region_ = old.get_model("regions", "Region")
    Bureau = old.get_model("organisation", "Bureau")
    Department_ = old.get_model("organisation", "Department")
    Reform = old.get_model("transfers", "Reform")
    Task = old.get_model("transfers", "ReformTask")
    county = Region_.objects.get(code="640221")
    other = Region_.objects.get(code="640202")
    bureau = Bureau.objects.create(region=county, name="平罗县行政审批局")
    hr = Department_.objects.create(
        region=county, name="平罗县人力资源和社会保障局", short_name="人社局"
    )
    Department_.objects.create(region=other, name="大武口区委编办", short_name="县委编办")
    reform = Reform.objects.create(
        region=county, region_code="640221", name="改革", plan_document="方案"
    )
    led_by_bureau = Task.objects.create(
        reform=reform,
        title="挂牌",
        lead_unit="县行政审批局",
        helping_units="县人社局、县委编办",
        deadline=day("2026-01-31"),
    )
    led_by_name = Task.objects.create(
        reform=reform,
        title="人员划转",
        lead_unit="平罗县人力资源和社会保障局",
        helping_units="",
        deadline=day("2026-02-28"),
    )
    # 县委编办 exists only in another county: it must not be taken for this county's.
    unmatched = Task.objects.create(
        reform=reform, title="核定编制", lead_unit="县委编办", deadline=day("2026-02-13")
    )
    new = steps.forward().apps
    Task = new.get_model("transfers", "ReformTask")
    first = Task.objects.get(pk=led_by_bureau.pk)
    assert (first.lead_bureau_id, first.lead_department_id, first.former_lead_unit) == (
        bureau.pk,
        None,
        "",
    )
    assert list(first.helping_departments.values_list("pk", flat=True)) == [hr.pk]
    assert first.former_helping_units == "县委编办"
    second = Task.objects.get(pk=led_by_name.pk)
    assert (second.lead_department_id, second.former_lead_unit) == (hr.pk, "")
    third = Task.objects.get(pk=unmatched.pk)
    assert (third.lead_bureau_id, third.lead_department_id) == (None, None)
    assert third.former_lead_unit == "县委编办"
