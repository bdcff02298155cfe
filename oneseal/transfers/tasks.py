"""Reform tasks (任务分工, issue 12 point 7): a region's reform with its plan's phases as
milestones, the task table with lead and helping units and deadlines, progress reports with
attachments, and the overdue warnings — counted in working days on the calendar in force and
computed on read, so a calendar correction moves every warning at once.

Who may: the region's reform office (its bureau signatory, who chairs it, or its administrator)
sets up the reform and its tasks; any staff member of the region reports progress. Another
region's staff do neither and see nothing (the queries are scoped by `scope_prefix`)."""

import datetime
from dataclasses import dataclass
from typing import Any, cast

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from oneseal.actors import User
from oneseal.audit.actions import record
from oneseal.calendars.queries import current_calendar
from oneseal.calendars.queries import today as business_today
from oneseal.cases import uploads
from oneseal.errors import InvalidTransition, NotPermitted, fail_fields
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role, scope_prefix, staff_of
from oneseal.regions.models import Region

from .models import Milestone, ProgressReport, Reform, ReformTask, TaskStatus

# A task this many working days from its deadline is flagged as due soon.
DUE_SOON = 3


def _require_office(actor: User, region: Region) -> None:
    if not (has_role(actor, Role.SIGNATORY, region) or has_role(actor, Role.ADMINISTRATOR, region)):
        raise NotPermitted()


def _require_member(actor: User, region: Region) -> None:
    if getattr(actor, "is_superuser", False) and actor.is_active:
        return
    staff = staff_of(actor)
    if staff is None or not actor.is_active or not staff.region.contains(region):
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
    milestones: list[tuple[str, Any]] = (),  # type: ignore[assignment]
) -> Reform:
    """A reform with its phases; each milestone a (name, due date) pair."""
    _require_office(actor, region)
    errors: dict[str, list[str]] = {}
    name, plan_document = _text(name), _text(plan_document)
    if not name:
        errors["name"] = [_("请填写改革名称")]
    if not plan_document:
        errors["plan_document"] = [_("请填写实施方案")]
    phases = []
    for index, (phase, due) in enumerate(milestones):
        due_on = _date(due, f"milestones[{index}]", errors)
        if not _text(phase):
            errors[f"milestones[{index}]"] = [_("请填写阶段名称")]
        phases.append((_text(phase), due_on))
    fail_fields(errors)
    reform = Reform.objects.create(
        region=region,
        region_code=region.code,
        name=name,
        plan_document=plan_document,
        created_by=actor,
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


@transaction.atomic
def add_task(
    reform: Reform,
    *,
    actor: User,
    title: str,
    lead_unit: str,
    deadline: Any,
    helping_units: str = "",
    milestone: Milestone | None = None,
) -> ReformTask:
    _require_office(actor, reform.region)
    errors: dict[str, list[str]] = {}
    title, lead_unit = _text(title), _text(lead_unit)
    if not title:
        errors["title"] = [_("请填写任务内容")]
    if not lead_unit:
        errors["lead_unit"] = [_("请填写牵头单位")]
    due = _date(deadline, "deadline", errors)
    if milestone is not None and milestone.reform_id != reform.pk:
        errors["milestone"] = [_("该阶段不属于本次改革")]
    elif milestone is not None and due and due > milestone.due_on:
        errors["deadline"] = [_("任务时限不能晚于所属阶段的时限（{d}）").format(d=milestone.due_on)]
    fail_fields(errors)
    task = ReformTask.objects.create(
        reform=reform,
        milestone=milestone,
        title=title,
        lead_unit=lead_unit,
        helping_units=_text(helping_units),
        deadline=due,
    )
    record(
        "transfers.task_added",
        actor=actor,
        subject=task,
        region_code=reform.region_code,
        summary=title,
        data={"lead_unit": lead_unit, "deadline": str(due)},
    )
    return task


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
    _require_member(actor, task.reform.region)
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
    report = ProgressReport(task=task, reported_by=actor, reported_on=on, text=text, percent=value)
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


def task_line(task: ReformTask, today: datetime.date, calendar=None) -> TaskLine:
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
    tasks = reform.tasks.select_related("milestone").prefetch_related("reports")
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
