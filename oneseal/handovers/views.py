"""The hand-over pages: the report per department with its hand-overs and, for the bureau's
clerks, the import of a department's register; a hand-over's page with its cases, papers and
what is missing, where the department confirms the checklist. Scoped by `queries`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oneseal.actors import User
from oneseal.calendars.queries import today
from oneseal.cases.queries import is_scoped_staff
from oneseal.catalogue.importing.columns import ImportRejected
from oneseal.errors import DomainError
from oneseal.interface.files import xlsx_response
from oneseal.interface.forms import add_domain_error
from oneseal.organisation.models import Bureau, Department, Role
from oneseal.organisation.rules import has_role, staff_of

from . import actions, queries, sheets
from .forms import ImportForm


def _importing_bureau(user: User) -> Bureau | None:
    """The bureau whose clerk the user is (the one a register is imported into)."""
    staff = staff_of(user)
    if staff is None or staff.bureau is None or not has_role(user, Role.CLERK, staff.bureau.region):
        return None
    return staff.bureau


@login_required
def handover_list(request: HttpRequest) -> HttpResponseBase:
    if not is_scoped_staff(request.user):
        raise Http404()
    on = today()
    rows = queries.report(request.user, on)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            sheets.report_workbook(rows, on),
            filename=f"在办件移交情况-{on.isoformat()}.xlsx",
            ascii_filename=f"handover-report-{on.isoformat()}.xlsx",
        )
    bureau = _importing_bureau(request.user)
    form = problems = None
    if bureau is not None:
        departments = Department.objects.filter(region__code__startswith=bureau.region.prefix)
        form = ImportForm(request.POST or None, request.FILES or None, departments=departments)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                handover = actions.import_handover(
                    data["file"],
                    actor=request.user,
                    bureau=bureau,
                    department=data["department"],
                    handed_over_by=data["handed_over_by"],
                    name=data["file"].name,
                    note=data["note"],
                )
            except ImportRejected as e:
                problems = e.problems
                form.add_error(None, str(e.message))
            except DomainError as e:
                add_domain_error(form, e)
            else:
                messages.success(
                    request,
                    _("已接收{department}移交的在办件{n}件").format(
                        department=handover.department.name, n=handover.cases.count()
                    ),
                )
                return redirect("handovers:detail", pk=handover.pk)
    elif request.method == "POST":
        raise Http404()
    return render(
        request,
        "handovers/list.html",
        {
            "rows": rows,
            "on": on,
            "handovers": queries.visible_handovers(request.user)[:100],
            "form": form,
            "problems": problems,
        },
    )


@login_required
def handover_detail(request: HttpRequest, pk: int) -> HttpResponse:
    handover = get_object_or_404(queries.visible_handovers(request.user), pk=pk)
    staff = staff_of(request.user)
    may_confirm = (
        staff is not None
        and staff.department_id == handover.department_id
        and not actions.confirm_blockers(handover)
    )
    cases = handover.cases.select_related("case__handling_item", "case__applicant").order_by("row")
    return render(
        request,
        "handovers/detail.html",
        {"handover": handover, "cases": cases, "may_confirm": may_confirm, "on": today()},
    )


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    handover = get_object_or_404(queries.visible_handovers(request.user), pk=pk)
    try:
        actions.confirm_handover(handover, actor=request.user)
    except DomainError as e:
        messages.error(request, str(e.message))
    else:
        messages.success(request, _("已确认移交清单"))
    return redirect("handovers:detail", pk=handover.pk)
