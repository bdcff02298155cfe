"""The applicant's draft pages: start a draft from the online application's form, resume it
(on any device: it is kept on the server), save it (every few seconds by autosave.js, or by
the 保存草稿 button without JavaScript), submit it as a case, delete it, and download its
files. Every draft is read through `queries.own_drafts`, so anyone but its owner gets a 404.
Each write is one call of a `drafts.actions` action.

A request sent by autosave.js (header X-Autosave) is answered in JSON; a plain form post is
answered with a redirect, or the page again with the errors."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oneseal.applicants.queries import represented
from oneseal.cases.actions import licences as licence_actions
from oneseal.cases.actions import online_uploads, upload_field
from oneseal.cases.queries import visible_licences
from oneseal.catalogue.models import HandlingItem
from oneseal.catalogue.rules import material_applies
from oneseal.errors import DomainError, NotPermitted, ValidationFailed
from oneseal.interface.rows import shown_with

from . import actions, queries, rules
from .models import Draft

signed_in = login_required(login_url="portal:signin")


def _autosave(request: HttpRequest) -> bool:
    return request.headers.get("X-Autosave") == "1"


def _messages_of(exc: DomainError) -> list[str]:
    out = [str(m) for msgs in exc.fields.values() for m in msgs] or [str(r) for r in exc.reasons]
    return out or [str(exc.message)]


def _own_or_404(request: HttpRequest, pk: int) -> Draft:
    draft = queries.own_draft(request.user, pk)
    if draft is None:
        raise Http404(_("草稿不存在"))
    return draft


def _save_posted(request: HttpRequest, draft: Draft) -> dict[str, list[str]]:
    """Save what the form carries: its fields, then each file on its own, so a refused file
    keeps neither the fields nor the other files from being saved. The errors by field."""
    errors: dict[str, list[str]] = {}
    posted = {name: request.POST[name] for name in rules.FIELDS if name in request.POST}
    if posted:
        try:
            actions.save_fields(draft, actor=request.user, fields=posted)
        except ValidationFailed as exc:
            errors.update({k: [str(m) for m in v] for k, v in exc.fields.items()})
    for material in online_uploads(draft.handling_item, draft.applicant):
        upload = request.FILES.get(upload_field(material))
        if upload is None:
            continue
        try:
            actions.add_upload(draft, material, actor=request.user, upload=upload)
        except ValidationFailed as exc:
            errors.update({k: [str(m) for m in v] for k, v in exc.fields.items()})
    return errors


def _state(draft: Draft, errors: dict) -> dict:
    """What autosave.js shows after a save: when, the files kept, the errors by field."""
    found = Draft.objects.filter(pk=draft.pk).first()
    if found is None:  # submitted or deleted on another device meanwhile
        raise Http404(_("草稿不存在"))
    draft = found
    saved_at = timezone.localtime(draft.changed_at)
    return {
        "draft": draft.pk,
        "saved_at": saved_at.isoformat(),
        "status": (
            _("部分内容未能保存，请按提示处理")
            if errors
            else _("草稿已保存（{time}）").format(time=saved_at.strftime("%H:%M:%S"))
        ),
        "page_url": reverse("drafts:draft", args=[draft.pk]),
        "save_url": reverse("drafts:save", args=[draft.pk]),
        "submit_url": reverse("drafts:submit", args=[draft.pk]),
        "uploads": {
            upload_field(u.material): {
                "name": u.original_name,
                "size": u.size,
                "url": reverse("drafts:file", args=[draft.pk, u.pk]),
            }
            for u in draft.uploads.select_related("material")
        },
        "errors": errors,
    }


@signed_in
@require_POST
def start(request: HttpRequest, handling_item_id: int) -> HttpResponse:
    """The online application's form saved for the first time (its 保存草稿 button, or the
    first autosave): a draft for the chosen applicant, with what the form holds."""
    hi = get_object_or_404(HandlingItem, pk=handling_item_id)
    chosen = request.POST.get("applicant", "")
    applicant = represented(request.user).filter(pk=chosen).first() if chosen.isdigit() else None
    if applicant is None:
        raise Http404(_("该申请人不能由本账号网上申请"))
    try:
        draft = actions.start_draft(hi, actor=request.user, applicant=applicant)
    except NotPermitted as exc:
        raise Http404(_("该申请人不能由本账号网上申请")) from exc
    except DomainError as exc:
        if _autosave(request):
            problems = _messages_of(exc)
            return JsonResponse(
                {"status": problems[0], "errors": {"handling_item": problems}}, status=400
            )
        for problem in _messages_of(exc):
            messages.error(request, problem)
        return redirect("portal:apply", hi.pk)
    errors = _save_posted(request, draft)
    if _autosave(request):
        return JsonResponse(_state(draft, errors), status=400 if errors else 201)
    if errors:
        for problem in (m for msgs in errors.values() for m in msgs):
            messages.error(request, problem)
    else:
        messages.success(request, _("草稿已保存，可在“我的办件”中继续填写。"))
    return redirect("drafts:draft", draft.pk)


def _page(
    request: HttpRequest,
    draft: Draft,
    *,
    errors: dict[str, list[str]] | None = None,
    general: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    draft = queries.with_standing([draft])[0]
    hi, applicant = draft.handling_item, draft.applicant
    uploadable = {m.pk for m in online_uploads(hi, applicant)}
    saved = {u.material_id: u for u in draft.uploads.all()}
    errors = errors or {}
    materials = [
        m
        for m in hi.materials.order_by("order", "id")
        if material_applies(m, applicant_kind=applicant.kind, by_agent=False)
    ]
    for m in materials:
        shown_with(
            m,
            uploadable=m.pk in uploadable,
            saved=saved.get(m.pk),
            errors=errors.get(upload_field(m), []),
        )
    acting = licence_actions.acts_on_licence(hi)
    licences = (
        list(
            visible_licences(request.user)
            .filter(
                holder=applicant, case__handling_item__item_version__item_id=hi.item_version.item_id
            )
            .order_by("-issued_on", "-id")
        )
        if acting
        else []
    )
    return render(
        request,
        "drafts/draft.html",
        {
            "draft": draft,
            "hi": hi,
            "version": hi.item_version,
            "applicant": applicant,
            "materials": materials,
            "acting": acting,
            "licences": licences,
            "licence_id": draft.fields.get("licence"),
            "errors": errors,
            "general": general or [],
            "upload_kinds": "、".join(k.upper() for k in settings.UPLOAD_TYPES),
            "upload_mb": settings.UPLOAD_MAX_BYTES // 1048576,
            "changed_display": date_format(timezone.localtime(draft.changed_at), "DATETIME_FORMAT"),
        },
        status=status,
    )


@signed_in
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _own_or_404(request, pk))


@signed_in
@require_POST
def save(request: HttpRequest, pk: int) -> HttpResponse:
    found = _own_or_404(request, pk)
    try:
        errors = _save_posted(request, found)
    except NotPermitted as exc:  # submitted or deleted on another device meanwhile
        raise Http404(_("草稿不存在")) from exc
    if _autosave(request):
        return JsonResponse(_state(found, errors), status=400 if errors else 200)
    if errors:
        return _page(request, _own_or_404(request, pk), errors=errors, status=400)
    messages.success(request, _("草稿已保存。"))
    return redirect("drafts:draft", pk)


@signed_in
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit: what the form carries is saved first, then the draft goes in as a case. A second
    click, or another device, after the draft is gone lands on the case it opened."""
    found = queries.own_draft(request.user, pk)
    if found is not None:
        try:
            errors = _save_posted(request, found)
        except NotPermitted:
            found = None  # submitted on another device meanwhile
        else:
            if errors:
                return _page(request, _own_or_404(request, pk), errors=errors, status=400)
    if found is None:
        case = actions.submitted_case(request.user, pk)
        if case is None:
            raise Http404(_("草稿不存在"))
        return redirect("portal:my_case", case.pk)
    picks = {
        m.pk: request.POST.get(f"reuse-{m.pk}", "")
        for m in online_uploads(found.handling_item, found.applicant)
    }
    try:
        case = actions.submit(found, actor=request.user, picks=picks)
    except ValidationFailed as exc:
        fields = {k: [str(m) for m in v] for k, v in exc.fields.items()}
        general = [] if any(k.startswith("material-") for k in fields) else _messages_of(exc)
        return _page(request, _own_or_404(request, pk), errors=fields, general=general, status=400)
    except DomainError as exc:
        return _page(request, _own_or_404(request, pk), general=_messages_of(exc), status=400)
    messages.success(
        request,
        _("申请已提交。办件编号 {number}，查询码 {code}，请妥善保存。").format(
            number=case.number, code=case.query_code
        ),
    )
    return redirect("portal:my_case", case.pk)


@signed_in
@require_POST
def remove_file(request: HttpRequest, pk: int, upload_pk: int) -> HttpResponse:
    row = queries.own_upload(request.user, pk, upload_pk)
    if row is None:
        raise Http404(_("文件不存在"))
    try:
        actions.remove_upload(row, actor=request.user)
    except NotPermitted as exc:
        raise Http404(_("文件不存在")) from exc
    if _autosave(request):
        return JsonResponse(_state(row.draft, {}))
    messages.success(request, _("已删除文件“{name}”。").format(name=row.original_name))
    return redirect(reverse("drafts:draft", args=[pk]) + f"#material-{row.material_id}-box")


@signed_in
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    found = _own_or_404(request, pk)
    try:
        actions.delete_draft(found, actor=request.user)
    except NotPermitted as exc:
        raise Http404(_("草稿不存在")) from exc
    messages.success(request, _("草稿已删除。"))
    return redirect("portal:my_cases")


@signed_in
def file(request: HttpRequest, pk: int, upload_pk: int) -> FileResponse:
    row = queries.own_upload(request.user, pk, upload_pk)
    if row is None:
        raise Http404(_("文件不存在"))
    return FileResponse(
        row.file.open("rb"),
        as_attachment=True,
        filename=row.original_name,
        content_type=row.content_type,
    )
