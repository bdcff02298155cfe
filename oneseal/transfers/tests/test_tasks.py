"""Reform tasks (任务分工): the reform with its plan's phases, the task table, progress reports
with sniffed attachments, and overdue warnings in working days on the real 2026 calendar."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oneseal.audit.models import AuditEvent
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.organisation.models import Department
from oneseal.testing import day
from oneseal.transfers import tasks
from oneseal.transfers.models import ProgressReport, TaskStatus

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def reform(county, signatory):
    # Seed 004 三: 挂牌 by 1-31, 人员划转 by 2-28, 事项划转 and operation by 4-30.
    return tasks.create_reform(
        county,
        actor=signatory,
        name="平罗县相对集中行政许可权改革",
        plan_document="平罗县相对集中行政许可权改革实施方案",
        milestones=[
            ("挂牌", "2026-01-31"),
            ("人员划转", "2026-02-28"),
            ("事项划转和运行", "2026-04-30"),
        ],
    )


@pytest.fixture
def bianban(county):
    return Department.objects.create(
        region=county, name="平罗县委机构编制委员会办公室", short_name="县委编办"
    )


@pytest.fixture
def zuzhibu(county):
    return Department.objects.create(
        region=county, name="中共平罗县委组织部", short_name="县委组织部"
    )


@pytest.fixture
def unit_staff(make_staff, county, bianban):
    """A staff member of the lead unit (县委编办), with no role in cases."""
    return make_staff("bb_staff", county, display_name="赵编办", department=bianban)


@pytest.fixture
def staffing(reform, signatory, bianban, zuzhibu, bureau):
    return tasks.add_task(
        reform,
        actor=signatory,
        title="完成审批人员划转",
        lead_unit=bianban,
        helping_units=[zuzhibu, bureau],
        deadline="2026-02-13",
        milestone=reform.milestones.get(name="人员划转"),
    )


def test_a_reform_keeps_its_phases_in_date_order_and_is_audited(reform):
    assert [(m.name, m.due_on) for m in reform.milestones.all()] == [
        ("挂牌", day("2026-01-31")),
        ("人员划转", day("2026-02-28")),
        ("事项划转和运行", day("2026-04-30")),
    ]
    assert AuditEvent.objects.filter(action="transfers.reform_created").count() == 1


def test_only_the_reform_office_of_the_region_sets_up(
    county, reviewer, far_staff, unit_staff, reform, bianban
):
    for user in (reviewer, far_staff, unit_staff):
        with pytest.raises(NotPermitted):
            tasks.create_reform(county, actor=user, name="x", plan_document="y")
        with pytest.raises(NotPermitted):
            tasks.add_task(reform, actor=user, title="t", lead_unit=bianban, deadline="2026-02-01")
        with pytest.raises(NotPermitted):
            tasks.add_milestone(reform, actor=user, name="验收", due_on="2026-05-31")
    assert not reform.tasks.exists() and reform.milestones.count() == 3


def test_bad_input_names_each_field(reform, signatory, bureau):
    with pytest.raises(ValidationFailed) as caught:
        tasks.add_task(
            reform,
            actor=signatory,
            title="",
            lead_unit=None,
            deadline="2026-02-30",
        )
    assert set(caught.value.fields) == {"title", "lead_unit", "deadline"}
    with pytest.raises(ValidationFailed) as caught:
        tasks.add_task(
            reform,
            actor=signatory,
            title="挂牌",
            lead_unit=bureau,
            deadline="2026-02-10",
            milestone=reform.milestones.get(name="挂牌"),
        )
    assert set(caught.value.fields) == {"deadline"}
    assert not reform.tasks.exists()


def test_overdue_is_counted_in_working_days_across_the_spring_festival(staffing):
    # Deadline Friday 2026-02-13; 2-14 (Saturday) is a make-up working day, 2-15..2-23 the
    # Spring Festival holiday: on 2-24 the task is 2 working days late, not 11 calendar days.
    line = tasks.task_line(staffing, day("2026-02-24"))
    assert line.overdue_days == 2
    assert "2" in line.warning
    on_time = tasks.task_line(staffing, day("2026-02-13"))
    assert on_time.overdue_days == 0 and on_time.due_in == 0 and on_time.warning
    early = tasks.task_line(staffing, day("2026-01-26"))
    assert early.due_in > tasks.DUE_SOON and early.warning == ""


def test_progress_reports_move_the_task_and_close_it_at_100(staffing, unit_staff):
    tasks.report_progress(
        staffing,
        actor=unit_staff,
        text="已完成12个部门人员摸底",
        percent=40,
        upload=SimpleUploadedFile("摸底表.pdf", PDF),
        on=day("2026-02-05"),
    )
    staffing.refresh_from_db()
    assert staffing.status == TaskStatus.UNDERWAY and staffing.percent == 40
    report = ProgressReport.objects.get()
    assert report.file_name == "摸底表.pdf" and report.content_type == "application/pdf"
    assert len(report.sha256) == 64
    tasks.report_progress(
        staffing, actor=unit_staff, text="划转完成", percent=100, on=day("2026-02-25")
    )
    staffing.refresh_from_db()
    assert staffing.status == TaskStatus.DONE and staffing.done_on == day("2026-02-25")
    assert tasks.task_line(staffing, day("2026-03-10")).warning == ""
    with pytest.raises(InvalidTransition):
        tasks.report_progress(staffing, actor=unit_staff, text="补充", percent=100)
    assert AuditEvent.objects.filter(action="transfers.task_progress").count() == 2


def test_a_report_refuses_a_bad_file_a_step_back_and_another_regions_staff(
    staffing, unit_staff, reviewer, far_staff
):
    with pytest.raises(ValidationFailed) as caught:
        tasks.report_progress(
            staffing,
            actor=unit_staff,
            text="进展",
            percent=30,
            upload=SimpleUploadedFile("报告.pdf", b"MZ\x90\x00 not a pdf"),
        )
    assert set(caught.value.fields) == {"file"}
    tasks.report_progress(staffing, actor=unit_staff, text="进展", percent=50)
    with pytest.raises(ValidationFailed) as caught:
        tasks.report_progress(staffing, actor=unit_staff, text="进展", percent=20)
    assert set(caught.value.fields) == {"percent"}
    # Another region's staff, and a staff member of the region who is not of the lead unit.
    for outsider in (far_staff, reviewer):
        with pytest.raises(NotPermitted):
            tasks.report_progress(staffing, actor=outsider, text="进展", percent=60)
    assert ProgressReport.objects.count() == 1


def test_reforms_are_seen_within_the_region_only(reform, reviewer, far_staff, applicant_user):
    assert list(tasks.visible_reforms(reviewer)) == [reform]
    assert not tasks.visible_reforms(far_staff).exists()
    assert not tasks.visible_reforms(applicant_user).exists()


def test_the_phases_count_done_and_overdue_tasks(reform, staffing, unit_staff):
    lines = tasks.task_table(reform, day("2026-02-24"))
    phase = {p.milestone.name: p for p in tasks.phases(reform, lines)}
    assert (phase["人员划转"].tasks, phase["人员划转"].overdue) == (1, 1)
    assert not phase["人员划转"].reached
    tasks.report_progress(staffing, actor=unit_staff, text="完成", percent=100)
    lines = tasks.task_table(reform, day("2026-02-24"))
    assert tasks.phases(reform, lines)[1].reached


def test_units_are_relations_within_the_reforms_region(
    reform, signatory, bianban, bureau, other_county
):
    foreign = Department.objects.create(region=other_county, name="大武口区委编办")
    with pytest.raises(ValidationFailed) as caught:
        tasks.add_task(
            reform,
            actor=signatory,
            title="人员划转",
            lead_unit=foreign,
            helping_units=[foreign],
            deadline="2026-02-13",
        )
    assert set(caught.value.fields) == {"lead_unit", "helping_units"}
    with pytest.raises(ValidationFailed) as caught:
        tasks.add_task(
            reform,
            actor=signatory,
            title="人员划转",
            lead_unit=bianban,
            helping_units=[bianban],
            deadline="2026-02-13",
        )
    assert set(caught.value.fields) == {"helping_units"}
    task = tasks.add_task(
        reform, actor=signatory, title="挂牌", lead_unit=bureau, deadline="2026-01-30"
    )
    assert task.lead_bureau == bureau and task.lead_department is None
    assert task.lead_unit_name == bureau.name and task.helping_unit_names == ""


def test_a_phase_is_added_once_with_a_valid_date(reform, signatory):
    with pytest.raises(ValidationFailed) as caught:
        tasks.add_milestone(reform, actor=signatory, name="挂牌", due_on="2026-13-01")
    assert set(caught.value.fields) == {"name", "due_on"}
    phase = tasks.add_milestone(reform, actor=signatory, name="验收评估", due_on="2026-06-30")
    assert [m.name for m in reform.milestones.all()][-1] == "验收评估" == phase.name
    assert AuditEvent.objects.filter(action="transfers.milestone_added").count() == 1


def test_the_lead_unit_moves_the_status_and_only_the_office_reopens(
    staffing, unit_staff, signatory, reviewer
):
    with pytest.raises(NotPermitted):
        tasks.set_task_status(staffing, actor=reviewer, status=TaskStatus.UNDERWAY)
    with pytest.raises(ValidationFailed) as caught:
        tasks.set_task_status(staffing, actor=unit_staff, status="finished")
    assert set(caught.value.fields) == {"status"}
    with pytest.raises(InvalidTransition):
        tasks.set_task_status(staffing, actor=unit_staff, status=TaskStatus.OPEN)
    tasks.set_task_status(staffing, actor=unit_staff, status=TaskStatus.UNDERWAY)
    tasks.report_progress(staffing, actor=unit_staff, text="摸底", percent=30)
    with pytest.raises(InvalidTransition):
        tasks.set_task_status(staffing, actor=unit_staff, status=TaskStatus.OPEN)
    done = tasks.set_task_status(
        staffing, actor=unit_staff, status=TaskStatus.DONE, on=day("2026-02-12")
    )
    assert (done.status, done.percent, done.done_on) == (TaskStatus.DONE, 100, day("2026-02-12"))
    with pytest.raises(InvalidTransition):
        tasks.set_task_status(staffing, actor=unit_staff, status=TaskStatus.UNDERWAY)
    reopened = tasks.set_task_status(staffing, actor=signatory, status=TaskStatus.UNDERWAY)
    assert reopened.status == TaskStatus.UNDERWAY and reopened.done_on is None
    assert AuditEvent.objects.filter(action="transfers.task_status").count() == 3


def test_the_office_files_a_report_for_a_unit_and_an_oversized_file_stores_nothing(
    staffing, signatory, settings
):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("大.pdf", PDF + b"0" * (2 * 1024 * 1024))
    with pytest.raises(ValidationFailed) as caught:
        tasks.report_progress(staffing, actor=signatory, text="进展", percent=10, upload=big)
    assert set(caught.value.fields) == {"file"}
    assert not ProgressReport.objects.exists()
    tasks.report_progress(staffing, actor=signatory, text="改革办代报", percent=10)
    assert ProgressReport.objects.get().reported_by == signatory
