"""Reform tasks (任务分工, issue 12 point 7): a region's reform with its plan's phases as
milestones, the task table with lead and helping units and deadlines, progress reports with
attachments, and the overdue warnings — counted in working days on the calendar in force and
computed on read, so a calendar correction moves every warning at once.

Who may: the region's reform office (its bureau signatory, who chairs it, or its administrator)
sets up the reform, its phases and its tasks; a task's lead unit (the bureau or a department,
a relation since migration 0004) reports progress and moves its status, and the office may do
so for it. Another region's staff do neither and see nothing (the queries are scoped by
`scope_prefix`)."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from oneseal.actors import User, stored_user
from oneseal.audit.actions import record
from oneseal.calendars.queries import current_calendar
from oneseal.calendars.queries import today as business_today
from oneseal.calendars.rules import WorkCalendar
from oneseal.cases import uploads
from oneseal.errors import InvalidTransition, NotPermitted, fail_fields
from oneseal.organisation.models import Bureau, Department, Role
from oneseal.organisation.rules import has_role, scope_prefix, staff_of
from oneseal.regions.models import Region

from .models import Milestone, ProgressReport, Reform, ReformTask, TaskStatus

# A task this many working days from its deadline is flagged as due soon.
DUE_SOON = 3


def _require_office(actor: User, region: Region) -> None:
    if not (has_role(actor, Role.SIGNATORY, region) or has_role(actor, Role.ADMINISTRATOR, region)):
        raise NotPermitted()


def _text(value: Any) -> str:
    return str(value or "").strip()


def _date(value: Any, field: str, errors: dict) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        parsed = datetime.date.fromisoformat(str(value)) if value else None
    except ValueError:
        parsed = None
    if parsed is None:
        errors[field] = [_("日期格式应为 YYYY-MM-DD")]
    return parsed


@transaction.atomic
def create_reform(
    region: Region,
    *,
    actor: User,
    name: str,
    plan_document: str,
    milestones: Sequence[tuple[str, object]] = (),
) -> Reform:
    """A reform with its phases; each milestone a (name, due date) pair."""
    _require_office(actor, region)
    errors: dict[str, list[str]] = {}
    name, plan_document = _text(name), _text(plan_document)
    if not name:
        errors["name"] = [_("请填写改革名称")]
    if not plan_document:
        errors["plan_document"] = [_("请填写实施方案")]
    phases: list[tuple[str, datetime.date]] = []
    for index, (phase, due) in enumerate(milestones):
        due_on = _date(due, f"milestones[{index}]", errors)
        if not _text(phase):
            errors[f"milestones[{index}]"] = [_("请填写阶段名称")]
        if due_on is not None:  # else an error is recorded and nothing is created
            phases.append((_text(phase), due_on))
    fail_fields(errors)
    reform = Reform.objects.create(
        region=region,
        region_code=region.code,
        name=name,
        plan_document=plan_document,
        created_by=stored_user(actor),
    )
    Milestone.objects.bulk_create(
        Milestone(reform=reform, name=phase, due_on=due_on) for phase, due_on in phases
    )
    record(
        "transfers.reform_created",
        actor=actor,
        subject=reform,
        region_code=region.code,
        summary=name,
        data={"milestones": [[p, d.isoformat()] for p, d in phases if d]},
    )
    return reform


Unit = Bureau | Department


def region_units(region: Region) -> tuple[QuerySet[Bureau], QuerySet[Department]]:
    """The units a reform of `region` may give tasks to: the bureaus and departments of the
    region and below (a city's reform reaches its counties' units)."""
    prefix = region.prefix
    return (
        Bureau.objects.filter(region__code__startswith=prefix).select_related("region"),
        Department.objects.filter(region__code__startswith=prefix).select_related("region"),
    )


def _unit_outside(reform: Reform, unit: Any) -> bool:
    if not isinstance(unit, (Bureau, Department)):
        return True
    return not unit.region.code.startswith(reform.region.prefix)


@transaction.atomic
def add_milestone(reform: Reform, *, actor: User, name: str, due_on: Any) -> Milestone:
    """A phase of the plan (seed 004: 挂牌, 人员划转, 事项划转和运行) with its date."""
    _require_office(actor, reform.region)
    errors: dict[str, list[str]] = {}
    name = _text(name)
    if not name:
        errors["name"] = [_("请填写阶段名称")]
    elif reform.milestones.filter(name=name).exists():
        errors["name"] = [_("本次改革已有该阶段")]
    due = _date(due_on, "due_on", errors)
    fail_fields(errors)
    assert due is not None
    milestone = Milestone.objects.create(reform=reform, name=name[:100], due_on=due)
    record(
        "transfers.milestone_added",
        actor=actor,
        subject=milestone,
        region_code=reform.region_code,
        summary=f"{reform.name}：{milestone.name}",
        data={"due_on": str(due)},
    )
    return milestone


@transaction.atomic
def add_task(
    reform: Reform,
    *,
    actor: User,
    title: str,
    lead_unit: Unit | None,
    deadline: Any,
    helping_units: Iterable[Unit] = (),
    milestone: Milestone | None = None,
) -> ReformTask:
    """A line of the task table: the lead unit (the bureau or a department of the reform's
    region or below) and its helping units, the deadline within its phase's."""
    _require_office(actor, reform.region)
    errors: dict[str, list[str]] = {}
    title = _text(title)
    helping = list(helping_units)
    if not title:
        errors["title"] = [_("请填写任务内容")]
    if lead_unit is None:
        errors["lead_unit"] = [_("请选择牵头单位")]
    elif _unit_outside(reform, lead_unit):
        errors["lead_unit"] = [_("牵头单位须为本次改革区划内的单位")]
    outside = [str(u) for u in helping if _unit_outside(reform, u)]
    if outside:
        errors["helping_units"] = [
            _("配合单位须为本次改革区划内的单位：{names}").format(names="、".join(outside))
        ]
    elif lead_unit is not None and lead_unit in helping:
        errors["helping_units"] = [_("牵头单位不必再列为配合单位")]
    due = _date(deadline, "deadline", errors)
    if milestone is not None and milestone.reform_id != reform.pk:
        errors["milestone"] = [_("该阶段不属于本次改革")]
    elif milestone is not None and due and due > milestone.due_on:
        errors["deadline"] = [_("任务时限不能晚于所属阶段的时限（{d}）").format(d=milestone.due_on)]
    fail_fields(errors)
    assert due is not None
    task = ReformTask.objects.create(
        reform=reform,
        milestone=milestone,
        title=title[:300],
        lead_bureau=lead_unit if isinstance(lead_unit, Bureau) else None,
        lead_department=lead_unit if isinstance(lead_unit, Department) else None,
        deadline=due,
    )
    task.helping_bureaus.set([u for u in helping if isinstance(u, Bureau)])
    task.helping_departments.set([u for u in helping if isinstance(u, Department)])
    record(
        "transfers.task_added",
        actor=actor,
        subject=task,
        region_code=reform.region_code,
        summary=title,
        data={
            "lead_unit": _unit_key(lead_unit),
            "helping_units": [_unit_key(u) for u in helping],
            "deadline": str(due),
        },
    )
    return task


def _unit_key(unit: Any) -> str:
    return f"{'bureau' if isinstance(unit, Bureau) else 'department'}:{unit.pk}"


def is_lead_staff(actor: User, task: ReformTask) -> bool:
    """A staff member of the task's lead unit: placed in that department or that bureau."""
    staff = staff_of(actor)
    if staff is None or not actor.is_active:
        return False
    if task.lead_department_id is not None:
        return staff.department_id == task.lead_department_id
    return task.lead_bureau_id is not None and staff.bureau_id == task.lead_bureau_id


def may_report(actor: User, task: ReformTask) -> bool:
    """The lead unit's staff report on their task; the reform office may file for them (it
    compiles the reports of units without an account)."""
    return is_lead_staff(actor, task) or _is_office(actor, task.reform.region)


def _is_office(actor: User, region: Region) -> bool:
    return has_role(actor, Role.SIGNATORY, region) or has_role(actor, Role.ADMINISTRATOR, region)


@transaction.atomic
def report_progress(
    task: ReformTask,
    *,
    actor: User,
    text: str,
    percent: Any,
    upload: File | None = None,
    on: datetime.date | None = None,
) -> ProgressReport:
    """A progress report; 100 % closes the task on the report's day. A closed task takes no
    further report (its table line is final)."""
    task = ReformTask.objects.select_for_update().select_related("reform__region").get(pk=task.pk)
    if not may_report(actor, task):
        raise NotPermitted(_("只有牵头单位的工作人员或改革办可以报告进展"))
    if task.status == TaskStatus.DONE:
        raise InvalidTransition(_("该任务已完成，不再报告进展"))
    errors: dict[str, list[str]] = {}
    text = _text(text)
    if not text:
        errors["text"] = [_("请填写进展情况")]
    try:
        value = int(percent)
    except (TypeError, ValueError):
        value = -1
    if not 0 <= value <= 100:
        errors["percent"] = [_("完成进度应为0到100之间的整数")]
    elif value < task.percent:
        errors["percent"] = [_("完成进度不能低于上次报告的{p}%").format(p=task.percent)]
    sniffed = None
    if upload is not None:
        if uploads.too_large(upload):
            errors["file"] = [_("附件过大，上限为{mb} MB").format(mb=uploads.max_megabytes())]
        else:
            sniffed = uploads.sniff(upload)
            if sniffed is None:
                errors["file"] = [
                    _("附件类型不被接受（可上传：{kinds}）").format(kinds=uploads.accepted_names())
                ]
    fail_fields(errors)
    on = on or business_today()
    report = ProgressReport(
        task=task, reported_by=stored_user(actor), reported_on=on, text=text, percent=value
    )
    if upload is not None and sniffed is not None:
        name = cast(str, upload.name)
        report.file = default_storage.save(
            f"reform/{task.reform_id}/{task.pk}/{sniffed.sha256[:16]}.{sniffed.suffix}", upload
        )
        report.file_name = name.rsplit("/", 1)[-1][:200]
        report.content_type = sniffed.content_type
        report.sha256 = sniffed.sha256
    report.save()
    task.percent = value
    if value == 100:
        task.status, task.done_on = TaskStatus.DONE, on
    else:
        task.status = TaskStatus.UNDERWAY
    task.save(update_fields=["percent", "status", "done_on"])
    record(
        "transfers.task_progress",
        actor=actor,
        subject=task,
        region_code=task.reform.region_code,
        summary=f"{value}%",
        data={"report": report.pk, "sha256": report.sha256},
    )
    return report


def status_blockers(task: ReformTask, status: str, actor: User | None = None) -> list[str]:
    """Why the task cannot be set to `status` now: back to 未开始 only while nothing is
    reported done; a finished task is reopened by the reform office only."""
    if status not in TaskStatus.values:
        return [_("状态须为：{names}").format(names="、".join(str(c.label) for c in TaskStatus))]
    if status == task.status:
        return [_("任务已是“{status}”").format(status=TaskStatus(status).label)]
    if status == TaskStatus.OPEN and task.percent > 0:
        return [_("已报告{p}%的进度，不能改回未开始").format(p=task.percent)]
    if (
        task.status == TaskStatus.DONE
        and actor is not None
        and not _is_office(actor, task.reform.region)
    ):
        return [_("已完成的任务只能由改革办重新打开")]
    return []


@transaction.atomic
def set_task_status(
    task: ReformTask, *, actor: User, status: str, on: datetime.date | None = None
) -> ReformTask:
    """The lead unit (or the reform office) moves the task: 推进中, or 已完成 on `on` (the
    progress then reads 100 %); the office may reopen a finished task."""
    task = ReformTask.objects.select_for_update().select_related("reform__region").get(pk=task.pk)
    if not may_report(actor, task):
        raise NotPermitted(_("只有牵头单位的工作人员或改革办可以变更任务状态"))
    blockers = status_blockers(task, status, actor)
    if blockers:
        if status not in TaskStatus.values:
            fail_fields({"status": blockers})
        raise InvalidTransition(blockers[0], reasons=blockers)
    on = on or business_today()
    before = task.status
    task.status = status
    if status == TaskStatus.DONE:
        task.percent, task.done_on = 100, on
    else:
        task.done_on = None
    task.save(update_fields=["status", "percent", "done_on"])
    record(
        "transfers.task_status",
        actor=actor,
        subject=task,
        region_code=task.reform.region_code,
        summary=f"{task.title}：{TaskStatus(before).label} → {TaskStatus(status).label}",
        data={"from": before, "to": status, "on": on.isoformat()},
    )
    return task


# Reads ------------------------------------------------------------------------------------


def visible_reforms(user: User) -> QuerySet[Reform]:
    """The reforms of the user's region and below; nothing for a user with no staff scope."""
    prefix = scope_prefix(user)
    if prefix is None:
        return Reform.objects.none()
    return Reform.objects.filter(region_code__startswith=prefix).select_related("region")


@dataclass(frozen=True)
class TaskLine:
    task: ReformTask
    overdue_days: int  # working days past the deadline, 0 when not overdue
    due_in: int | None  # working days left when open and not overdue

    @property
    def warning(self) -> str:
        if self.overdue_days:
            return _("已逾期{n}个工作日").format(n=self.overdue_days)
        if self.due_in is not None and self.due_in <= DUE_SOON:
            return _("{n}个工作日内到期").format(n=self.due_in)
        return ""


def task_line(
    task: ReformTask, today: datetime.date, calendar: WorkCalendar | None = None
) -> TaskLine:
    """Where a task stands on `today`: a done task is judged on its completion day (done late
    stays late on the record, but warns no more)."""
    calendar = calendar or current_calendar()
    if task.status == TaskStatus.DONE:
        # A finished task no longer warns, however late it finished.
        return TaskLine(task, 0, None)
    gap = calendar.between(task.deadline, today)
    if gap > 0:
        return TaskLine(task, gap, None)
    return TaskLine(task, 0, -gap)


def task_table(reform: Reform, today: datetime.date | None = None) -> list[TaskLine]:
    today = today or business_today()
    calendar = current_calendar()
    tasks = reform.tasks.select_related(
        "milestone", "lead_bureau", "lead_department"
    ).prefetch_related("reports", "helping_bureaus", "helping_departments")
    return [task_line(task, today, calendar) for task in tasks]


@dataclass(frozen=True)
class PhaseLine:
    milestone: Milestone
    tasks: int
    done: int
    overdue: int

    @property
    def reached(self) -> bool:
        return self.tasks > 0 and self.done == self.tasks


def phases(reform: Reform, lines: list[TaskLine]) -> list[PhaseLine]:
    result = []
    for milestone in reform.milestones.all():
        own = [line for line in lines if line.task.milestone_id == milestone.pk]
        result.append(
            PhaseLine(
                milestone,
                len(own),
                sum(1 for line in own if line.task.status == TaskStatus.DONE),
                sum(1 for line in own if line.overdue_days),
            )
        )
    return result


def lead_in(prefix: str) -> Q:
    """Tasks whose lead unit lies in the region of `prefix` (a county's own tasks)."""
    return Q(lead_bureau__region__code__startswith=prefix) | Q(
        lead_department__region__code__startswith=prefix
    )


def overdue_tasks(
    prefix: str, *, today: datetime.date, reforms: QuerySet[Reform] | None = None
) -> list[TaskLine]:
    """The unfinished tasks past their deadline whose lead unit lies in `prefix`, from the
    given reforms (every reform by default: a city's reform leads county units too), oldest
    deadline first. The deadline filter is a first cut in calendar days; the working-day
    count decides."""
    calendar = current_calendar()
    tasks = (
        ReformTask.objects.filter(lead_in(prefix), deadline__lt=today)
        .exclude(status=TaskStatus.DONE)
        .select_related("reform", "milestone", "lead_bureau", "lead_department")
        .order_by("deadline", "id")
    )
    if reforms is not None:
        tasks = tasks.filter(reform__in=reforms)
    lines = (task_line(task, today, calendar) for task in tasks)
    return [line for line in lines if line.overdue_days]
