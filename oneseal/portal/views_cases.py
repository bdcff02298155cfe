"""The applicant's own cases: apply online, follow each case, reply to a correction notice,
withdraw, download the notices and the licence. Every case is loaded through
`portal.queries.own_case` (the applicants tied to this account), so another person's case is a
404 that says nothing about it; every write is one call of a `cases.actions` action."""

import contextlib
import re
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oneseal.applicants.models import Applicant
from oneseal.calendars.queries import current_calendar, today
from oneseal.cases import actions, texts
from oneseal.cases import queries as case_queries
from oneseal.cases import rules as case_rules
from oneseal.cases.actions import held_scans
from oneseal.cases.actions import licences as licence_actions
from oneseal.cases.clocks import clocks_of
from oneseal.cases.models import Case, CaseMaterial, Licence, RevocationProposal, State
from oneseal.cases.queries import with_clocks
from oneseal.catalogue.models import HandlingItem, ItemVersion, Material, OnlineDepth
from oneseal.documents import rules as document_rules
from oneseal.drafts import actions as draft_actions
from oneseal.drafts import queries as draft_queries
from oneseal.drafts.models import Draft
from oneseal.errors import Conflict, DomainError, ValidationFailed
from oneseal.interface.forms import required_version
from oneseal.reuse import actions as reuse_actions
from oneseal.reuse import sources as reuse_sources

from . import queries

KEY = re.compile(r"^[0-9a-f]{32}$")
signed_in = login_required(login_url="portal:signin")


def can_apply_online(hi: HandlingItem) -> bool:
    """A handling item in force today whose guide offers online submission (网上预审 or more)."""
    return (
        hi.online_depth >= OnlineDepth.SUBMISSION
        and ItemVersion.objects.in_force(today()).filter(pk=hi.item_version_id).exists()
    )


def _messages_of(exc: DomainError) -> list[str]:
    out = [str(m) for msgs in exc.fields.values() for m in msgs] or [str(r) for r in exc.reasons]
    return out or [str(exc.message)]


@signed_in
def apply(request: HttpRequest, handling_item_id: int) -> HttpResponse:
    hi = get_object_or_404(
        HandlingItem.objects.select_related("item_version__item__catalogue"), pk=handling_item_id
    )
    if not can_apply_online(hi):
        raise Http404(_("该办理项目前不能网上申请"))
    applicants = [a for a in queries.own_applicants(request.user) if queries.fits_applicant(hi, a)]
    chosen = request.POST.get("applicant") or request.GET.get("applicant")
    applicant = next(
        (a for a in applicants if str(a.pk) == chosen),
        None if chosen else (applicants[0] if applicants else None),
    )
    if chosen and applicant is None:
        # Not an applicant this account acts for today (another person, an organisation without
        # a standing authorisation): nothing is said about them.
        raise Http404(_("该申请人不能由本账号网上申请"))
    context = {
        "hi": hi,
        "version": hi.item_version,
        "applicants": applicants,
        "applicant": applicant,
        "errors": {},
        "general": [],
    }
    if applicant is None:
        return render(request, "portal/apply.html", context)
    materials = queries.apply_materials(hi, applicant)
    uploadable = [m for m in materials if m.source == Material.Source.APPLICANT]
    # 免证办: the applicant's documents in force that stand for a material: with a file to
    # attach, or a library e-licence named by reference (reuse.actions.reference_allowed).
    offers = reuse_sources.offers(uploadable, applicant, today())
    # What the form shows of each material, set on the row it lists (attr-defined: these are not
    # the model's fields).
    for m in materials:
        m.uploadable, m.errors = m in uploadable, []  # type: ignore[attr-defined]
        m.offers = [  # type: ignore[attr-defined]
            c for c in offers.get(m.pk, []) if c.file_name or reuse_actions.reference_allowed(c)
        ]
        m.picked = request.POST.get(f"reuse-{m.pk}", "")  # type: ignore[attr-defined]
    # A 变更 / 延续 / 注销 / 补证 application names one of the applicant's own licences.
    acting = licence_actions.acts_on_licence(hi)
    own = (
        list(
            queries.own_licences(request.user).filter(
                holder=applicant, case__handling_item__item_version__item_id=hi.item_version.item_id
            )
        )
        if acting
        else []
    )
    picked = request.POST.get("licence") or request.GET.get("licence") or ""
    context.update(
        acting=acting,
        licences=own,
        licence=next((lic for lic in own if str(lic.pk) == picked), None),
    )
    context.update(
        materials=materials,
        key=request.POST.get("idempotency_key") or uuid.uuid4().hex,
        upload_kinds="、".join(k.upper() for k in settings.UPLOAD_TYPES),
        upload_mb=settings.UPLOAD_MAX_BYTES // 1048576,
    )
    if request.method != "POST":
        return render(request, "portal/apply.html", context)

    kept = _kept_draft(request, hi, applicant)
    if isinstance(kept, int):  # this form's draft was submitted already: a second click
        return redirect("portal:my_case", kept)
    key = request.POST.get("idempotency_key", "")
    if kept is None and not KEY.match(key):
        context["general"] = [_("页面已过期，请重新提交")]
        context["key"] = uuid.uuid4().hex
        return render(request, "portal/apply.html", context, status=400)
    existing = (
        queries.own_cases(request.user).filter(applicant=applicant, idempotency_key=key).first()
    )
    if kept is None and existing is not None:  # a second click of the same form
        return redirect("portal:my_case", existing.pk)
    errors: dict[str, list[str]] = {}
    files = {m.pk: request.FILES.get(actions.upload_field(m)) for m in uploadable}
    picks = {m.pk: m.picked for m in uploadable if m.picked}  # type: ignore[attr-defined]
    try:
        if kept is None:
            case = reuse_actions.apply_online(
                hi,
                actor=request.user,
                applicant=applicant,
                files=files,
                picks=picks,
                idempotency_key=key,
                target_licence=context["licence"],
            )
        else:
            case = _submit_kept(request, kept, files=files, picks=picks)
    except ValidationFailed as exc:
        errors = {
            name: [str(m) for m in msgs]
            for name, msgs in exc.fields.items()
            if name.startswith("material-")
        }
        if not errors:
            context["general"] = _messages_of(exc)
    except DomainError as exc:
        context["general"] = _messages_of(exc)
    else:
        messages.success(
            request,
            _("申请已提交。办件编号 {number}，查询码 {code}，请妥善保存。").format(
                number=case.number, code=case.query_code
            ),
        )
        return redirect("portal:my_case", case.pk)
    # The application went back with errors: the files that passed their checks are kept with
    # a draft of this form, so the applicant corrects what was wrong without choosing them again.
    if kept is None:
        kept, refused = _keep_files(request, hi, applicant, files)
        for name, msgs in refused.items():
            errors.setdefault(name, msgs)
    if kept is not None:
        kept = draft_queries.own_draft(request.user, kept.pk)
    context["errors"] = errors
    context["draft"] = kept
    saved = {u.material_id: u for u in kept.uploads.all()} if kept is not None else {}
    for m in materials:
        m.errors = errors.get(f"material-{m.pk}", [])  # type: ignore[attr-defined]
        m.saved = saved.get(m.pk)  # type: ignore[attr-defined]
    return render(request, "portal/apply.html", context, status=400)


def _kept_draft(request: HttpRequest, hi: HandlingItem, applicant: Applicant) -> Draft | int | None:
    """The draft an earlier refusal of this form kept the files in (the form's hidden `draft`),
    read through `own_drafts`: another account's draft is a 404, never a file to claim. The
    case's id when that draft was submitted already (the same form sent twice)."""
    raw = request.POST.get("draft", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404(_("草稿不存在"))
    found = draft_queries.own_draft(request.user, int(raw))
    if found is None:
        case = draft_actions.submitted_case(request.user, int(raw))
        if case is None:
            raise Http404(_("草稿不存在"))
        return case.pk
    if found.handling_item_id != hi.pk or found.applicant_id != applicant.pk:
        raise Http404(_("草稿不存在"))
    return found


def _submit_kept(
    request: HttpRequest,
    draft: Draft,
    *,
    files: dict[int, UploadedFile | None],
    picks: dict[int, str],
) -> Case:
    """The form sent again with its kept files: the newly chosen files replace the kept ones
    (each kept as it passes its check), then the draft goes in as the application."""
    problems: dict[str, list[str]] = {}
    for material_id, upload in files.items():
        if upload is None:
            continue
        try:
            draft_actions.add_upload(draft, material_id, actor=request.user, upload=upload)
        except ValidationFailed as exc:
            problems.update({k: [str(m) for m in v] for k, v in exc.fields.items()})
    if "licence" in request.POST:
        draft_actions.save_fields(
            draft, actor=request.user, fields={"licence": request.POST["licence"]}
        )
    if problems:
        raise ValidationFailed(fields=problems)
    return draft_actions.submit(draft, actor=request.user, picks=picks)


def _keep_files(
    request: HttpRequest,
    hi: HandlingItem,
    applicant: Applicant,
    files: dict[int, UploadedFile | None],
) -> tuple[Draft | None, dict[str, list[str]]]:
    """Open a draft of the refused form and keep in it each posted file that passes its check
    (and the licence chosen). The draft, or None when no file was sent or the application
    cannot be a draft at all (an item not open online …), and the refusals of the files that
    could not be kept."""
    refused: dict[str, list[str]] = {}
    posted = {pk: f for pk, f in files.items() if f is not None}
    if not posted:
        return None, refused
    try:
        draft = draft_actions.start_draft(hi, actor=request.user, applicant=applicant)
    except DomainError:
        return None, refused
    if request.POST.get("licence", "").isdigit():
        draft_actions.save_fields(
            draft, actor=request.user, fields={"licence": request.POST["licence"]}
        )
    for material_id, upload in posted.items():
        upload.seek(0)
        try:
            draft_actions.add_upload(draft, material_id, actor=request.user, upload=upload)
        except ValidationFailed as exc:
            refused.update({k: [str(m) for m in v] for k, v in exc.fields.items()})
    return draft, refused


@signed_in
def my_cases(request: HttpRequest) -> HttpResponse:
    cases = with_clocks(queries.own_cases(request.user))
    for case in cases:
        case.progress = texts.progress(case, case.clocks)  # type: ignore[attr-defined]  # with_clocks set clocks; the template reads progress
    return render(
        request,
        "portal/my_cases.html",
        {
            "cases": cases,
            "drafts": draft_queries.with_standing(draft_queries.own_drafts(request.user)),
            "has_applicant": queries.own_applicants(request.user).exists(),
        },
    )


def _own_case_or_404(request: HttpRequest, pk: int) -> Case:
    case = queries.own_case(request.user, pk)
    if case is None:
        raise Http404(_("办件不存在"))
    return case


@signed_in
def my_case(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_my_case(request, _own_case_or_404(request, pk))


def _render_my_case(
    request: HttpRequest, case: Case, *, supply_held: dict | None = None, status: int = 200
) -> HttpResponse:
    """The case page; `supply_held` is the file a refused 容缺 supply kept for its line
    (`supply`), which that line's form carries back."""
    clocks = clocks_of(case, current_calendar(), today())
    notice = (
        case_queries.correction_notice(case) if case.state == State.AWAITING_CORRECTION else None
    )
    lines = list(case.materials.all())
    listed = set()
    reply = None
    if notice is not None:
        listed = {item.get("line") for item in notice.data.get("items", [])}
        reply = case_queries.correction_reply(case, notice)
    # What the page shows of each line and event, set on the row it lists (attr-defined: these
    # are not the model's fields).
    for line in lines:
        line.in_notice = line.pk in listed  # type: ignore[attr-defined]
        line.new_uploads = [u for u in line.uploads.all() if reply is not None and reply.has(u)]  # type: ignore[attr-defined]
    events = list(case.events.all())
    for event in events:
        event.text, event.detail = texts.event_text(event.action), texts.event_detail(event)  # type: ignore[attr-defined]
    return render(
        request,
        "portal/my_case.html",
        {
            "case": case,
            "clocks": clocks,
            "progress": texts.progress(case, clocks),
            "lines": lines,
            "notice": notice,
            "notice_lines": [line for line in lines if line.pk in listed],
            "events": events,
            "withdraw_blockers": actions.withdraw_blockers(case) if case.is_open else None,
            "documents": queries.case_documents(request.user, case),
            "can_upload": case.state in (State.RECEIVED, State.AWAITING_CORRECTION),
            # The lines accepted as missing on a promise that the applicant may supply now.
            "supply_lines": {
                line.pk
                for line in lines
                if line.status == CaseMaterial.Status.TOLERATED and line.supplied_on is None
            }
            if not case_rules.transition_blockers("supply_tolerated_material", case.state)
            else set(),
            "supply_held": supply_held,
            **_revocation_context(case),
        },
        status=status,
    )


def _revocation_context(case: Case) -> dict:
    """The licence's real state beside the case's (a revoked licence's case no longer reads
    only 准予许可), and the revocation procedure the holder is owed a say in."""
    licence = Licence.objects.filter(case=case).first()
    proposals = list(RevocationProposal.objects.filter(case=case).select_related("licence"))
    return {
        "licence_standing": document_rules.licence_standing(licence, today()) if licence else None,
        "revocation_proposals": proposals,
        "views_blockers": actions.submit_views_blockers(case)
        if any(p.is_open for p in proposals)
        else None,
    }


@signed_in
@require_POST
def revocation_views(request: HttpRequest, pk: int) -> HttpResponse:
    """陈述、申辩 (《行政许可法》第七条): the holder's own views on a proposed revocation."""
    case = _own_case_or_404(request, pk)
    try:
        actions.submit_revocation_views(
            case,
            actor=request.user,
            views=request.POST.get("views", ""),
            hearing_requested=request.POST.get("hearing_requested") == "true",
            expected_version=_version(request),
        )
    except DomainError as exc:
        for problem in _messages_of(exc):
            messages.error(request, _("陈述、申辩：{problem}").format(problem=problem))
    else:
        messages.success(request, _("陈述、申辩意见已提交，审批局将在复核后作出决定。"))
    return redirect(reverse("portal:my_case", args=[case.pk]) + "#revocation")


@signed_in
@require_POST
def upload(request: HttpRequest, pk: int, line: int) -> HttpResponse:
    case = _own_case_or_404(request, pk)
    row = get_object_or_404(
        CaseMaterial.objects.select_related("case", "material"), case=case, pk=line
    )
    file = request.FILES.get("file")
    if file is None:
        messages.error(request, _("“{m}”：请选择要上传的文件").format(m=row.material.name))
    else:
        try:
            actions.attach_file(row, actor=request.user, upload=file)
        except DomainError as exc:
            for problem in _messages_of(exc):
                messages.error(
                    request, _("“{m}”：{problem}").format(m=row.material.name, problem=problem)
                )
        else:
            messages.success(
                request, _("已上传“{m}”：{name}").format(m=row.material.name, name=file.name)
            )
    return redirect(reverse("portal:my_case", args=[case.pk]) + f"#line-{row.pk}")


def _supply_context(case: Case, line: CaseMaterial) -> str:
    return f"portal.supply:{case.pk}:{line.pk}"


@signed_in
@require_POST
def supply(request: HttpRequest, pk: int, line: int) -> HttpResponse:
    """补齐容缺材料: the applicant's own file for a material accepted as missing on a promise
    (`cases.actions.supply_tolerated_material`, which keeps the rules). The form carries the
    case's version, so a form older than the case (another tab, a repeated submission) is
    refused rather than acted on. A refused form loses nothing: the file sent is kept
    (`hold_upload`, its reference bound to this applicant, the case and the line) and the page
    shown again carries it, so the applicant sends the form again without the file again."""
    case = _own_case_or_404(request, pk)
    row = get_object_or_404(CaseMaterial.objects.select_related("material"), case=case, pk=line)
    context = _supply_context(case, row)
    held = held_scans.read_reference(
        str(request.POST.get("held", "")), holder=request.user, context=context
    )
    file = request.FILES.get("file")
    try:
        actions.supply_tolerated_material(
            case,
            row.pk,
            actor=request.user,
            upload=file or held,
            expected_version=required_version(request.POST, "lock_version"),
        )
    except DomainError as exc:
        # A stale form says so in the applicant's words: they may have acted in another tab.
        problems = (
            [_("本页打开后办件已有变化，本次补齐未提交，请核对下方最新情况后再次提交")]
            if isinstance(exc, Conflict)
            else _messages_of(exc)
        )
        for problem in problems:
            messages.error(
                request, _("“{m}”：{problem}").format(m=row.material.name, problem=problem)
            )
        # A file its own check refused is named above; the one kept before, if any, stays.
        if file is not None:
            with contextlib.suppress(DomainError):
                held = actions.hold_upload(file, actor=request.user, case=case)
        kept = None
        if held is not None:
            kept = {
                "line": row.pk,
                "ref": held_scans.sign_reference(held, holder=request.user, context=context),
                "name": held.original_name,
            }
        return _render_my_case(
            request,
            _own_case_or_404(request, pk),
            supply_held=kept,
            status=409 if isinstance(exc, Conflict) else 400,
        )
    sent = file.name if file is not None else getattr(held, "original_name", "")
    messages.success(request, _("已补齐“{m}”：{name}").format(m=row.material.name, name=sent))
    return redirect(reverse("portal:my_case", args=[case.pk]) + f"#line-{row.pk}")


@signed_in
@require_POST
def submit_correction(request: HttpRequest, pk: int) -> HttpResponse:
    case = _own_case_or_404(request, pk)
    try:
        actions.submit_correction(case, actor=request.user, expected_version=_version(request))
    except DomainError as exc:
        for problem in _messages_of(exc):
            messages.error(request, problem)
    else:
        messages.success(request, _("补正材料已提交，审批局将重新审查。"))
    return redirect("portal:my_case", case.pk)


def _version(request: HttpRequest) -> int:
    """The case's version the page's form carries; a post without it was not sent by the page
    and is refused (a `ValidationFailed`, shown as the form's other errors), not acted on
    unchecked."""
    return required_version(request.POST, "lock_version")


@signed_in
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    case = _own_case_or_404(request, pk)
    try:
        actions.withdraw(
            case,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            expected_version=_version(request),
        )
    except DomainError as exc:
        for problem in _messages_of(exc):
            messages.error(request, _("撤回申请：{problem}").format(problem=problem))
    else:
        messages.success(request, _("申请已撤回。"))
    return redirect("portal:my_case", case.pk)
