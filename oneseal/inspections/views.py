"""Site-inspection pages. For inspectors in the field, on a phone: today's visits, the visit's
page (begin, checklist, photos from the camera, parties, conclusion, signature, completion).
For the office: scheduling from the case page, joint scheduling for a project's stage, the
checklist of a handling item. For the applicant: changing the agreed time from the portal.
For a drawn expert sent on a visit: the same visit's page, under their own page, until their
signature is in. Every view loads through `queries.visible_inspections` (or, for an expert,
`queries.expert_inspections`; else 404) and calls one action."""

from collections.abc import Iterable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oneseal.calendars.queries import today as today_
from oneseal.cases.models import Case
from oneseal.cases.queries import visible_cases
from oneseal.catalogue.models import HandlingItem
from oneseal.errors import DomainError
from oneseal.experts.models import Assignment, Expert
from oneseal.interface.forms import add_domain_error
from oneseal.organisation.models import Bureau, Department, Role, Section, Staff
from oneseal.organisation.rules import has_role
from oneseal.projects.models import Stage
from oneseal.projects.queries import visible_projects

from . import actions, forms, queries
from .models import Finding, Inspection, Photo


def _staff_only(request: HttpRequest) -> None:
    if not queries.is_staff_viewer(request.user):
        raise Http404


def _inspector_choices(
    bureau_id: int | None, region_code: str, department_ids: Iterable[int | None] = ()
) -> list:
    """Who may be sent: the bureau's reviewers and signatories, and supervisors of the
    supervising departments (the action checks each against every case covered)."""
    staff = (
        Staff.objects.filter(user__is_active=True)
        .filter(
            Q(bureau_id=bureau_id, roles__role__in=[Role.REVIEWER, Role.SIGNATORY])
            | Q(department_id__in=list(department_ids), roles__role=Role.SUPERVISOR)
        )
        .select_related("user", "section", "department")
        .distinct()
        .order_by("section__name", "display_name")
    )
    return [
        (str(s.user_id), f"{s.display_name}（{(s.section or s.department or s.bureau or '')}）")
        for s in staff
        if region_code.startswith(s.region.prefix)
    ]


def _expert_choices(cases: Iterable[Case]) -> list:
    """The experts who may go along (`queries.expert_seats`), each once."""
    seats: dict[int, Assignment] = {}
    for seat in queries.expert_seats(cases):
        seats.setdefault(seat.expert_id, seat)
    return [
        (str(a.expert_id), f"{a.expert.name}（{a.review.field.name}，{a.expert.employer_name}）")
        for a in seats.values()
    ]


def _experts(ids: Iterable[str]) -> list[Expert]:
    return list(Expert.objects.filter(pk__in=[int(i) for i in ids]).order_by("id"))


def _users(ids: Iterable[str]) -> list:
    found = get_user_model().objects.select_related("staff").in_bulk([int(i) for i in ids])
    return [found[int(i)] for i in ids if int(i) in found]


@login_required
def today(request: HttpRequest) -> HttpResponse:
    """The inspector's list of the day (and visits begun and not finished), then the other
    open visits of their region."""
    _staff_only(request)
    day = today_()
    mine = list(queries.todays_inspections(request.user, day))
    others = [i for i in queries.upcoming(request.user)[:100] if i not in mine]
    organiser = any(has_role(request.user, r) for r in actions.ORGANISING_ROLES)
    return render(
        request,
        "inspections/today.html",
        {
            "mine": mine,
            "others": others,
            "day": day,
            # Where a joint inspection is scheduled from: the projects in the user's scope.
            "projects": list(visible_projects(request.user)[:50]) if organiser else [],
            "surveyed": queries.surveyed_items(request.user, day)
            if has_role(request.user, Role.CATALOGUE_ADMIN)
            else [],
        },
    )


@login_required
def schedule(request: HttpRequest, case_id: int) -> HttpResponse:
    _staff_only(request)
    case = get_object_or_404(visible_cases(request.user), pk=case_id)
    hi = case.handling_item
    choices = _inspector_choices(
        case.bureau_id, case.region_code, [hi.item_version.original_department_id]
    )
    form = forms.ScheduleForm(
        request.POST or None, inspector_choices=choices, expert_choices=_expert_choices([case])
    )
    if request.method == "POST" and form.is_valid():
        try:
            inspection = actions.schedule_inspection(
                case,
                actor=request.user,
                at=form.cleaned_data["at"],
                place=form.cleaned_data["place"],
                expected_days=form.cleaned_data["expected_days"],
                inspectors=_users(form.cleaned_data["inspectors"]),
                experts=_experts(form.cleaned_data.get("experts", [])),
            )
        except DomainError as e:
            add_domain_error(form, e)
        else:
            messages.success(
                request, _("已安排现场勘验，预约码 {code}").format(code=inspection.code)
            )
            return redirect("inspections:detail", pk=inspection.pk)
    return render(
        request,
        "inspections/schedule.html",
        {"form": form, "case": case, "checklist": queries.checklist_for(hi)},
    )


@login_required
def schedule_joint(request: HttpRequest, project_id: int) -> HttpResponse:
    _staff_only(request)
    project = get_object_or_404(visible_projects(request.user), pk=project_id)
    cases = (
        visible_cases(request.user)
        .filter(applicant=project.owner, state__in=["accepted", "suspended"])
        .select_related("handling_item")
        .order_by("number")
    )
    bureau_id = Bureau.objects.filter(region=project.region).values_list("pk", flat=True).first()
    sections = (
        Section.objects.filter(bureau_id=bureau_id) if bureau_id else Section.objects.none()
    ).order_by("name")
    departments = Department.objects.filter(
        region__code__in=[project.region.code[:n].ljust(6, "0") for n in (2, 4, 6)]
    ).order_by("order", "name")
    form = forms.JointScheduleForm(
        request.POST or None,
        inspector_choices=_inspector_choices(
            bureau_id or 0, project.region.code, departments.values_list("pk", flat=True)
        ),
        stages=Stage.choices,
        cases=[(str(c.pk), f"{c.number} {c.handling_item.name}") for c in cases],
        sections=[(str(s.pk), s.name) for s in sections],
        departments=[(str(d.pk), d.name) for d in departments],
        expert_choices=_expert_choices(cases),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = actions.schedule_joint_inspection(
                project,
                actor=request.user,
                stage=data["stage"],
                cases=list(cases.filter(pk__in=data["cases"])),
                sections=list(sections.filter(pk__in=data["sections"])),
                departments=list(departments.filter(pk__in=data["departments"])),
                at=data["at"],
                place=data["place"],
                expected_days=data["expected_days"],
                inspectors=_users(data["inspectors"]),
                experts=_experts(data.get("experts", [])),
            )
        except DomainError as e:
            add_domain_error(form, e)
        else:
            messages.success(
                request, _("已安排联合勘验，预约码 {code}").format(code=inspection.code)
            )
            return redirect("inspections:detail", pk=inspection.pk)
    return render(request, "inspections/joint.html", {"form": form, "project": project})


def _detail_context(
    request: HttpRequest, inspection: Inspection, *, expert_view: bool = False, **forms_given: Any
) -> dict:
    inspection = queries.detail(Inspection.objects.filter(pk=inspection.pk)).get()
    digest = queries.current_digest(inspection)
    user = request.user
    is_inspector = any(i.user_id == user.pk for i in inspection.inspectors.all())
    findings = list(inspection.findings.all())
    return {
        "inspection": inspection,
        "findings": findings,
        "result_choices": Finding.Result.choices,
        "signatures": [(i, i.confirmed_digest == digest) for i in inspection.inspectors.all()],
        "is_inspector": is_inspector,
        "may_organise": actions.may_organise(user, inspection),
        "photo_form": forms_given.get("photo")
        or forms.PhotoForm(findings=[(f.order, f"{f.order}. {f.text}") for f in findings]),
        "conclusion_form": forms_given.get("conclusion")
        or forms.ConclusionForm(initial={"conclusion": inspection.conclusion}),
        "reschedule_form": forms_given.get("reschedule") or forms.RescheduleForm(),
        "cancel_form": forms_given.get("cancel") or forms.ReasonForm(),
        "errors": forms_given.get("errors", []),
        "start_blockers": actions.start_blockers(inspection, today_()),
        "confirm_blockers": actions.confirm_blockers(inspection),
        "complete_blockers": actions.complete_blockers(inspection),
        "reschedule_blockers": actions.reschedule_blockers(inspection, "bureau"),
        "expert_view": expert_view,
    }


# What a drawn expert does on the visit's page: the inspectors' work, nothing of the organiser's.
EXPERT_OPS = ("finding", "party", "photo", "conclusion", "confirm")


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The visit's page. Each form posts `op` and calls one action; a refusal is shown on the
    page with the reason, nothing stored is lost."""
    expert_view = not queries.is_staff_viewer(request.user)
    if expert_view:
        found = queries.expert_inspection(request.user, pk)
        if found is None:
            raise Http404
        inspection = found
    else:
        inspection = get_object_or_404(queries.visible_inspections(request.user), pk=pk)
    given: dict = {}
    if request.method == "POST":
        op, user, post = request.POST.get("op"), request.user, request.POST
        if expert_view and op not in EXPERT_OPS:
            raise Http404
        form: django_forms.Form
        try:
            if op == "start":
                actions.start_inspection(inspection, actor=user)
            elif op == "finding":
                form = forms.FindingForm(post)
                if not form.is_valid():
                    raise_form(form)
                actions.record_finding(inspection, actor=user, **form.cleaned_data)
            elif op == "party":
                party = get_object_or_404(inspection.parties, pk=post.get("party"))
                form = forms.PartyForm(post)
                if not form.is_valid():
                    raise_form(form)
                actions.record_party(inspection, party, actor=user, **form.cleaned_data)
            elif op == "photo":
                findings = [(f.order, f.text) for f in inspection.findings.all()]
                form = given["photo"] = forms.PhotoForm(post, request.FILES, findings=findings)
                if form.is_valid():
                    actions.upload_photo(
                        inspection,
                        actor=user,
                        upload=form.cleaned_data["file"],
                        finding_order=form.cleaned_data["finding"],
                        caption=form.cleaned_data["caption"],
                    )
                    given.pop("photo")
            elif op == "conclusion":
                form = given["conclusion"] = forms.ConclusionForm(post)
                if form.is_valid():
                    actions.record_conclusion(inspection, actor=user, **form.cleaned_data)
                    given.pop("conclusion")
            elif op == "confirm":
                actions.confirm(inspection, actor=user)
            elif op == "complete":
                actions.complete_inspection(inspection, actor=user)
            elif op == "reschedule":
                form = given["reschedule"] = forms.RescheduleForm(post)
                if form.is_valid():
                    actions.reschedule(inspection, actor=user, **form.cleaned_data)
                    given.pop("reschedule")
            elif op == "cancel":
                form = given["cancel"] = forms.ReasonForm(post)
                if form.is_valid():
                    actions.cancel_inspection(inspection, actor=user, **form.cleaned_data)
                    given.pop("cancel")
            else:
                raise Http404
        except DomainError as e:
            target = given.get(op)
            if target is not None:
                add_domain_error(target, e)
            else:
                given["errors"] = [str(e.message), *[r for r in e.reasons if r != e.message]] + [
                    m for msgs in e.fields.values() for m in msgs if m != e.message
                ]
        if not any(k in given for k in ("photo", "conclusion", "reschedule", "cancel", "errors")):
            if expert_view and op == "confirm":
                # Their finding is in: the visit leaves the expert's view with it.
                messages.success(request, _("已签名，勘验记录已提交"))
                return redirect("experts:mine")
            messages.success(request, _("已保存"))
            return redirect(reverse("inspections:detail", args=[pk]) + f"#{op}")
        status = 400
    else:
        status = 200
    return render(
        request,
        "inspections/expert.html" if expert_view else "inspections/detail.html",
        _detail_context(request, inspection, expert_view=expert_view, **given),
        status=status,
    )


def raise_form(form: django_forms.Form) -> None:
    """A page form that did not parse, as the domain's field error."""
    from oneseal.errors import fail_fields

    fail_fields({name: [str(m) for m in msgs] for name, msgs in form.errors.items()})


@login_required
@require_POST
def applicant_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant changes the agreed time from the portal's case page (once)."""
    inspection = get_object_or_404(queries.visible_inspections(request.user), pk=pk)
    form = forms.RescheduleForm(request.POST)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("portal:my_cases")
    if form.is_valid():
        try:
            actions.reschedule(inspection, actor=request.user, **form.cleaned_data)
        except DomainError as e:
            add_domain_error(form, e)
    if form.errors:
        return render(
            request,
            "inspections/reschedule.html",
            {"form": form, "inspection": inspection, "next": back},
            status=400,
        )
    messages.success(request, _("勘验时间已改期"))
    return redirect(back)


@login_required
def photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A photo's file, for staff who see its inspection and the drawn experts sent on it while
    they see it."""
    if queries.is_staff_viewer(request.user):
        row = get_object_or_404(
            Photo.objects.filter(inspection__in=queries.visible_inspections(request.user)), pk=pk
        )
    else:
        row = get_object_or_404(
            Photo.objects.filter(
                inspection_id__in=[i.pk for i in queries.expert_inspections(request.user)]
            ),
            pk=pk,
        )
    return FileResponse(row.file.open("rb"), content_type=row.content_type)


@login_required
def checklist(request: HttpRequest, handling_item_id: int) -> HttpResponse:
    """The catalogue administrator keeps a handling item's checklist."""
    _staff_only(request)
    hi = get_object_or_404(
        HandlingItem.objects.select_related("item_version__item__catalogue__region"),
        pk=handling_item_id,
    )
    region = hi.item_version.item.catalogue.region
    if not has_role(request.user, Role.CATALOGUE_ADMIN, region):
        raise Http404
    current = queries.checklist_for(hi)
    initial = "\n".join(f"{c.text}｜{c.guidance}" if c.guidance else c.text for c in current)
    form = forms.ChecklistForm(request.POST or None, initial={"lines": initial})
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_checklist(hi, actor=request.user, lines=form.parsed())
        except DomainError as e:
            add_domain_error(form, e)
        else:
            messages.success(request, _("核查要点已保存"))
            return redirect("inspections:checklist", handling_item_id=hi.pk)
    return render(
        request,
        "inspections/checklist.html",
        {"form": form, "hi": hi, "lines": current, "now": timezone.now()},
    )
