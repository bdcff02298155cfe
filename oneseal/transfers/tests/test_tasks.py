"""Reform tasks (任务分工): the reform with its plan's phases, the task table, progress reports
with sniffed attachments, and overdue warnings in working days on the real 2026 calendar."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oneseal.audit.models import AuditEvent
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
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
def staffing(reform, signatory):
    return tasks.add_task(
        reform,
        actor=signatory,
        title="完成审批人员划转",
        lead_unit="县委编办",
        helping_units="县委组织部、县人社局",
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


def test_only_the_reform_office_of_the_region_sets_up(county, reviewer, far_staff, reform):
    for user in (reviewer, far_staff):
        with pytest.raises(NotPermitted):
            tasks.create_reform(county, actor=user, name="x", plan_document="y")
        with pytest.raises(NotPermitted):
            tasks.add_task(reform, actor=user, title="t", lead_unit="u", deadline="2026-02-01")


def test_bad_input_names_each_field(reform, signatory):
    with pytest.raises(ValidationFailed) as caught:
        tasks.add_task(
            reform,
            actor=signatory,
            title="",
            lead_unit=" ",
            deadline="2026-02-30",
        )
    assert set(caught.value.fields) == {"title", "lead_unit", "deadline"}
    with pytest.raises(ValidationFailed) as caught:
        tasks.add_task(
            reform,
            actor=signatory,
            title="挂牌",
            lead_unit="县政府办",
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


def test_progress_reports_move_the_task_and_close_it_at_100(staffing, reviewer):
    tasks.report_progress(
        staffing,
        actor=reviewer,
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
        staffing, actor=reviewer, text="划转完成", percent=100, on=day("2026-02-25")
    )
    staffing.refresh_from_db()
    assert staffing.status == TaskStatus.DONE and staffing.done_on == day("2026-02-25")
    assert tasks.task_line(staffing, day("2026-03-10")).warning == ""
    with pytest.raises(InvalidTransition):
        tasks.report_progress(staffing, actor=reviewer, text="补充", percent=100)
    assert AuditEvent.objects.filter(action="transfers.task_progress").count() == 2


def test_a_report_refuses_a_bad_file_a_step_back_and_another_regions_staff(
    staffing, reviewer, far_staff
):
    with pytest.raises(ValidationFailed) as caught:
        tasks.report_progress(
            staffing,
            actor=reviewer,
            text="进展",
            percent=30,
            upload=SimpleUploadedFile("报告.pdf", b"MZ\x90\x00 not a pdf"),
        )
    assert set(caught.value.fields) == {"file"}
    tasks.report_progress(staffing, actor=reviewer, text="进展", percent=50)
    with pytest.raises(ValidationFailed) as caught:
        tasks.report_progress(staffing, actor=reviewer, text="进展", percent=20)
    assert set(caught.value.fields) == {"percent"}
    with pytest.raises(NotPermitted):
        tasks.report_progress(staffing, actor=far_staff, text="进展", percent=60)
    assert ProgressReport.objects.count() == 1


def test_reforms_are_seen_within_the_region_only(reform, reviewer, far_staff, applicant_user):
    assert list(tasks.visible_reforms(reviewer)) == [reform]
    assert not tasks.visible_reforms(far_staff).exists()
    assert not tasks.visible_reforms(applicant_user).exists()


def test_the_phases_count_done_and_overdue_tasks(reform, staffing, reviewer):
    lines = tasks.task_table(reform, day("2026-02-24"))
    phase = {p.milestone.name: p for p in tasks.phases(reform, lines)}
    assert (phase["人员划转"].tasks, phase["人员划转"].overdue) == (1, 1)
    assert not phase["人员划转"].reached
    tasks.report_progress(staffing, actor=reviewer, text="完成", percent=100)
    lines = tasks.task_table(reform, day("2026-02-24"))
    assert tasks.phases(reform, lines)[1].reached
