"""The reform office's and the lead units' pages of the task table (任务分工): a new reform
with its phases, a task's page with its progress reports (attachments checked by type and
size before anything is stored) and its status, and the attachments themselves. Reads are
scoped by region through `tasks.visible_reforms`; every write calls one action in `tasks`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from oneseal.calendars.queries import today
from oneseal.errors import DomainError
from oneseal.interface.forms import add_domain_error
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role, staff_of

from . import tasks
from .forms_reform import ReformForm, ReportForm, StatusForm, milestone_lines
from .models import ProgressReport, ReformTask


def office_region(user):
    """The region whose reform office the user belongs to (its signatory or administrator)."""
    staff = staff_of(user)
    if staff is None:
        return None
    region = staff.region
    if has_role(user, Role.SIGNATORY, region) or has_role(user, Role.ADMINISTRATOR, region):
        return region
    return None


def _milestone_errors(error: DomainError) -> DomainError:
    # The action names each phase line ("milestones[2]"); the page has one field for them.
    moved: dict[str, list[str]] = {}
    for field, problems in error.fields.items():
        if field.startswith("milestones["):
            line = int(field[len("milestones[") : -1]) + 1
            moved.setdefault("milestones", []).extend(
                _("第{n}行：{problem}").format(n=line, problem=p) for p in problems
            )
        else:
            moved.setdefault(field, []).extend(problems)
    error.fields = moved
    return error


@login_required
@require_http_methods(["GET", "POST"])
def new_reform(request):
    region = office_region(request.user)
    if region is None:
        raise Http404()
    form = ReformForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reform = tasks.create_reform(
                region,
                actor=request.user,
                name=data["name"],
                plan_document=data["plan_document"],
                milestones=milestone_lines(data["milestones"]),
            )
        except DomainError as e:
            add_domain_error(form, _milestone_errors(e))
        else:
            messages.success(request, _("已建立改革：{name}").format(name=reform.name))
            return redirect("transfers:reform", pk=reform.pk)
    return render(request, "transfers/reform_new.html", {"form": form, "region": region})


def _visible_task(user, pk: int) -> ReformTask:
    return get_object_or_404(
        ReformTask.objects.filter(reform__in=tasks.visible_reforms(user))
        .select_related("reform__region", "milestone", "lead_bureau", "lead_department")
        .prefetch_related("helping_bureaus", "helping_departments"),
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def task(request, pk: int):
    found = _visible_task(request.user, pk)
    may_report = tasks.may_report(request.user, found)
    report_form = ReportForm(prefix="report") if may_report else None
    status_form = (
        StatusForm(prefix="status", initial={"status": found.status}) if may_report else None
    )
    if request.method == "POST":
        if not may_report:
            raise Http404()
        if "status-status" in request.POST:
            status_form = StatusForm(request.POST, prefix="status")
            if status_form.is_valid():
                try:
                    tasks.set_task_status(
                        found, actor=request.user, status=status_form.cleaned_data["status"]
                    )
                except DomainError as e:
                    add_domain_error(status_form, e)
                else:
                    messages.success(request, _("任务状态已更新"))
                    return redirect("transfers:task", pk=pk)
        else:
            report_form = ReportForm(request.POST, request.FILES, prefix="report")
            if report_form.is_valid():
                data = report_form.cleaned_data
                try:
                    tasks.report_progress(
                        found,
                        actor=request.user,
                        text=data["text"],
                        percent=data["percent"],
                        upload=data["file"],
                    )
                except DomainError as e:
                    add_domain_error(report_form, e)
                else:
                    messages.success(request, _("进展已报告"))
                    return redirect("transfers:task", pk=pk)
    on = today()
    return render(
        request,
        "transfers/task.html",
        {
            "task": found,
            "line": tasks.task_line(found, on),
            "reports": found.reports.select_related("reported_by__staff"),
            "report_form": report_form if found.status != "done" else None,
            "status_form": status_form,
            "today": on,
        },
    )


@login_required
def report_file(request, pk: int):
    report = get_object_or_404(
        ProgressReport.objects.filter(task__reform__in=tasks.visible_reforms(request.user)),
        pk=pk,
    )
    if not report.file:
        raise Http404()
    return FileResponse(
        default_storage.open(report.file, "rb"),
        content_type=report.content_type or "application/octet-stream",
        as_attachment=True,
        filename=report.file_name or f"report-{report.pk}",
    )
