"""The shared-step pages: a project's joint steps (and the form that opens one), a step's page
(its parties and what each said, attaching cases, asking a department, a section's result,
concluding), the sealed report, and the report's public check page. Staff of the project's
region read them (a project outside one's scope is a 404); the actions decide who may act."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from oneseal.calendars.queries import today
from oneseal.cases.models import OPEN_STATES, Case
from oneseal.cases.queries import Viewer, is_scoped_staff, visible_cases
from oneseal.errors import DomainError, NotPermitted
from oneseal.interface.forms import add_domain_error
from oneseal.organisation.models import Department, Role, Section
from oneseal.organisation.rules import has_role, staff_of

from . import joint_actions, queries
from .joint_forms import (
    AskDepartmentForm,
    AttachCasesForm,
    ConcludeForm,
    OpenJointStepForm,
    SectionResultForm,
)
from .models import JointStep, Project


def _project(user: Viewer, pk: int) -> Project:
    if not is_scoped_staff(user):
        raise Http404
    return get_object_or_404(queries.visible_projects(user), pk=pk)


def _step(user: Viewer, pk: int) -> JointStep:
    if not is_scoped_staff(user):
        raise Http404
    return get_object_or_404(
        JointStep.objects.select_related(
            "project__region", "project__owner", "template", "bureau"
        ).filter(project__in=queries.visible_projects(user)),
        pk=pk,
    )


def _owner_cases(user: Viewer, project: Project) -> QuerySet[Case]:
    return (
        visible_cases(user)
        .filter(
            applicant=project.owner,
            region__code__startswith=project.region.code,
            state__in=OPEN_STATES,
        )
        .select_related("handling_item")
        .order_by("number")
    )


def _open_form(user: Viewer, project: Project, data: QueryDict | None = None) -> OpenJointStepForm:
    return OpenJointStepForm(
        data,
        templates=queries.published_templates(project.region),
        sections=Section.objects.filter(bureau__region=project.region).order_by("name"),
        cases=_owner_cases(user, project),
        providers=queries.qualified_providers(today()),
    )


@login_required
def project_joint_steps(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request.user, pk)
    form = None
    if has_role(request.user, Role.REVIEWER, project.region) or has_role(
        request.user, Role.SIGNATORY, project.region
    ):
        form = _open_form(request.user, project, request.POST or None)
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("只有审查人员或签批领导可以组织联合环节"))
        if form.is_valid():
            try:
                step = joint_actions.open_joint_step(
                    project, actor=request.user, **form.cleaned_data
                )
            except NotPermitted as error:
                raise PermissionDenied(str(error.message)) from error
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("联合环节已发起"))
                return redirect("projects:joint-step", pk=step.pk)
        status = 400
    steps = project.joint_steps.order_by("stage", "kind")
    return render(
        request,
        "projects/joint_steps.html",
        {"project": project, "steps": steps, "form": form},
        status=status,
    )


def _step_page(
    request: HttpRequest,
    step: JointStep,
    *,
    forms: dict[object, Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    forms = forms or {}
    is_open = step.state == JointStep.StepState.OPEN
    lead = is_open and joint_actions.may_lead(user, step, step.template)
    staff = staff_of(user)
    rows = joint_actions.party_rows(step)
    for row in rows:
        party = row["party"]
        row["may_record"] = (
            is_open
            and party.section_id is not None
            and staff is not None
            and staff.section_id == party.section_id
            and has_role(user, Role.REVIEWER, step.project.region)
        )
        row["form"] = forms.get(("party", party.pk)) or SectionResultForm(
            initial={"section": party.section_id}, prefix=f"s{party.pk}"
        )
    context = {
        "step": step,
        "rows": rows,
        "cases": step.cases.select_related("handling_item").order_by("number"),
        "lead": lead,
        "may_conclude": is_open and has_role(user, Role.SIGNATORY, step.project.region),
        "conclude_blockers": joint_actions.conclude_blockers(step),
        "attach_form": forms.get("attach")
        or AttachCasesForm(cases=_owner_cases(user, step.project).exclude(joint_steps=step)),
        "ask_form": forms.get("ask") or AskDepartmentForm(departments=_departments(step)),
        "conclude_form": forms.get("conclude") or ConcludeForm(),
        "silence": joint_actions.silence_rule_of(step.template),
    }
    return render(request, "projects/joint_step.html", context, status=status)


def _departments(step: JointStep) -> QuerySet[Department]:
    return Department.objects.filter(region__code__startswith=step.project.region.code[:6])


@login_required
def joint_step(request: HttpRequest, pk: int) -> HttpResponse:
    step = _step(request.user, pk)
    if request.method != "POST":
        return _step_page(request, step)
    op = request.POST.get("op")
    user = request.user
    forms: dict[object, Form] = {}
    form: Form
    try:
        if op == "attach":
            form = forms["attach"] = AttachCasesForm(
                request.POST, cases=_owner_cases(user, step.project)
            )
            if form.is_valid():
                joint_actions.attach_cases(step, actor=user, cases=form.cleaned_data["cases"])
                messages.success(request, _("办件已加入"))
                return redirect("projects:joint-step", pk=step.pk)
        elif op == "ask":
            form = forms["ask"] = AskDepartmentForm(request.POST, departments=_departments(step))
            if form.is_valid():
                joint_actions.ask_department(step, actor=user, **form.cleaned_data)
                messages.success(request, _("征求意见已发出"))
                return redirect("projects:joint-step", pk=step.pk)
        elif op == "section":
            party_pk = request.POST.get("party", "")
            prefix = f"s{party_pk}"
            form = SectionResultForm(request.POST, prefix=prefix)
            if party_pk.isdigit():
                forms[("party", int(party_pk))] = form
            if form.is_valid():
                section = get_object_or_404(
                    Section, pk=form.cleaned_data["section"], bureau=step.bureau
                )
                joint_actions.record_section_result(
                    step,
                    section,
                    actor=user,
                    result=form.cleaned_data["result"],
                    findings=form.cleaned_data["findings"],
                )
                messages.success(request, _("意见已记录"))
                return redirect("projects:joint-step", pk=step.pk)
        elif op == "conclude":
            form = forms["conclude"] = ConcludeForm(request.POST)
            if form.is_valid():
                joint_actions.conclude_joint_step(step, actor=user, **form.cleaned_data)
                messages.success(request, _("报告已出具"))
                return redirect("projects:joint-step", pk=step.pk)
        else:
            raise Http404
    except NotPermitted as error:
        raise PermissionDenied(str(error.message)) from error
    except DomainError as error:
        add_domain_error(form, error)
    step.refresh_from_db()
    return _step_page(request, step, forms=forms, status=400)


@login_required
def joint_report(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The signed report: staff of the region and the owner's accounts (visible projects)."""
    step = get_object_or_404(
        JointStep.objects.filter(project__in=queries.visible_projects(request.user)), pk=pk
    )
    if not step.report_file:
        raise Http404
    return FileResponse(
        step.report_file.open("rb"),
        content_type="application/pdf",
        filename=f"{step.report_number}.pdf",
    )


def report_check(request: HttpRequest, code: str) -> HttpResponse:
    """Public: what the QR code on a report opens — the report's number, kind, project and
    date, so a printed copy can be matched with the record."""
    step = get_object_or_404(
        JointStep.objects.select_related("project", "bureau").exclude(report_code=""),
        report_code=code.upper(),
    )
    return render(request, "projects/report_check.html", {"step": step})
