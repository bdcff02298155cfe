"""The reform office's pages: the reforms in scope, a reform's task table with its phases and
warnings (and as xlsx, for the leaders), and a rollout's city dashboard. Reads go through
`tasks` and `rollout`, scoped by region; anyone outside is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from oneseal.calendars.queries import today
from oneseal.errors import DomainError
from oneseal.interface.files import xlsx_response
from oneseal.interface.forms import add_domain_error
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role, scope_prefix
from oneseal.spreadsheets import append, to_bytes

from . import rollout, tasks
from .forms_reform import MilestoneForm, TaskForm
from .views_tasks import office_region


def _scoped(request) -> None:
    if scope_prefix(request.user) is None:
        raise Http404()


@login_required
def reforms(request):
    _scoped(request)
    return render(
        request,
        "transfers/reforms.html",
        {
            "reforms": tasks.visible_reforms(request.user),
            "rollouts": rollout.visible_rollouts(request.user),
            "may_start_rollout": rollout.startable_cities(request.user).exists(),
            "may_create": office_region(request.user) is not None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def reform(request, pk: int):
    _scoped(request)
    found = get_object_or_404(tasks.visible_reforms(request.user), pk=pk)
    office = has_role(request.user, Role.SIGNATORY, found.region) or has_role(
        request.user, Role.ADMINISTRATOR, found.region
    )
    milestone_form = MilestoneForm(prefix="phase") if office else None
    task_form = TaskForm(prefix="task", reform=found) if office else None
    if request.method == "POST":
        if not office:
            raise Http404()
        if "phase-name" in request.POST:
            milestone_form = MilestoneForm(request.POST, prefix="phase")
            if milestone_form.is_valid():
                try:
                    tasks.add_milestone(found, actor=request.user, **milestone_form.cleaned_data)
                except DomainError as e:
                    add_domain_error(milestone_form, e)
                else:
                    messages.success(request, _("阶段已添加"))
                    return redirect("transfers:reform", pk=pk)
        else:
            task_form = TaskForm(request.POST, prefix="task", reform=found)
            if task_form.is_valid():
                try:
                    tasks.add_task(found, actor=request.user, **task_form.action_kwargs())
                except DomainError as e:
                    add_domain_error(task_form, e)
                else:
                    messages.success(request, _("任务已添加"))
                    return redirect("transfers:reform", pk=pk)
    on = today()
    lines = tasks.task_table(found, on)
    if request.GET.get("format") == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("任务分工"))
        append(
            sheet,
            [_("任务"), _("阶段"), _("牵头单位"), _("配合单位"), _("完成时限"), _("状态"),
             _("完成进度（%）"), _("预警")],
        )  # fmt: skip
        for line in lines:
            t = line.task
            append(
                sheet,
                [t.title, t.milestone.name if t.milestone else "", t.lead_unit_name,
                 t.helping_unit_names, t.deadline, t.get_status_display(), t.percent, line.warning],
            )  # fmt: skip
        return xlsx_response(
            to_bytes(book),
            filename=f"{found.name}任务分工（{on.isoformat()}）.xlsx",
            ascii_filename=f"reform-tasks-{on.isoformat()}.xlsx",
        )
    return render(
        request,
        "transfers/reform.html",
        {
            "reform": found,
            "lines": lines,
            "phases": tasks.phases(found, lines),
            "today": on,
            "milestone_form": milestone_form,
            "task_form": task_form,
        },
    )


@login_required
def rollout_dashboard(request, pk: int):
    _scoped(request)
    found = get_object_or_404(rollout.visible_rollouts(request.user), pk=pk)
    return render(
        request,
        "transfers/rollout.html",
        {"rollout": found, "lines": rollout.dashboard(found, request.user)},
    )
