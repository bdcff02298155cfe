"""Pages of the bundled applications: a project with its stages and clocks, applying for a
stage (a clerk at the window, the owner online), a stage's page with every case and signed
document, a life event's page with its one application, and the tracking page of a bundle.
Each reads through the scoped queries and writes through one action; refusals come back on
the form by field."""

import uuid
from collections.abc import Sequence

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from oneseal.applicants.models import Applicant
from oneseal.applicants.queries import represented
from oneseal.calendars.queries import today
from oneseal.cases.models import Channel, Licence
from oneseal.cases.queries import is_scoped_staff, visible_cases
from oneseal.catalogue.life_events import offered_life_events
from oneseal.documents.queries import visible_documents
from oneseal.errors import DomainError
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role

from . import bundles, queries, stages
from .bundles import MaterialGroup
from .life_events import apply_for_life_event, question_field
from .models import Bundle, Project, StageApplication


def _project(request: HttpRequest, pk: int) -> Project:
    return get_object_or_404(queries.visible_projects(request.user), pk=pk)


def _members(request: HttpRequest, bundle: Bundle) -> list[dict]:
    """Each case of the bundle as the user may see it, with its signed documents."""
    seen = set(visible_cases(request.user).values_list("pk", flat=True))
    staff = is_scoped_staff(request.user)
    documents: dict[int, list] = {}
    for d in (
        visible_documents(request.user)
        .filter(case__bundle_member__bundle=bundle)
        .order_by("issued_at", "id")
    ):
        documents.setdefault(d.case_id, []).append(d)
    out = []
    for m in bundle.members.select_related("case__handling_item").order_by("order", "id"):
        if m.case_id not in seen:
            continue
        out.append(
            {
                "case": m.case,
                "required": m.required,
                "documents": documents.get(m.case_id, []),
                "url": reverse("workbench:case", args=[m.case_id])
                if staff
                else reverse("portal:my_case", args=[m.case_id]),
            }
        )
    return out


def _parse(
    request: HttpRequest, groups: list[MaterialGroup]
) -> tuple[dict[str, UploadedFile], dict[str, str]]:
    files = {g.field: f for g in groups if (f := request.FILES.get(g.field)) is not None}
    reuse = {g.field: r for g in groups if (r := request.POST.get(f"reuse-{g.field}"))}
    return files, reuse


def _form_context(
    groups: list[MaterialGroup], licences: Sequence[Licence], errors: dict[str, list[str]]
) -> dict[str, object]:
    for g in groups:
        g.errors = errors.get(g.field, [])
    return {
        "groups": groups,
        "licences": licences,
        "errors": errors,
        "key": uuid.uuid4().hex,
    }


@login_required
def my_projects(request: HttpRequest) -> HttpResponse:
    """The owner's projects: those of the organisations the account acts for."""
    projects = queries.visible_projects(request.user)
    bundles_ = queries.visible_bundles(request.user).filter(kind=Bundle.Kind.LIFE_EVENT)
    return render(
        request,
        "projects/mine.html",
        {"projects": projects, "life_event_applications": bundles_.order_by("-received_at")[:50]},
    )


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    on = today()
    applications = list(project.stages.select_related("bundle", "template").order_by("stage", "id"))
    rows = [{"application": a, "clock": queries.stage_clock_of(a, on)} for a in applications]
    templates = [
        t
        for t in queries.published_templates(project.region)
        if project.kind in (t.project_kinds or [])
    ]
    channel = Channel.WINDOW if has_role(request.user, Role.CLERK) else Channel.ONLINE
    return render(
        request,
        "projects/project.html",
        {
            "project": project,
            "rows": rows,
            "clock": queries.project_clock_of(project, on),
            "templates": templates,
            "may_apply": stages.may_apply(request.user, project, channel=channel),
        },
    )


@login_required
def stage_apply(request: HttpRequest, pk: int, template_id: int) -> HttpResponse:
    project = _project(request, pk)
    template = get_object_or_404(queries.published_templates(project.region), pk=template_id)
    channel = Channel.WINDOW if has_role(request.user, Role.CLERK) else Channel.ONLINE
    if not stages.may_apply(request.user, project, channel=channel):
        raise Http404()
    items = list(template.items.select_related("handling_item").order_by("order"))
    chosen = {int(x) for x in request.POST.getlist("optional") if x.isdigit()}
    wanted = [i.handling_item for i in items if i.required or i.handling_item_id in chosen]
    if request.method != "POST":
        wanted = [i.handling_item for i in items]
    groups = bundles.material_groups(wanted, project.owner.kind)
    errors: dict = {}
    if request.method == "POST":
        files, reuse = _parse(request, groups)
        try:
            application = stages.apply_for_stage(
                project,
                template,
                actor=request.user,
                channel=channel,
                optional=chosen,
                files=files,
                reuse=reuse,
                idempotency_key=request.POST.get("idempotency_key", "")[:64],
            )
        except DomainError as e:
            errors = e.fields or {"__all__": [str(e.message)]}
        else:
            messages.success(request, _("已提交阶段申请，各事项已同时收件"))
            return redirect("projects:stage", pk=project.pk, stage_pk=application.pk)
    context = {
        "project": project,
        "template": template,
        "items": items,
        "chosen": chosen,
        "channel": channel,
        **_form_context(groups, bundles.reusable_licences(project.owner), errors),
    }
    return render(request, "projects/stage_apply.html", context, status=400 if errors else 200)


@login_required
def stage_detail(request: HttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    project = _project(request, pk)
    application = get_object_or_404(
        StageApplication.objects.select_related("bundle", "template"), pk=stage_pk, project=project
    )
    return render(
        request,
        "projects/stage.html",
        {
            "project": project,
            "application": application,
            "bundle": application.bundle,
            "clock": queries.stage_clock_of(application, today()),
            "members": _members(request, application.bundle),
        },
    )


def life_event(request: HttpRequest, pk: int) -> HttpResponse:
    """The life event's page: what it opens, and the one application (online for the signed-in
    applicant, at the window for a clerk who names the applicant by their number)."""
    event = get_object_or_404(offered_life_events().prefetch_related("items__handling_item"), pk=pk)
    items = list(event.items.all())
    user = request.user
    clerk = has_role(user, Role.CLERK, event.catalogue.region)
    own = list(represented(user)) if getattr(user, "is_authenticated", False) else []
    applicant = None
    if clerk:
        number = (request.POST.get("applicant_number") or "").strip().upper()
        if number:
            applicant = (
                Applicant.objects.filter(credit_code=number).first()
                or Applicant.objects.filter(id_number=number).first()
            )
    elif own:
        chosen = request.POST.get("applicant") or request.GET.get("applicant")
        applicant = next((a for a in own if str(a.pk) == chosen), own[0])
    answers = {
        question_field(i): request.POST.get(question_field(i), "") for i in items if not i.required
    }
    yes = {k for k, v in answers.items() if v == "yes"}
    wanted = [i.handling_item for i in items if i.required or question_field(i) in yes]
    if request.method != "POST":
        wanted = [i.handling_item for i in items]
    groups = bundles.material_groups(wanted, applicant.kind if applicant else None)
    errors: dict = {}
    if request.method == "POST":
        if not (clerk or own):
            raise Http404()
        if applicant is None:
            errors = {
                "applicant_number": [_("未找到该证件号码或统一社会信用代码的申请人，请先登记")]
            }
        else:
            files, reuse = _parse(request, groups)
            try:
                bundle = apply_for_life_event(
                    event,
                    actor=user,
                    applicant=applicant,
                    channel=Channel.WINDOW if clerk else Channel.ONLINE,
                    answers=answers,
                    files=files,
                    reuse=reuse,
                    idempotency_key=request.POST.get("idempotency_key", "")[:64],
                )
            except DomainError as e:
                errors = e.fields or {"__all__": [str(e.message)]}
            else:
                messages.success(request, _("已提交申请，各事项已同时收件"))
                return redirect("projects:bundle", pk=bundle.pk)
    context = {
        "event": event,
        "items": items,
        "clerk": clerk,
        "own": own,
        "applicant": applicant,
        "answers": answers,
        **_form_context(groups, bundles.reusable_licences(applicant) if applicant else [], errors),
    }
    return render(request, "projects/life_event.html", context, status=400 if errors else 200)


@login_required
def bundle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bundle = get_object_or_404(queries.visible_bundles(request.user), pk=pk)
    return render(
        request,
        "projects/bundle.html",
        {"bundle": bundle, "members": _members(request, bundle)},
    )


def life_events(request: HttpRequest) -> HttpResponse:
    """Every life event on offer, for the portal's visitors."""
    return render(
        request,
        "projects/life_events.html",
        {"events": offered_life_events().prefetch_related("items__handling_item")},
    )
