"""The demo's reform task table in progress and its second city mid-rollout."""

import datetime

import pytest

from oneseal.demo.steps import reform as step
from oneseal.demo.steps import transfers as transfers_step
from oneseal.transfers import rollout, tasks
from oneseal.transfers.models import (
    ListFiling,
    ProgressReport,
    Reform,
    Rollout,
    SealRequest,
    TaskStatus,
)

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TODAY = datetime.date(2025, 12, 5)


@pytest.fixture(scope="module")
def demo(demo_savepoint, django_db_blocker):
    with django_db_blocker.unblock():
        transfers_step.load(today=TODAY)
        return step.load(today=TODAY)


@pytest.mark.django_db
def test_the_task_table_is_in_progress_with_an_overdue_task(demo):
    reform = Reform.objects.get(name=step.REFORM)
    lines = tasks.task_table(reform, TODAY)
    statuses = {line.task.status for line in lines}
    assert statuses == {TaskStatus.DONE, TaskStatus.UNDERWAY, TaskStatus.OPEN}
    assert [line.task.title for line in lines if line.overdue_days] == ["签订一事一协议"]
    assert step.load(today=TODAY) == []  # idempotent


@pytest.mark.django_db
def test_every_task_has_its_units_and_some_reports_carry_attachments(demo):
    reform = Reform.objects.get(name=step.REFORM)
    lines = tasks.task_table(reform, TODAY)
    assert len(lines) == len(step.TASKS)
    assert all(line.task.lead_unit is not None for line in lines)
    assert all(not line.task.former_lead_unit for line in lines)
    led = {line.task.title: line.task.lead_unit_name for line in lines}
    assert led["签订一事一协议"] == reform.region.bureau.name
    assert led["核定审批局和政务服务中心编制"] == "中共平罗县委机构编制委员会办公室"
    signing = next(line.task for line in lines if line.task.title == "签订一事一协议")
    assert signing.helping_departments.count() == 12
    attached = ProgressReport.objects.filter(task__reform=reform).exclude(file="")
    assert attached.count() == 3
    assert {r.content_type for r in attached} == {"application/pdf"}
    # The county's overdue task is found by its lead unit's region, as e-supervision reads it.
    overdue = tasks.overdue_tasks(reform.region.prefix, today=TODAY)
    assert [line.task.title for line in overdue] == ["签订一事一协议"]


@pytest.mark.django_db
def test_the_second_city_is_mid_rollout(demo):
    started = Rollout.objects.get(reform__region__code=step.CITY_CODE)
    assert started.counties.count() == 3
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.get(username=step.CITY_ADMIN[0])
    lines = rollout.dashboard(started, admin, TODAY)
    assert len(lines) == 3 and lines[0].phase and not lines[0].warnings
    # Every county bureau has the template's sections and its starting accounts with roles.
    for county in started.counties.all():
        setup = rollout.county_setup(county, TODAY)
        assert [s.name for s in setup.sections] == started.sections
        assert len(setup.staff) == len(started.accounts)
        assert all(m.roles.exists() for m in setup.staff)
    # 沙坡头区's seal made, the others requested; its director set their own password.
    assert [line.seal.state for line in lines] == [
        SealRequest.State.MADE,
        SealRequest.State.REQUESTED,
        SealRequest.State.REQUESTED,
    ]
    assert lines[0].accounts_active == 1 and lines[2].accounts_active == 0
    # One list accepted, one returned with its reasons, one not filed.
    assert [line.filing.state if line.filing else None for line in lines] == [
        ListFiling.State.ACCEPTED,
        ListFiling.State.RETURNED,
        None,
    ]
    assert "依据" in lines[1].filing.reasons
    assert any("退回" in w for w in lines[1].warnings)
