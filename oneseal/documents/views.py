"""Pages of documents.

- The public verification page: anyone holding a document (a bank, a court, the applicant)
  checks it without an account. It shows what the document itself shows and no more: the
  applicant's name is printed on the document, the identity number is not.
- The file of a document, inline, to whoever sees its case (`queries.visible_documents`);
  everyone else gets the same 404 as for a document that does not exist.
- The seals page: the region's seals, and the hand-over of the departments' old seals.
- The wording pages: the bureau's catalogue administrators edit, preview and publish the
  wording of each kind (`DocumentTemplate`). Views parse a form and call one action.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from oneseal.actors import Actor
from oneseal.calendars.queries import today as business_today
from oneseal.cases.queries import is_scoped_staff
from oneseal.errors import DomainError
from oneseal.interface.forms import add_domain_error
from oneseal.organisation.models import Bureau, Department, Role
from oneseal.organisation.rules import has_role, scope_prefix, staff_of
from oneseal.throttling import throttle

from . import actions, queries, rules, verification, wording
from .forms import (
    DepartmentSealForm,
    PublishForm,
    SealHandoverForm,
    StartDraftForm,
    VerifyUploadForm,
    WordingForm,
)
from .models import Document, DocumentKind, DocumentTemplate, Seal
from .rendering import MissingGlyphs
from .rendering import render as render_pdf


def _verify_context(document: Document | None, **extra: object) -> dict:
    return {
        "document": document,
        "standing": queries.document_standing(document) if document is not None else None,
        "upload_form": VerifyUploadForm(),
        **extra,
    }


@require_GET
@throttle("verify")
def verify(request: HttpRequest, code: str) -> HttpResponse:
    document = queries.public_document(code)
    if document is None:
        # A sealed record kept by another app (a project's joint report) has its own page.
        record = verification.find(code=rules.normalise_code(code))
        if record is not None:
            return redirect(record.url)
    status = 200 if document is not None else 404
    return render(
        request, "documents/verify.html", _verify_context(document, code=code), status=status
    )


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """Look a document up by its code (GET), or check an uploaded file (POST, CSRF-protected)
    the way `oneseal verify` does: its signature against the seals, its record by SHA-256 or
    by the code written into it, and whether it is in force today."""
    if request.method == "POST":
        form = VerifyUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(
                request,
                "documents/verify.html",
                {"document": None, "code": "", "ask": True, "upload_form": form},
                status=400,
            )
        result = queries.check_file(form.cleaned_data["file"])
        shown = result.document if result.authentic else None
        return render(
            request,
            "documents/verify.html",
            _verify_context(
                shown,
                code="",
                ask=True,
                file_check=result,
                file_standing=result.standing if result.authentic else None,
            ),
        )
    code = rules.normalise_code(request.GET.get("code", ""))
    if code:
        return redirect("documents:verify", code=code)
    return render(request, "documents/verify.html", _verify_context(None, code="", ask=True))


@require_GET
def file(request: HttpRequest, pk: int) -> FileResponse:
    """The signed PDF as stored, shown in the browser (print it from there)."""
    document = get_object_or_404(queries.visible_documents(request.user), pk=pk)
    response = FileResponse(
        document.file.open("rb"), content_type="application/pdf", filename=f"{document.number}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- wording ------------------------------------------------------------------------------------


def _administered_bureaus(user: Actor) -> list[Bureau]:
    prefix = scope_prefix(user)
    if prefix is None or not has_role(user, Role.CATALOGUE_ADMIN):
        return []
    bureaus = (
        Bureau.objects.filter(region__code__startswith=prefix)
        .select_related("region")
        .order_by("region__code")
    )
    return [b for b in bureaus if has_role(user, Role.CATALOGUE_ADMIN, b.region)]


def _bureau_for(request: HttpRequest, bureau_id: int) -> Bureau:
    bureau = get_object_or_404(Bureau.objects.select_related("region"), pk=bureau_id)
    if not has_role(request.user, Role.CATALOGUE_ADMIN, bureau.region):
        raise PermissionDenied(_("您不是该局所在地区的事项目录管理员"))
    return bureau


@login_required
def template_index(request: HttpRequest) -> HttpResponse:
    bureaus = list(_administered_bureaus(request.user))
    if not bureaus:
        raise PermissionDenied(_("您不是事项目录管理员"))
    if len(bureaus) == 1:
        return redirect("documents:template_kinds", bureau_id=bureaus[0].pk)
    return render(request, "documents/manage/index.html", {"bureaus": bureaus})


@login_required
def template_kinds(request: HttpRequest, bureau_id: int) -> HttpResponse:
    bureau = _bureau_for(request, bureau_id)
    actions.ensure_shipped_templates(bureau)
    today = business_today()
    versions = list(DocumentTemplate.objects.filter(bureau=bureau).select_related("published_by"))
    rows = []
    for kind, label in DocumentKind.choices:
        mine = [v for v in versions if v.kind == kind]
        in_force = next(
            (
                v
                for v in mine
                if not v.is_draft
                and v.effective_from <= today
                and (v.effective_until is None or v.effective_until > today)
            ),
            None,
        )
        upcoming = [v for v in mine if not v.is_draft and v.effective_from > today]
        draft = next((v for v in mine if v.is_draft), None)
        rows.append(
            {
                "kind": kind,
                "label": label,
                "in_force": in_force,
                "upcoming": upcoming,
                "draft": draft,
            }
        )
    return render(
        request, "documents/manage/kinds.html", {"bureau": bureau, "rows": rows, "today": today}
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, bureau_id: int, kind: str) -> HttpResponse:
    """One kind: its versions, and its draft with the forms to save, publish or discard it."""
    bureau = _bureau_for(request, bureau_id)
    if kind not in DocumentKind.values:
        raise Http404()
    actions.ensure_shipped_templates(bureau)
    versions = list(
        DocumentTemplate.objects.filter(bureau=bureau, kind=kind)
        .select_related("created_by", "published_by")
        .order_by("-number")
    )
    draft = next((v for v in versions if v.is_draft), None)
    start_form, publish_form = StartDraftForm(), PublishForm()
    form = (
        WordingForm(
            initial={
                "title": draft.title,
                "body": draft.body,
                "closing": draft.closing,
                "reason": draft.change_reason,
            }
        )
        if draft
        else None
    )
    blockers = actions.template_publish_blockers(draft, business_today()) if draft else []
    op = request.POST.get("op", "")
    if request.method == "POST":
        try:
            if op == "start":
                start_form = StartDraftForm(request.POST)
                if start_form.is_valid():
                    actions.start_template_draft(
                        bureau, kind, actor=request.user, reason=start_form.cleaned_data["reason"]
                    )
                    messages.success(request, _("已新建草稿，可修改后预览、发布。"))
                    return redirect("documents:template_edit", bureau_id=bureau.pk, kind=kind)
            elif op in ("save", "publish", "discard") and draft is not None:
                if op == "save":
                    form = WordingForm(request.POST)
                    if form.is_valid():
                        actions.save_template_draft(draft, actor=request.user, **form.cleaned_data)
                        messages.success(request, _("草稿已保存。"))
                        return redirect("documents:template_edit", bureau_id=bureau.pk, kind=kind)
                elif op == "publish":
                    publish_form = PublishForm(request.POST)
                    if publish_form.is_valid():
                        on = publish_form.cleaned_data["effective_from"]
                        actions.publish_template(draft, actor=request.user, effective_from=on)
                        messages.success(
                            request,
                            _("第{n}版已发布，{date}起成文的文书使用该版本。").format(
                                n=draft.number, date=rules.chinese_date(on)
                            ),
                        )
                        return redirect("documents:template_edit", bureau_id=bureau.pk, kind=kind)
                else:
                    actions.discard_template_draft(draft, actor=request.user)
                    messages.success(request, _("草稿已删除。"))
                    return redirect("documents:template_edit", bureau_id=bureau.pk, kind=kind)
            else:
                messages.error(request, _("该操作无法完成，请刷新页面后重试。"))
        except DomainError as exc:
            target = {"start": start_form, "save": form, "publish": publish_form}.get(op)
            if target is not None:
                add_domain_error(target, exc)
            else:
                messages.error(request, str(exc.message))
    return render(
        request,
        "documents/manage/edit.html",
        {
            "bureau": bureau,
            "kind": kind,
            "label": DocumentKind(kind).label,
            "versions": versions,
            "draft": draft,
            "form": form,
            "start_form": start_form,
            "publish_form": publish_form,
            "blockers": blockers,
            "placeholders": [
                (name, label, name in wording.REQUIRED[kind])
                for name, label in wording.PLACEHOLDERS[kind].items()
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def template_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """A version's wording filled with a fictional sample case, unsigned and marked 样张."""
    template = get_object_or_404(DocumentTemplate.objects.select_related("bureau__region"), pk=pk)
    _bureau_for(request, template.bureau_id)
    notice = wording.compose(
        template.kind, template, wording.sample_values(template.kind, template.bureau)
    )
    try:
        rendered = render_pdf(
            notice,
            heading=template.bureau.name,
            number=_("（样张，第{n}版）").format(n=template.number),
            dated_text=rules.chinese_date(business_today()),
            code="0000000000",
            url=actions.public_url("0000000000"),
            seal_name=_("样张 无效"),
            author=template.bureau.name,
        )
    except MissingGlyphs as exc:
        return HttpResponse(
            _("文书格式中有字体无法显示的字：{chars}").format(chars=exc.chars),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(rendered.pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="preview-{template.kind}-{template.number}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- the seals of a region (seed 000 四(二)5) ------------------------------------------------------


def _seal_bureau(request: HttpRequest) -> Bureau:
    """The bureau whose region's seals the page shows: ?bureau= among the bureaus the reader's
    scope covers, else their own, else the first of their region. 404 for anyone else."""
    prefix = scope_prefix(request.user) if is_scoped_staff(request.user) else None
    if prefix is None:
        raise Http404()
    bureaus = Bureau.objects.filter(region__code__startswith=prefix).select_related("region")
    wanted = request.GET.get("bureau") or request.POST.get("bureau")
    if wanted:
        found = bureaus.filter(pk=int(wanted)).first() if wanted.isdigit() else None
    else:
        staff = staff_of(request.user)
        found = (staff and staff.bureau_id and bureaus.filter(pk=staff.bureau_id).first()) or (
            bureaus.order_by("region__code").first()
        )
    if found is None:
        raise Http404()
    return found


@login_required
@require_http_methods(["GET", "POST"])
def seals(request: HttpRequest) -> HttpResponse:
    """The region's seals: the bureau's approval seals and the departments' old seals with
    their state, holder, place and sealed-away date; the departments whose transfer date has
    passed with their old seal still active; for the bureau's administrators, the forms that
    register an old seal and record its hand-over. Each form calls one action."""
    bureau = _seal_bureau(request)
    prefix = bureau.region.prefix
    rows = list(queries.in_region(queries.visible_seals(request.user), prefix))
    keeper = actions.may_keep_department_seals(request.user, bureau)
    departments = Department.objects.filter(region__code__startswith=prefix).order_by(
        "region__code", "order", "id"
    )
    active_old = Seal.objects.filter(
        kind=Seal.Kind.DEPARTMENT, state=Seal.SealState.ACTIVE, pk__in=[s.pk for s in rows]
    ).select_related("department")
    op = request.POST.get("op", "")
    register_form = (
        DepartmentSealForm(
            request.POST if op == "register" else None,
            departments=departments,
            prefix="register",
        )
        if keeper
        else None
    )
    handover_form = (
        SealHandoverForm(
            request.POST if op == "handover" else None,
            seals=active_old,
            prefix="handover",
            initial={"sealed_away_on": business_today()},
        )
        if keeper
        else None
    )
    if request.method == "POST":
        if not keeper:
            raise PermissionDenied(_("您不是该局所在地区的系统管理员"))
        form = {"register": register_form, "handover": handover_form}.get(op)
        if form is None:
            raise Http404()
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                if op == "register":
                    seal = actions.register_department_seal(
                        data.pop("department"), actor=request.user, **data
                    )
                    messages.success(request, _("已登记“{name}”").format(name=seal.name))
                else:
                    handover = actions.seal_away_department_seal(
                        data.pop("seal"), actor=request.user, **data
                    )
                    messages.success(
                        request,
                        _("“{name}”已于{date}移交封存").format(
                            name=handover.seal.name,
                            date=rules.chinese_date(handover.sealed_away_on),
                        ),
                    )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                return redirect(f"{reverse('documents:seals')}?bureau={bureau.pk}")
    return render(
        request,
        "documents/seals.html",
        {
            "bureau": bureau,
            "bureau_seals": [s for s in rows if s.kind == Seal.Kind.BUREAU],
            "department_seals": [s for s in rows if s.kind == Seal.Kind.DEPARTMENT],
            "warnings": queries.seal_warnings(prefix, today=business_today()),
            "register_form": register_form,
            "handover_form": handover_form,
        },
        status=400 if request.method == "POST" else 200,
    )
