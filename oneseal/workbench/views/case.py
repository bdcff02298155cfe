"""The case page: every form of the case's actions, posted to `act` (one action of
`oneseal.cases.actions` with the API's own input serializer), the documents issued from it,
and the uploaded files."""

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from oneseal.calendars.queries import today
from oneseal.cases import actions
from oneseal.cases.actions import held_scans
from oneseal.cases.actions import licences as licence_actions
from oneseal.cases.actions.decision import CHANNEL_OFFERED
from oneseal.cases.actions.review import assignees_for, current_step, guide_procedures
from oneseal.cases.models import (
    Case,
    CaseMaterial,
    CaseStep,
    Delivery,
    Extension,
    Licence,
    RevocationProposal,
    SiteInspection,
    Suspension,
    Upload,
)
from oneseal.cases.queries import case_details, visible_cases, with_clocks
from oneseal.catalogue.models import SpecialProcedure
from oneseal.documents import rules as document_rules
from oneseal.errors import Conflict, DomainError, NotPermitted, ValidationFailed
from oneseal.experts import queries as expert_queries
from oneseal.hearings.queries import case_panel
from oneseal.interface.case_actions import CaseAction
from oneseal.interface.forms import required_version

from .. import documents, queries
from .common import (
    ACTION_BY_NAME,
    case_url,
    domain_errors,
    load_case,
    serializer_errors,
    staff_only,
)

# The case page's forms; the intake screen does the window's own (check, accept, refuse,
# request a correction).
PAGE_ACTIONS = {
    "submit-correction",
    "assign-step",
    "complete-review-step",
    "record-site-inspection",
    "suspend",
    "resume",
    "request-extension",
    "approve-extension",
    "reject-extension",
    "grant",
    "deny",
    "deliver",
    "withdraw",
    "terminate",
    "supply-tolerated-material",
    "record-commitment",
    "verify-commitment",
    "propose-revocation",
    "notify-revocation",
    "submit-revocation-views",
    "record-revocation-hearing",
    "decide-revocation",
    "withdraw-revocation-proposal",
}


def _choices(case: Case, offers: dict, steps: list[CaseStep]) -> dict[str, list]:
    hi = case.handling_item
    out: dict[str, list] = {}
    if "assign-step" in offers:
        # Each step with the staff it may be given to, so a choice names both and the form
        # never offers a step someone the action would refuse.
        out["assignments"] = [
            (s, [(f"{s.review_step_id}:{u.pk}", u) for u in assignees_for(case, s)])
            for s in steps
            if s.state == CaseStep.StepState.PENDING
        ]
    if "record-site-inspection" in offers:
        out["inspectors"] = list(queries.inspectors_for(case))
    if "suspend" in offers:
        # Only the procedures the item's guide lists may be started (cases.actions.review.suspend).
        out["procedure_kinds"] = [
            (kind, SpecialProcedure.Kind(kind).label) for kind in guide_procedures(case)
        ]
    if "deliver" in offers:
        out["channels"] = [
            (value, label)
            for value, label in Delivery.DeliveryChannel.choices
            if getattr(hi, CHANNEL_OFFERED[value])
        ]
    if "supply-tolerated-material" in offers:
        out["tolerated_lines"] = [
            m
            for m in case.materials.all()
            if m.status == CaseMaterial.Status.TOLERATED and m.supplied_on is None
        ]
    return out


def _defaults(on: datetime.date) -> dict:
    iso = on.isoformat()
    return {
        "grant": {"valid_from": iso},
        "record-site-inspection": {"on": iso},
        "record-commitment": {"signed_on": iso},
    }


def case_context(
    request: HttpRequest, pk: int, *, failed: tuple | None = None, conflict: str = ""
) -> dict:
    user = request.user
    case = get_object_or_404(
        case_details(user)
        .select_related("region", "delivery", "handling_item__item_version__item", "target_licence")
        .prefetch_related(
            Prefetch(
                "site_inspections",
                queryset=SiteInspection.objects.prefetch_related("inspectors__staff"),
            ),
            Prefetch("suspensions", queryset=Suspension.objects.order_by("suspended_on", "id")),
        ),
        pk=pk,
    )
    on = today()
    with_clocks([case])
    steps = actions.steps_of(case)
    offers = queries.offers_for(case, user, today=on, steps=steps)
    defaults = _defaults(on)
    if "grant" in {o.name for o in offers}:
        defaults["grant"] = licence_actions.grant_defaults(case, on)
    for offer in offers:
        if failed and failed[0] == offer.name:
            offer.values, offer.errors = failed[1], failed[2]
        else:
            offer.values = defaults.get(offer.name, {})
    by_name = {o.name: o for o in offers}
    issued_ids = [int(x) for x in request.GET.get("issued", "").split(",") if x.isdigit()]
    docs = documents.documents_of(user, case)
    licence = Licence.objects.filter(case=case).first()
    return {
        "licence_standing": document_rules.licence_standing(licence, on) if licence else None,
        "revocation_proposals": list(
            RevocationProposal.objects.filter(case=case).select_related("licence")
        ),
        "case": case,
        "steps": steps,
        "current_step": current_step(steps),
        "offers": offers,
        "linked": queries.linked_offers(case, user),
        "offer": by_name,
        "possible": [o for o in offers if o.possible],
        "impossible": [o for o in offers if not o.possible],
        "choices": _choices(case, by_name, steps),
        "extension": Extension.objects.filter(case=case).first(),
        "documents": docs,
        "issued": [d for d in docs if d.pk in issued_ids],
        "due_documents": documents.due_documents(user, case),
        "conflict": conflict,
        "failed_action": failed[0] if failed else "",
        "expert_rows": expert_queries.review_rows(expert_queries.reviews_of(case)),
        # The hearings and interested parties, and the record a decision must cite.
        "hearing_panel": case_panel(case),
    }


@staff_only
@require_GET
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "workbench/case.html", case_context(request, pk))


def _action_data(action: CaseAction, post: QueryDict) -> dict[str, Any]:
    """The posted form as the action's input serializer reads it. Optional fields left empty
    are dropped, so that "no valid-until date" means none rather than a bad date."""
    data: dict[str, Any] = {key: post.get(key) for key in post if key != "csrfmiddlewaretoken"}
    if "inspectors" in post:
        data["inspectors"] = post.getlist("inspectors")
    if action.name == "assign-step" and "assignment" in post:
        # The page's one choice "<step>:<assignee>"; the API takes the two fields.
        step, _sep, assignee = str(data.pop("assignment") or "").partition(":")
        data["step"], data["assignee"] = step, assignee
    if action.name == "deny":
        data["reasons"] = [
            line.strip() for line in post.get("reasons", "").splitlines() if line.strip()
        ] or [""]
    fields = action.input().fields
    for key in list(data):
        if data[key] == "" and key in fields and not fields[key].required:
            del data[key]
    return data


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return ""


@staff_only
@require_POST
def act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Run one case action from its form on the case page (or the signatory's queue). Every
    such form carries the case's version (`_offer.html`, `sign.html`): one without it was not
    sent by the page, and is refused rather than acted on unchecked, lest two clerks acting
    at once, or a repeated post, both succeed. The API's callers may leave the version out."""
    if name not in PAGE_ACTIONS:
        raise Http404()
    case = load_case(request.user, pk)
    action = ACTION_BY_NAME[name]
    data = _action_data(action, request.POST)
    data.pop("held", None)
    if "file" in request.FILES:
        data["file"] = request.FILES["file"]
    held = _held_scan(request, case) if name in HOLDS_SCAN else None
    body = action.input(data=data)
    shown = request.POST.copy()
    shown.pop("csrfmiddlewaretoken", None)
    for key in ("held", "held_name"):
        shown.pop(key, None)
    if not body.is_valid():
        errors = _shown_errors(serializer_errors(body.errors))
        _keep_scan(request, case, name, shown, errors, held)
        context = case_context(request, pk, failed=(name, shown, errors))
        return render(request, "workbench/case.html", context, status=400)
    params = dict(body.validated_data)
    if held is not None and params.get("upload") is None:
        params["upload"] = held[0]
    head = documents.last_seq(case)
    try:
        params["expected_version"] = required_version(request.POST, "expected_version")
        action.call(case, actor=request.user, **params)
    except Conflict as exc:
        _keep_scan(request, case, name, shown, {}, held)
        context = case_context(request, pk, failed=(name, shown, {}), conflict=str(exc.message))
        return render(request, "workbench/case.html", context, status=409)
    except NotPermitted as exc:
        raise PermissionDenied(str(exc.message)) from None
    except DomainError as exc:
        errors = _shown_errors(domain_errors(exc))
        _keep_scan(request, case, name, shown, errors, held)
        context = case_context(request, pk, failed=(name, shown, errors))
        return render(request, "workbench/case.html", context, status=400)
    messages.success(request, _("已办理：{action}").format(action=queries.ACTION_LABELS[name]))
    issued = documents.issue_due(request, case, after_seq=head)
    return redirect(_safe_next(request) or case_url(case, issued=issued))


def _shown_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """The version is a hidden field: its error is shown at the top of the form."""
    for message in errors.get("expected_version", []):
        errors.setdefault("general", []).append(message)
    return errors


# The case page's forms that take a scan the window keeps when the form is refused
# (`cases.actions.hold_upload`), so the clerk sends it again without scanning again. The form
# carries the kept scan signed, bound to the clerk and the case: no other form can claim it.
HOLDS_SCAN = {"supply-tolerated-material"}


def _held_context(case: Case) -> str:
    return f"workbench.case:{case.pk}"


def _held_scan(request: HttpRequest, case: Case) -> tuple[actions.StoredFile, str] | None:
    """The scan an earlier refused try of this case's form kept, with its signed reference;
    None when the form has none, or one that is not this clerk's and this case's, or too old."""
    ref = str(request.POST.get("held", ""))
    stored = held_scans.read_reference(ref, holder=request.user, context=_held_context(case))
    return None if stored is None else (stored, ref)


def _keep_scan(
    request: HttpRequest,
    case: Case,
    name: str,
    shown: QueryDict,
    errors: dict[str, list[str]],
    held: tuple[actions.StoredFile, str] | None,
) -> None:
    """The form goes back refused: the scan sent with it is kept (`hold_upload`) and the form
    carries it back; a scan the upload check refuses is named under the file, and the one
    kept before, if any, stays."""
    if name not in HOLDS_SCAN:
        return
    scan = request.FILES.get("file")
    if scan is not None:
        try:
            stored = actions.hold_upload(scan, actor=request.user)
        except NotPermitted:
            stored = None
        except ValidationFailed as exc:
            stored = None
            said = errors.setdefault("file", [])
            said.extend(m for msgs in domain_errors(exc).values() for m in msgs if m not in said)
        if stored is not None:
            ref = held_scans.sign_reference(
                stored, holder=request.user, context=_held_context(case)
            )
            held = stored, ref
    if held is not None:
        shown["held"], shown["held_name"] = held[1], held[0].original_name


@staff_only
@require_POST
def issue(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Issue (出具) a document the case calls for, then show it for printing."""
    case = load_case(request.user, pk)
    document = documents.issue_one(request, case, kind)
    return redirect(case_url(case, issued=[document] if document else [], anchor="documents"))


@staff_only
@require_GET
def upload_file(request: HttpRequest, pk: int) -> FileResponse:
    """A material's file, for preview: only for staff who may see its case."""
    upload = get_object_or_404(
        Upload.objects.select_related("case_material"),
        pk=pk,
        case_material__case__in=visible_cases(request.user),
    )
    response = FileResponse(
        upload.file.open("rb"), content_type=upload.content_type, filename=upload.original_name
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
