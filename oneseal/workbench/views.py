"""The workbench: the pages the bureau's staff work cases in (一窗受理 to 统一出件).

Every page is for active staff holding a role (or a superuser); anyone else signed in gets
403, an anonymous visitor the login page. Every case is loaded through
`cases.queries.visible_cases`, so a case outside the user's region is a 404 that says nothing
about it. A view parses its form, calls one action of `oneseal.cases.actions` (with the
API's own input serializer, so both accept the same input) and shows the action's refusal
on the form; no rule of the law is decided here."""

import datetime
import secrets
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from oneseal.api.cases import ACTIONS, today, with_clocks
from oneseal.applicants import rules as applicant_rules
from oneseal.applicants.actions import look_up, register_applicant
from oneseal.applicants.models import Applicant
from oneseal.calendars.queries import current_calendar
from oneseal.cases import actions
from oneseal.cases import rules as case_rules
from oneseal.cases.actions import licences as licence_actions
from oneseal.cases.actions.decision import CHANNEL_OFFERED
from oneseal.cases.actions.review import current_step, guide_procedures
from oneseal.cases.actions.revocation import proposals_ready_to_decide
from oneseal.cases.models import (
    OPEN_PROPOSAL_STATES,
    Case,
    CaseMaterial,
    CaseStep,
    Channel,
    Delivery,
    Extension,
    Licence,
    RevocationProposal,
    SiteInspection,
    State,
    Suspension,
    Upload,
)
from oneseal.cases.queries import case_details, is_scoped_staff, visible_cases, visible_licences
from oneseal.catalogue.models import HandlingItem, ItemVersion, SpecialProcedure
from oneseal.documents import actions as document_actions
from oneseal.documents import queries as document_queries
from oneseal.documents import rules as document_rules
from oneseal.errors import Conflict, DomainError, NotPermitted
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role, scope_prefix, staff_of
from oneseal.portal.rules import event_text

from . import documents, queries
from .forms import ApplicantForm, CaseFilterForm

PAGE_SIZE = 25
ACTION_BY_NAME = {action.name: action for action in ACTIONS}
# The case page's forms; the intake screen does the window's own (check, accept, refuse,
# request a correction).
PAGE_ACTIONS = {
    "submit-correction", "assign-step", "complete-review-step", "record-site-inspection", "suspend", "resume",
    "request-extension", "approve-extension", "reject-extension", "grant", "deny", "deliver", "withdraw", "terminate",
    "supply-tolerated-material", "record-commitment", "verify-commitment",
    "propose-revocation", "notify-revocation", "submit-revocation-views", "record-revocation-hearing",
    "decide-revocation", "withdraw-revocation-proposal",
}
INTAKE_DECISIONS = ("save", "accept", "correction", "refuse")


def staff_only(view):
    """Signed-in staff with a role; an applicant's account gets 403."""
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_scoped_staff(request.user):
            raise PermissionDenied(_("审批工作台仅供行政审批局工作人员使用"))
        return view(request, *args, **kwargs)
    return wrapped


def load_case(user, pk: int) -> Case:
    return get_object_or_404(visible_cases(user).select_related("handling_item__item_version", "region",
                                                                "applicant"), pk=pk)


def case_url(case: Case, *, issued=(), anchor: str = "") -> str:
    url = reverse("workbench:case", args=[case.pk])
    if issued:
        url += "?" + urlencode({"issued": ",".join(str(d.pk) for d in issued)})
    return url + (f"#{anchor}" if anchor else "")


# --- home: the queues -----------------------------------------------------------------------


def _rows(page, on: datetime.date) -> list[Case]:
    return queries.attach_row_clocks(with_clocks(page.object_list), on)


@staff_only
@require_GET
def home(request):
    user = request.user
    queues = queries.queues_for(user)
    key = request.GET.get("queue") or queues[0].key
    queue = next((q for q in queues if q.key == key), None)
    if queue is None:
        raise Http404()
    form = CaseFilterForm(request.GET or None, items=queries.items_in_scope(user))
    filters = form.cleaned_data if form.is_valid() else {}
    counts = queries.queue_counts(user, queues, filters=filters)
    page = Paginator(queries.queue_cases(user, queue, filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    keep = request.GET.copy()
    for name in ("page", "queue"):
        keep.pop(name, None)
    return render(request, "workbench/home.html", {
        "queues": [(q, counts[q.key]) for q in queues], "queue": queue, "form": form, "page": page,
        "rows": _rows(page, today()), "filter_query": keep.urlencode(),
    })


@staff_only
@require_GET
def sign(request):
    """The signatory's queue: decisions to make and extensions to approve or refuse."""
    user = request.user
    if not has_role(user, Role.SIGNATORY):
        raise PermissionDenied(_("签批事项仅供签批领导办理"))
    on = today()
    lists = []
    for key in queries.SIGN_QUEUES:
        queue = queries.QUEUE_BY_KEY[key]
        page = Paginator(queries.queue_cases(user, queue).select_related("extension"), PAGE_SIZE).get_page(
            request.GET.get(f"{key}_page"))
        lists.append((queue, page, _rows(page, on)))
    # Revocations whose holder was heard or whose period passed (cases.actions.revocation).
    with_open = visible_cases(user).filter(revocation_proposals__state__in=OPEN_PROPOSAL_STATES).select_related("region")
    proposals = proposals_ready_to_decide(
        [c.pk for c in with_open.distinct() if has_role(user, Role.SIGNATORY, c.region)], today=on)
    return render(request, "workbench/sign.html", {"lists": lists, "revocations": proposals})


# --- notices to issue -----------------------------------------------------------------------


@staff_only
@require_GET
def notices(request):
    """The window's queue of notices their act could not issue (no seal, no wording in force,
    a character no font draws …): each with the reason recorded then, what still stands in the
    way now, and a button to issue it; the overdue ones first (e-supervision counts them)."""
    user = request.user
    if not (has_role(user, Role.CLERK) or has_role(user, Role.SIGNATORY)):
        raise PermissionDenied(_("待出具文书仅供窗口受理人员和签批领导办理"))
    on = today()
    cal = current_calendar()
    page = Paginator(document_queries.pending_notices(user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for pending in page:
        due_by = document_queries.notice_overdue_on(cal, pending.queued_on)
        rows.append({"pending": pending, "overdue": due_by <= on,
                     "blockers": document_queries.issue_blockers(pending.case, kind=pending.kind),
                     "act": event_text(pending.event.action)})
    return render(request, "workbench/notices.html", {"page": page, "rows": rows,
                                                      "days": document_rules.NOTICE_ISSUE_DAYS})


@staff_only
@require_POST
def issue_notice(request, pk):
    """Issue one notice of the queue, then show it for printing on its case."""
    pending = get_object_or_404(document_queries.pending_notices(request.user), pk=pk)
    try:
        document = document_actions.issue_pending(pending, actor=request.user)
    except NotPermitted as exc:
        raise PermissionDenied(str(exc.message)) from None
    except DomainError as exc:
        messages.error(request, _("未能出具{label}：{reason}").format(
            label=pending.get_kind_display(), reason="；".join(str(r) for r in exc.reasons) or str(exc.message)))
        return redirect("workbench:notices")
    messages.success(request, _("已出具{label}（{number}）").format(label=document.get_kind_display(),
                                                                 number=document.number))
    return redirect(case_url(pending.case, issued=[document], anchor="documents"))


# --- the case page ------------------------------------------------------------------------


def _choices(case: Case, offers: dict, steps: list[CaseStep]) -> dict:
    hi = case.handling_item
    out = {}
    if "assign-step" in offers:
        out["pending_steps"] = [s for s in steps if s.state == CaseStep.StepState.PENDING]
        out["assignees"] = list(queries.staff_covering(case, Role.REVIEWER, Role.SIGNATORY))
    if "record-site-inspection" in offers:
        out["inspectors"] = list(queries.staff_covering(case))
    if "suspend" in offers:
        # Only the procedures the item's guide lists may be started (cases.actions.review.suspend).
        out["procedure_kinds"] = [(kind, SpecialProcedure.Kind(kind).label) for kind in guide_procedures(case)]
    if "deliver" in offers:
        out["channels"] = [(value, label) for value, label in Delivery.DeliveryChannel.choices
                           if getattr(hi, CHANNEL_OFFERED[value])]
    if "supply-tolerated-material" in offers:
        out["tolerated_lines"] = [m for m in case.materials.all()
                                  if m.status == CaseMaterial.Status.TOLERATED and m.supplied_on is None]
    return out


def _defaults(on: datetime.date) -> dict:
    iso = on.isoformat()
    return {"grant": {"valid_from": iso}, "record-site-inspection": {"on": iso},
            "record-commitment": {"signed_on": iso}}


def case_context(request, pk: int, *, failed: tuple | None = None, conflict: str = "") -> dict:
    user = request.user
    case = get_object_or_404(
        case_details(user).select_related("region", "delivery", "handling_item__item_version__item", "target_licence")
        .prefetch_related(
            Prefetch("site_inspections", queryset=SiteInspection.objects.prefetch_related("inspectors__staff")),
            Prefetch("suspensions", queryset=Suspension.objects.order_by("suspended_on", "id")),
        ), pk=pk)
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
        "revocation_proposals": list(RevocationProposal.objects.filter(case=case).select_related("licence")),
        "case": case, "steps": steps, "current_step": current_step(steps), "offers": offers, "offer": by_name,
        "possible": [o for o in offers if o.possible], "impossible": [o for o in offers if not o.possible],
        "choices": _choices(case, by_name, steps), "extension": Extension.objects.filter(case=case).first(),
        "documents": docs, "issued": [d for d in docs if d.pk in issued_ids],
        "due_documents": documents.due_documents(user, case), "conflict": conflict,
        "failed_action": failed[0] if failed else "",
    }


@staff_only
@require_GET
def case_page(request, pk):
    return render(request, "workbench/case.html", case_context(request, pk))


def _action_data(action, post) -> dict:
    """The posted form as the action's input serializer reads it. Optional fields left empty
    are dropped, so that "no valid-until date" means none rather than a bad date."""
    data = {key: post.get(key) for key in post if key != "csrfmiddlewaretoken"}
    if "inspectors" in post:
        data["inspectors"] = post.getlist("inspectors")
    if action.name == "deny":
        data["reasons"] = [line.strip() for line in post.get("reasons", "").splitlines() if line.strip()] or [""]
    fields = action.input().fields
    for key in list(data):
        if data[key] == "" and key in fields and not fields[key].required:
            del data[key]
    return data


def serializer_errors(errors: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for field, messages_ in errors.items():
        if isinstance(messages_, dict):  # a map field: {line: [messages]}
            flat = [str(m) for value in messages_.values() for m in (value if isinstance(value, list) else [value])]
        else:
            flat = [str(m) for m in messages_]
        out["general" if field == "non_field_errors" else field] = flat
    return out


def domain_errors(exc: DomainError) -> dict[str, list[str]]:
    out = {field: [str(m) for m in msgs] for field, msgs in exc.fields.items()}
    placed = {m for msgs in out.values() for m in msgs}
    top = [str(r) for r in exc.reasons if str(r) not in placed]
    if not out and not top:
        top = [str(exc.message)]
    if top:
        out["general"] = top
    return out


def _safe_next(request) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return ""


@staff_only
@require_POST
def act(request, pk, name):
    """Run one case action from its form on the case page (or the signatory's queue)."""
    if name not in PAGE_ACTIONS:
        raise Http404()
    case = load_case(request.user, pk)
    action = ACTION_BY_NAME[name]
    data = _action_data(action, request.POST)
    body = action.input(data=data)
    shown = request.POST.copy()
    shown.pop("csrfmiddlewaretoken", None)
    if not body.is_valid():
        context = case_context(request, pk, failed=(name, shown, serializer_errors(body.errors)))
        return render(request, "workbench/case.html", context, status=400)
    head = documents.last_seq(case)
    try:
        action.call(case, actor=request.user, **body.validated_data)
    except Conflict as exc:
        context = case_context(request, pk, failed=(name, shown, {}), conflict=str(exc.message))
        return render(request, "workbench/case.html", context, status=409)
    except NotPermitted as exc:
        raise PermissionDenied(str(exc.message)) from None
    except DomainError as exc:
        context = case_context(request, pk, failed=(name, shown, domain_errors(exc)))
        return render(request, "workbench/case.html", context, status=400)
    messages.success(request, _("已办理：{action}").format(action=queries.ACTION_LABELS[name]))
    issued = documents.issue_due(request, case, after_seq=head)
    return redirect(_safe_next(request) or case_url(case, issued=issued))


@staff_only
@require_POST
def issue(request, pk, kind):
    """Issue (出具) a document the case calls for, then show it for printing."""
    case = load_case(request.user, pk)
    document = documents.issue_one(request, case, kind)
    return redirect(case_url(case, issued=[document] if document else [], anchor="documents"))


@staff_only
@require_GET
def upload_file(request, pk):
    """A material's file, for preview: only for staff who may see its case."""
    upload = get_object_or_404(Upload.objects.select_related("case_material"),
                               pk=pk, case_material__case__in=visible_cases(request.user))
    response = FileResponse(upload.file.open("rb"), content_type=upload.content_type,
                            filename=upload.original_name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- intake at the window -----------------------------------------------------------------


def _require_clerk(user) -> None:
    if not has_role(user, Role.CLERK):
        raise PermissionDenied(_("收件受理仅供综合受理窗口工作人员办理"))


def handling_items_in_force(user):
    """Handling items the user's window may open a case for today."""
    prefix = scope_prefix(user) or ""
    return HandlingItem.objects.filter(
        item_version__in=ItemVersion.objects.in_force(today()),
        item_version__item__catalogue__region__code__startswith=prefix,
    ).select_related("item_version__original_department")


def find_handling_items(user, text: str, limit: int = 10) -> list[dict]:
    """Plain-words search over the handling items in force in the user's region: the portal's
    ranked search when installed, else every word contained in the item's or handling item's
    name or everyday names."""
    text = (text or "").strip()[:100]
    if not text:
        return []
    staff = staff_of(user)
    region_code = staff.region.code if staff is not None and not user.is_superuser else None
    try:
        from oneseal.search.queries import search_handling_items
    except ImportError:
        search_handling_items = None
    if search_handling_items is not None:
        found, seen = [], set()
        # A hit brings its item's other handling items (变更, 注销 …): the clerk picks the exact one.
        for hit in search_handling_items(text, region_code=region_code, limit=limit):
            for hi_id, name in [(hit.handling_item.pk, hit.handling_item_name),
                                *[(s.handling_item.pk, s.name) for s in hit.others]]:
                if hi_id not in seen:
                    seen.add(hi_id)
                    found.append({"id": hi_id, "item_name": hit.item_name, "name": name,
                                  "department": hit.department_name})
        return found
    qs = handling_items_in_force(user)
    for word in text.split():
        qs = qs.filter(Q(name__icontains=word) | Q(item_version__name__icontains=word) | Q(keywords__icontains=word))
    return [{"id": hi.pk, "item_name": hi.item_version.name, "name": hi.name,
             "department": getattr(hi.item_version.original_department, "name", "")}
            for hi in qs.order_by("item_version__name", "order", "id")[:limit]]


@staff_only
@require_GET
def find_items(request):
    """htmx: the handling items matching the typed words, as radio buttons."""
    _require_clerk(request.user)
    return render(request, "workbench/_item_results.html",
                  {"results": find_handling_items(request.user, request.GET.get("item_q", "")),
                   "searched": bool(request.GET.get("item_q", "").strip()), "chosen": None})


@staff_only
@require_GET
def check_number(request):
    """htmx: the ID number or credit code checked as typed (GB 11643 / GB 32100), and whether
    the applicant is registered already (a window clerk holds their papers)."""
    _require_clerk(request.user)
    kind = request.GET.get("kind", Applicant.Kind.PERSON)
    number = request.GET.get("number", "")
    context = {"typed": bool(number.strip())}
    if context["typed"]:
        try:
            if kind == Applicant.Kind.ORGANISATION:
                context["normalised"] = applicant_rules.validate_credit_code(number)
            else:
                kind, context["normalised"] = Applicant.Kind.PERSON, applicant_rules.validate_id_number(number)
            # Who holds the number is disclosed to the clerk: the look-up is audited.
            context["existing"] = look_up(actor=request.user, kind=kind, number=number, via="intake-check")
        except ValueError as exc:
            context["error"] = str(exc)
    return render(request, "workbench/_number_check.html", context)


def _intake_context(request, form, *, results=None) -> dict:
    chosen = None
    source = form.data if form.is_bound else form.initial
    if str(source.get("handling_item", "")).isdigit():
        chosen = handling_items_in_force(request.user).filter(pk=int(source["handling_item"])).first()
    return {"form": form, "results": results or [], "chosen": chosen,
            "item_q": request.GET.get("item_q", request.POST.get("item_q", "")),
            "token": request.POST.get("token") or secrets.token_hex(16)}


@staff_only
@require_http_methods(["GET", "POST"])
def intake(request):
    """Receive (收件) at the window: find or register the applicant, choose the handling item
    by plain words, open the case; the material check follows on `intake_case`."""
    user = request.user
    _require_clerk(user)
    if request.method == "GET":
        # Without JavaScript the item search reloads the page with what was typed so far.
        form = ApplicantForm(initial=request.GET.dict())
        results = find_handling_items(user, request.GET.get("item_q", ""))
        return render(request, "workbench/intake.html", _intake_context(request, form, results=results))
    form = ApplicantForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        hi = handling_items_in_force(user).filter(pk=data["handling_item"]).first()
        number = data["licence_number"].strip().upper()
        # The window searches the register of its own region; whether the licence may be acted on
        # (holder, item, standing, 第五十条) is for `receive` to say.
        licence = visible_licences(user).filter(number=number).first() if number else None
        if hi is None:
            form.add_error("handling_item", _("所选办理项不在本地区现行目录中，请重新查找"))
        elif number and licence is None:
            form.add_error("licence_number", _("登记簿中没有证照{number}").format(number=number))
        else:
            try:
                applicant = register_applicant(
                    actor=user, kind=data["kind"], name=data["name"], number=data["number"], phone=data["phone"],
                    email=data["email"], representative=data["representative"], address=data["address"])
                case = actions.receive(hi, actor=user, applicant=applicant, channel=Channel.WINDOW,
                                       idempotency_key=request.POST.get("token", "")[:64],
                                       agent_name=data["agent_name"], agent_id_number=data["agent_id_number"],
                                       agent_phone=data["agent_phone"], target_licence=licence)
            except NotPermitted as exc:
                raise PermissionDenied(str(exc.message)) from None
            except DomainError as exc:
                for field, msgs in domain_errors(exc).items():
                    field = form.FIELD_OF.get(field, field)
                    for msg in msgs:
                        form.add_error(field if field in form.fields else None, msg)
            else:
                messages.success(request, _("已收件，办件编号{number}，请核验材料").format(number=case.number))
                return redirect("workbench:intake-case", pk=case.pk)
    results = find_handling_items(user, request.POST.get("item_q", ""))
    return render(request, "workbench/intake.html", _intake_context(request, form, results=results), status=400)


def _intake_case_context(request, case: Case, *, errors: dict | None = None, conflict: str = "") -> dict:
    case = get_object_or_404(case_details(request.user), pk=case.pk)
    with_clocks([case])
    lines = list(case.materials.all())
    posted = request.POST if request.method == "POST" else {}
    for line in lines:
        line.form_status = posted.get(f"status_{line.pk}", line.status)
        line.form_note = posted.get(f"note_{line.pk}", line.note)
        line.form_tolerated = bool(posted.get(f"tolerated_{line.pk}"))
        line.form_promised = posted.get(f"promised_{line.pk}", "")
        line.form_errors = (errors or {}).get(f"line_{line.pk}", [])
    statuses = [(v, label) for v, label in CaseMaterial.Status.choices if v != CaseMaterial.Status.TOLERATED]
    errors = errors or {}
    inline = {"clause", "reason", "competent_body"}
    top = [m for field, msgs in errors.items() if field not in inline and not field.startswith("line_") for m in msgs]
    return {"case": case, "lines": lines, "statuses": statuses, "errors": errors, "top_errors": top,
            "conflict": conflict,
            # What acceptance still waits for, as the checklist is stored now.
            "blockers": actions.accept_blockers(case, on=today()) if case.state == State.RECEIVED else [],
            "state_blockers": [str(b) for b in case_rules.transition_blockers("accept", case.state)],
            "posted": posted, "decision": posted.get("decision", ""),
            # The receipt issued with the intake, for the window to print and hand over.
            "receipt": document_queries.visible_documents(request.user).filter(
                case=case, kind="receipt", state="genuine").order_by("-issued_at").first()}


class _InputRefused(Exception):
    def __init__(self, errors: dict):
        self.errors = errors
        super().__init__(str(errors))


def _parse_line_map(prefix: str, post, lines) -> dict[str, str]:
    return {str(line.pk): post.get(f"{prefix}_{line.pk}", "") for line in lines}


@staff_only
@require_http_methods(["GET", "POST"])
def intake_case(request, pk):
    """The material checklist of a received case: per line its status, a note, a file and,
    where the material may be tolerated, a promised date; then accept, ask once for every
    correction, or refuse — and the notice is issued for printing at once."""
    user = request.user
    _require_clerk(user)
    case = load_case(user, pk)
    if request.method == "GET":
        return render(request, "workbench/intake_case.html", _intake_case_context(request, case))
    decision = request.POST.get("decision", "save")
    if decision not in INTAKE_DECISIONS:
        decision = "save"
    lines = list(case.materials.select_related("material"))
    check = ACTION_BY_NAME["check-materials"].input(data={
        "statuses": _parse_line_map("status", request.POST, lines),
        "notes": _parse_line_map("note", request.POST, lines),
        "expected_version": request.POST.get("expected_version") or None,
    })
    if not check.is_valid():
        return render(request, "workbench/intake_case.html",
                      _intake_case_context(request, case, errors=serializer_errors(check.errors)), status=400)
    errors: dict[str, list[str]] = {}
    head = documents.last_seq(case)
    try:
        case = actions.check_materials(case, actor=user, **check.validated_data)
        for line in lines:
            upload = request.FILES.get(f"file_{line.pk}")
            if upload is not None:
                try:
                    actions.attach_file(line, actor=user, upload=upload)
                except DomainError as exc:
                    errors[f"line_{line.pk}"] = [m for msgs in domain_errors(exc).values() for m in msgs]
        if errors or decision == "save":
            if not errors:
                messages.success(request, _("材料核验结果已保存"))
                return redirect("workbench:intake-case", pk=case.pk)
            return render(request, "workbench/intake_case.html",
                          _intake_case_context(request, case, errors=errors), status=400)
        _decide(request, case, decision, lines)
    except Conflict as exc:
        return render(request, "workbench/intake_case.html",
                      _intake_case_context(request, case, conflict=str(exc.message)), status=409)
    except NotPermitted as exc:
        raise PermissionDenied(str(exc.message)) from None
    except _InputRefused as refused:
        return render(request, "workbench/intake_case.html",
                      _intake_case_context(request, case, errors=refused.errors), status=400)
    except DomainError as exc:
        return render(request, "workbench/intake_case.html",
                      _intake_case_context(request, case, errors=domain_errors(exc)), status=400)
    labels = {"accept": _("已受理"), "correction": _("已出具一次性补正告知"), "refuse": _("已决定不予受理")}
    messages.success(request, labels[decision])
    issued = documents.issue_due(request, case, after_seq=head)
    return redirect(case_url(case, issued=issued))


def _decide(request, case: Case, decision: str, lines: list[CaseMaterial]) -> None:
    """Accept (with any tolerated lines and their promised dates), request one correction of
    every line marked missing or defective, or refuse."""
    post, user = request.POST, request.user
    if decision == "accept":
        data = {"tolerated": {str(line.pk): post.get(f"promised_{line.pk}", "") for line in lines
                              if post.get(f"tolerated_{line.pk}")}}
        name = "accept"
    elif decision == "correction":
        wanted = (CaseMaterial.Status.MISSING, CaseMaterial.Status.DEFECTIVE)
        data = {"items": {str(line.pk): post.get(f"note_{line.pk}", "") for line in lines
                          if post.get(f"status_{line.pk}") in wanted}}
        name = "request-correction"
    else:
        data = {"clause": post.get("clause", ""), "reason": post.get("reason", ""),
                "competent_body": post.get("competent_body", "")}
        name = "refuse"
    data["expected_version"] = case.lock_version
    body = ACTION_BY_NAME[name].input(data=data)
    if not body.is_valid():
        raise _InputRefused(serializer_errors(body.errors))
    ACTION_BY_NAME[name].call(case, actor=user, **body.validated_data)
