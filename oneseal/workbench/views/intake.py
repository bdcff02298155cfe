"""The window (一窗受理): find or register the applicant and open the case
(`receive_at_window`), then check the materials and accept, ask once for every correction,
or refuse."""

import datetime
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_GET, require_http_methods

from oneseal.applicants import rules as applicant_rules
from oneseal.applicants.actions import look_up
from oneseal.applicants.models import Applicant
from oneseal.calendars.queries import today
from oneseal.cases import actions
from oneseal.cases import rules as case_rules
from oneseal.cases.actions import held_scans
from oneseal.cases.models import (
    Case,
    CaseMaterial,
    State,
)
from oneseal.cases.queries import (
    Viewer,
    case_details,
    published_parts,
    visible_licences,
    with_clocks,
)
from oneseal.catalogue import rules as catalogue_rules
from oneseal.catalogue.models import HandlingItem, ItemVersion, Material
from oneseal.documents import queries as document_queries
from oneseal.errors import Conflict, DomainError, NotPermitted, ValidationFailed
from oneseal.interface.forms import required_version
from oneseal.interface.rows import shown_with
from oneseal.organisation.rules import scope_prefix, staff_of
from oneseal.search.queries import search_handling_items

from .. import documents
from ..forms import ApplicantForm
from .common import (
    ACTION_BY_NAME,
    case_url,
    domain_errors,
    load_case,
    require_clerk,
    serializer_errors,
    staff_only,
)

INTAKE_DECISIONS = ("save", "accept", "correction", "refuse")


def handling_items_in_force(user: Viewer) -> QuerySet[HandlingItem]:
    """Handling items the user's window may open a case for today."""
    prefix = scope_prefix(user) or ""
    return HandlingItem.objects.filter(
        item_version__in=ItemVersion.objects.in_force(today()),
        item_version__item__catalogue__region__code__startswith=prefix,
    ).select_related("item_version__original_department")


def find_handling_items(user: Viewer, text: str, limit: int = 10) -> list[dict]:
    """Plain-words search over the handling items in force in the user's region (the portal's
    ranked search, `search.queries`)."""
    text = (text or "").strip()[:100]
    if not text:
        return []
    staff = staff_of(user)
    region_code = staff.region.code if staff is not None and not user.is_superuser else None
    found: list[dict] = []
    seen: set[int] = set()
    # A hit brings its item's other handling items (变更, 注销 …): the clerk picks the exact one.
    for hit in search_handling_items(text, region_code=region_code, limit=limit):
        for hi_id, name in [
            (hit.handling_item.pk, hit.handling_item_name),
            *[(s.handling_item.pk, s.name) for s in hit.others],
        ]:
            if hi_id not in seen:
                seen.add(hi_id)
                found.append(
                    {
                        "id": hi_id,
                        "item_name": hit.item_name,
                        "name": name,
                        "department": hit.department_name,
                    }
                )
    return found


@staff_only
@require_GET
def find_items(request: HttpRequest) -> HttpResponse:
    """htmx: the handling items matching the typed words, as radio buttons."""
    require_clerk(request.user)
    return render(
        request,
        "workbench/_item_results.html",
        {
            "results": find_handling_items(request.user, request.GET.get("item_q", "")),
            "searched": bool(request.GET.get("item_q", "").strip()),
            "chosen": None,
        },
    )


@staff_only
@require_GET
def check_number(request: HttpRequest) -> HttpResponse:
    """htmx: the ID number or credit code checked as typed (GB 11643 / GB 32100), and whether
    the applicant is registered already (a window clerk holds their papers)."""
    require_clerk(request.user)
    kind = request.GET.get("kind", Applicant.Kind.PERSON)
    # The agent's number is checked the same way; nobody is looked up for it.
    agent = "agent_id_number" in request.GET
    number = request.GET.get("agent_id_number" if agent else "number", "")
    context: dict[str, object] = {"typed": bool(number.strip()), "agent": agent}
    if number.strip():
        try:
            if agent:
                context["normalised"] = applicant_rules.validate_id_number(number)
                return render(request, "workbench/_number_check.html", context)
            if kind == Applicant.Kind.ORGANISATION:
                context["normalised"] = applicant_rules.validate_credit_code(number)
            else:
                kind, context["normalised"] = (
                    Applicant.Kind.PERSON,
                    applicant_rules.validate_id_number(number),
                )
            # Who holds the number is disclosed to the clerk: the look-up is audited.
            context["existing"] = look_up(
                actor=request.user, kind=kind, number=number, via="intake-check"
            )
        except ValueError as exc:
            context["error"] = str(exc)
    return render(request, "workbench/_number_check.html", context)


APPLICANT_FIELDS = ("kind", "name", "number", "phone", "email", "representative", "address")

# The checklist's statuses a clerk sets (容缺 is set by accepting with a promised date).
WINDOW_STATUSES = [
    (value, label)
    for value, label in CaseMaterial.Status.choices
    if value != CaseMaterial.Status.TOLERATED
]


@dataclass
class ChecklistRow:
    """One material of the chosen handling item as the window's checklist shows it before
    the case exists: named by the material's id, with what the clerk has set so far."""

    material: Material
    applies: bool
    attorney: bool
    status: str
    note: str
    tolerated: bool
    promised: str
    errors: list[str] = field(default_factory=list)
    # The scan an earlier refused attempt of this form kept (`cases.actions.hold_upload`), and
    # the signed reference the form carries to give it back.
    held: actions.StoredFile | None = None
    held_ref: str = ""


Held = dict[int, tuple[actions.StoredFile, str]]


def _held_context(token: str, material_id: int) -> str:
    # A scan kept for a refused intake is referenced by the form, signed
    # (`held_scans.sign_reference`): bound to the clerk, the form (its idempotency token) and
    # the material, so no other form or clerk can claim it.
    return f"workbench.intake:{token}:{material_id}"


def _held_files(user: Viewer, data: Mapping[str, Any]) -> Held:
    """The scans kept by earlier refused attempts of this form, by material id; a reference
    that is not this clerk's, not this form's or too old is ignored (the scan is taken again)."""
    token = str(data.get("token", ""))[:64]
    out: Held = {}
    if not token:
        return out
    for key in data:
        if not (key.startswith("held-") and key[5:].isdigit()):
            continue
        ref = str(data.get(key, ""))
        stored = held_scans.read_reference(
            ref, holder=user, context=_held_context(token, int(key[5:]))
        )
        if stored is not None:
            out[int(key[5:])] = (stored, ref)
    return out


def _chosen_item(user: Viewer, data: Mapping[str, Any]) -> HandlingItem | None:
    value = str(data.get("handling_item", ""))
    if not value.isdigit():
        return None
    return handling_items_in_force(user).filter(pk=int(value)).first()


def _agent_named(data: Mapping[str, Any]) -> bool:
    return case_rules.names_agent(
        str(data.get("agent_name", "")), str(data.get("agent_id_number", ""))
    )


def _checklist_rows(
    hi: HandlingItem, data: Mapping[str, Any], held: Held | None = None
) -> list[ChecklistRow]:
    """The chosen item's materials for this applicant's situation (a material of another
    kind of applicant, or the power of attorney when nobody files for them, is not needed),
    with what the form carries for each, and the scans kept for it (`held`)."""
    held = held or {}
    kind = str(data.get("kind", Applicant.Kind.PERSON))
    by_agent = _agent_named(data)
    rows = []
    for m in published_parts(hi).materials:
        applies = catalogue_rules.material_applies(m, applicant_kind=kind, by_agent=by_agent)
        default = CaseMaterial.Status.PENDING if applies else CaseMaterial.Status.NOT_NEEDED
        rows.append(
            ChecklistRow(
                material=m,
                applies=applies,
                attorney=by_agent and case_rules.is_power_of_attorney(m.applies_to, m.name),
                status=str(data.get(f"status-{m.pk}", default)),
                note=str(data.get(f"note-{m.pk}", "")),
                tolerated=bool(data.get(f"tolerated-{m.pk}")),
                promised=str(data.get(f"promised-{m.pk}", "")),
                held=held[m.pk][0] if m.pk in held else None,
                held_ref=held[m.pk][1] if m.pk in held else "",
            )
        )
    return rows


def _checklist_context(user: Viewer, data: Mapping[str, Any], held: Held | None = None) -> dict:
    """What the checklist part of the window shows: the chosen item's checklist and what
    the rules already say of the applicant typed so far — the item's applicant type (the same
    check `receive` makes) and the power of attorney an agent must bring."""
    hi = _chosen_item(user, data)
    if hi is None:
        return {"chosen": None, "rows": []}
    kind = str(data.get("kind", ""))
    rows = _checklist_rows(hi, data, _held_files(user, data) if held is None else held)
    agent = _agent_named(data)
    return {
        "chosen": hi,
        "rows": rows,
        "statuses": WINDOW_STATUSES,
        "kind_blockers": actions.applicant_kind_blockers(hi, kind)
        if kind in Applicant.Kind.values
        else [],
        "agent_named": agent,
        "attorney_unlisted": agent and not any(r.attorney for r in rows),
    }


@staff_only
@require_GET
def checklist(request: HttpRequest) -> HttpResponse:
    """htmx: the chosen item's checklist for the applicant's kind and whether an agent files,
    keeping what the clerk has set; redrawn when the item, the kind or the agent changes."""
    require_clerk(request.user)
    return render(
        request,
        "workbench/_intake_checklist.html",
        _checklist_context(request.user, request.GET),
    )


def _intake_context(
    request: HttpRequest,
    form: ApplicantForm,
    *,
    results: list[dict] | None = None,
    line_errors: dict[int, list[str]] | None = None,
    refusal_errors: dict[str, list[str]] | None = None,
    top_errors: list[str] | None = None,
    held: Held | None = None,
) -> dict:
    source = form.data if form.is_bound else form.initial
    context = _checklist_context(request.user, source, held)
    for row in context["rows"]:
        row.errors = (line_errors or {}).get(row.material.pk, [])
    return {
        **context,
        "form": form,
        "results": results or [],
        "item_q": request.GET.get("item_q", request.POST.get("item_q", "")),
        "token": request.POST.get("token") or secrets.token_hex(16),
        "posted": request.POST if request.method == "POST" else {},
        "refusal_errors": refusal_errors or {},
        "top_errors": top_errors or [],
    }


def _line_checks(
    rows: list[ChecklistRow], data: QueryDict
) -> tuple[dict[int, actions.LineCheck], dict[int, list[str]]]:
    """The checklist as the form sent it, by material id; a promised date that is not a date
    is named on its line."""
    checks: dict[int, actions.LineCheck] = {}
    errors: dict[int, list[str]] = {}
    for row in rows:
        pk = row.material.pk
        if f"status-{pk}" not in data:
            continue  # not on the form (a window that only receives)
        promised = None
        if row.tolerated and row.promised:
            try:
                promised = datetime.date.fromisoformat(row.promised)
            except ValueError:
                errors[pk] = [_("承诺补齐日期格式应为 YYYY-MM-DD")]
        checks[pk] = actions.LineCheck(
            status=row.status, note=row.note, tolerated=row.tolerated, promised_by=promised
        )
    return checks, errors


DECIDED = {
    "receive": _l("已收件，办件编号{number}，请核验材料"),
    "accept": _l("已收件并受理，办件编号{number}"),
    "correction": _l("已收件并出具一次性补正告知，办件编号{number}"),
    "refuse": _l("已收件并决定不予受理，办件编号{number}"),
}
REFUSAL_FIELDS = ("clause", "reason", "competent_body")


@staff_only
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    """一窗受理 on one screen: the applicant (checked as typed), an agent if any, the handling
    item found by plain words, its checklist, and the decision — accept, ask once for every
    correction, refuse, or only receive (the check then follows on `intake_case`). One act
    (`cases.actions.intake_at_window`): a refused decision stores nothing and names each field."""
    user = request.user
    require_clerk(user)
    if request.method == "GET":
        # Without JavaScript the item search reloads the page with what was typed so far.
        form = ApplicantForm(initial=request.GET.dict())
        results = find_handling_items(user, request.GET.get("item_q", ""))
        return render(
            request, "workbench/intake.html", _intake_context(request, form, results=results)
        )
    form = ApplicantForm(request.POST)
    decision = request.POST.get("decision") or "receive"
    hi = _chosen_item(user, request.POST)
    held = _held_files(user, request.POST)
    rows = _checklist_rows(hi, request.POST, held) if hi is not None else []
    # The scans taken with the form: a newly chosen file replaces the one kept for its line.
    scans: dict[int, UploadedFile] = {}
    for row in rows:
        chosen = request.FILES.get(f"file-{row.material.pk}")
        if chosen is not None:
            scans[row.material.pk] = chosen
    checks, line_errors = _line_checks(rows, request.POST)
    refusal_errors: dict[str, list[str]] = {}
    top: list[str] = []
    if form.is_valid() and not line_errors:
        data = form.cleaned_data
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
                case = actions.intake_at_window(
                    hi,
                    actor=user,
                    applicant={name: data[name] for name in APPLICANT_FIELDS},
                    decision=decision,
                    checklist=checks,
                    refusal={name: request.POST.get(name, "") for name in REFUSAL_FIELDS},
                    idempotency_key=request.POST.get("token", "")[:64],
                    agent_name=data["agent_name"],
                    agent_id_number=data["agent_id_number"],
                    agent_phone=data["agent_phone"],
                    target_licence=licence,
                    uploads={
                        **{r.material.pk: r.held for r in rows if r.held is not None},
                        **scans,
                    },
                )
            except NotPermitted as exc:
                raise PermissionDenied(str(exc.message)) from None
            except DomainError as exc:
                top = _place_errors(exc, form, rows, line_errors, refusal_errors)
            else:
                messages.success(request, str(DECIDED[decision]).format(number=case.number))
                if decision == "receive":
                    return redirect("workbench:intake-case", pk=case.pk)
                issued = documents.issue_due(request, case)
                return redirect(case_url(case, issued=issued))
    results = find_handling_items(user, request.POST.get("item_q", ""))
    return render(
        request,
        "workbench/intake.html",
        _intake_context(
            request,
            form,
            results=results,
            line_errors=line_errors,
            refusal_errors=refusal_errors,
            top_errors=top,
            held=_hold_scans(request, rows, scans, held, line_errors),
        ),
        status=400,
    )


def _hold_scans(
    request: HttpRequest,
    rows: list[ChecklistRow],
    scans: dict[int, UploadedFile],
    held: Held,
    line_errors: dict[int, list[str]],
) -> Held:
    """The intake went back with errors: each scan sent with it that passes the upload check
    is kept (`cases.actions.hold_upload`) and the form carries it back, so the clerk corrects
    what was wrong without scanning again; a scan the check refuses is named on its line and
    the one kept before, if any, stays."""
    names = {row.material.pk: row.material.name for row in rows}
    token = request.POST.get("token", "")[:64]
    kept = dict(held)
    for pk, scan in scans.items():
        try:
            stored = actions.hold_upload(scan, actor=request.user)
        except ValidationFailed as exc:
            line = line_errors.setdefault(pk, [])
            for msgs in domain_errors(exc).values():
                for msg in msgs:
                    said = _("“{m}”：{problem}").format(m=names[pk], problem=msg)
                    if said not in line:
                        line.append(said)
            continue
        ref = held_scans.sign_reference(
            stored, holder=request.user, context=_held_context(token, pk)
        )
        kept[pk] = (stored, ref)
    return kept


def _place_errors(
    exc: DomainError,
    form: ApplicantForm,
    rows: list[ChecklistRow],
    line_errors: dict[int, list[str]],
    refusal_errors: dict[str, list[str]],
) -> list[str]:
    """Each of the action's refusals beside the field it names: the applicant's fields, a
    material's line (`material-<id>`; the power of attorney on its own lines), the refusal's
    fields; the rest (what acceptance still waits for) above the form."""
    top: list[str] = []
    for name, msgs in domain_errors(exc).items():
        name = form.FIELD_OF.get(name, name)
        if name.startswith("material-") and name[9:].isdigit():
            line_errors.setdefault(int(name[9:]), []).extend(msgs)
        elif name == "power_of_attorney" and any(r.attorney for r in rows):
            for row in rows:
                if row.attorney:
                    line_errors.setdefault(row.material.pk, []).extend(msgs)
        elif name in REFUSAL_FIELDS:
            refusal_errors[name] = msgs
        elif name in form.fields:
            for msg in msgs:
                form.add_error(name, msg)
        else:
            top.extend(m for m in msgs if m not in top)
    return top


def _intake_case_context(
    request: HttpRequest, case: Case, *, errors: dict | None = None, conflict: str = ""
) -> dict:
    case = get_object_or_404(case_details(request.user), pk=case.pk)
    with_clocks([case])
    lines = list(case.materials.all())
    posted = request.POST if request.method == "POST" else {}
    for line in lines:
        shown_with(
            line,
            form_status=posted.get(f"status_{line.pk}", line.status),
            form_note=posted.get(f"note_{line.pk}", line.note),
            form_tolerated=bool(posted.get(f"tolerated_{line.pk}")),
            form_promised=posted.get(f"promised_{line.pk}", ""),
            form_errors=(errors or {}).get(f"line_{line.pk}", []),
        )
    statuses = [
        (v, label) for v, label in CaseMaterial.Status.choices if v != CaseMaterial.Status.TOLERATED
    ]
    errors = errors or {}
    inline = {"clause", "reason", "competent_body"}
    top = [
        m
        for field, msgs in errors.items()
        if field not in inline and not field.startswith("line_")
        for m in msgs
    ]
    return {
        "case": case,
        "lines": lines,
        "statuses": statuses,
        "errors": errors,
        "top_errors": top,
        "conflict": conflict,
        # What acceptance still waits for, as the checklist is stored now.
        "blockers": actions.accept_blockers(case, on=today())
        if case.state == State.RECEIVED
        else [],
        "state_blockers": [str(b) for b in case_rules.transition_blockers("accept", case.state)],
        "posted": posted,
        "decision": posted.get("decision", ""),
        # The receipt issued with the intake, for the window to print and hand over.
        "receipt": document_queries.visible_documents(request.user)
        .filter(case=case, kind="receipt", state="genuine")
        .order_by("-issued_at")
        .first(),
    }


class _InputRefused(Exception):
    def __init__(self, errors: dict):
        self.errors = errors
        super().__init__(str(errors))


def _parse_line_map(prefix: str, post: QueryDict, lines: Iterable[CaseMaterial]) -> dict[str, str]:
    return {str(line.pk): post.get(f"{prefix}_{line.pk}", "") for line in lines}


def _intake_page(request: HttpRequest, case: Case, status: int, **context: Any) -> HttpResponse:
    """The checklist page; again after a post, with what refused it (`errors`, `conflict`)."""
    return render(
        request,
        "workbench/intake_case.html",
        _intake_case_context(request, case, **context),
        status=status,
    )


@staff_only
@require_http_methods(["GET", "POST"])
def intake_case(request: HttpRequest, pk: int) -> HttpResponse:
    """The material checklist of a received case: per line its status, a note, a file and,
    where the material may be tolerated, a promised date; then accept, ask once for every
    correction, or refuse — and the notice is issued for printing at once."""
    user = request.user
    require_clerk(user)
    case = load_case(user, pk)
    if request.method == "GET":
        return _intake_page(request, case, 200)
    decision = request.POST.get("decision", "save")
    if decision not in INTAKE_DECISIONS:
        decision = "save"
    try:
        # The form always carries the version (`intake_case.html`): one without it was not
        # sent by the page, and stores nothing, not even its files.
        version = required_version(request.POST, "expected_version")
    except ValidationFailed as exc:
        return _intake_page(request, case, 400, errors=domain_errors(exc))
    lines = list(case.materials.select_related("material"))
    # Files first, each kept as it passes its check whatever else the form gets wrong (a bad
    # status, a stale page): the re-shown page lists them and nobody chooses them again.
    errors: dict[str, list[str]] = {}
    for line in lines:
        upload = request.FILES.get(f"file_{line.pk}")
        if upload is not None:
            try:
                actions.attach_file(line, actor=user, upload=upload)
            except NotPermitted as exc:
                raise PermissionDenied(str(exc.message)) from None
            except DomainError as exc:
                errors[f"line_{line.pk}"] = [
                    m for msgs in domain_errors(exc).values() for m in msgs
                ]
    check = ACTION_BY_NAME["check-materials"].input(
        data={
            "statuses": _parse_line_map("status", request.POST, lines),
            "notes": _parse_line_map("note", request.POST, lines),
            "expected_version": version,
        }
    )
    if not check.is_valid():
        return _intake_page(
            request, case, 400, errors={**serializer_errors(check.errors), **errors}
        )
    head = documents.last_seq(case)
    try:
        case = actions.check_materials(case, actor=user, **check.validated_data)
        if errors or decision == "save":
            if not errors:
                messages.success(request, _("材料核验结果已保存"))
                return redirect("workbench:intake-case", pk=case.pk)
            return _intake_page(request, case, 400, errors=errors)
        _decide(request, case, decision, lines)
    except Conflict as exc:
        return _intake_page(request, case, 409, conflict=str(exc.message))
    except NotPermitted as exc:
        raise PermissionDenied(str(exc.message)) from None
    except _InputRefused as refused:
        return _intake_page(request, case, 400, errors=refused.errors)
    except DomainError as exc:
        return _intake_page(request, case, 400, errors=domain_errors(exc))
    labels = {
        "accept": _("已受理"),
        "correction": _("已出具一次性补正告知"),
        "refuse": _("已决定不予受理"),
    }
    messages.success(request, labels[decision])
    issued = documents.issue_due(request, case, after_seq=head)
    return redirect(case_url(case, issued=issued))


def _decide(request: HttpRequest, case: Case, decision: str, lines: list[CaseMaterial]) -> None:
    """Accept (with any tolerated lines and their promised dates), request one correction of
    every line marked missing or defective, or refuse."""
    post, user = request.POST, request.user
    data: dict[str, object]
    if decision == "accept":
        data = {
            "tolerated": {
                str(line.pk): post.get(f"promised_{line.pk}", "")
                for line in lines
                if post.get(f"tolerated_{line.pk}")
            }
        }
        name = "accept"
    elif decision == "correction":
        wanted = (CaseMaterial.Status.MISSING, CaseMaterial.Status.DEFECTIVE)
        data = {
            "items": {
                str(line.pk): post.get(f"note_{line.pk}", "")
                for line in lines
                if post.get(f"status_{line.pk}") in wanted
            }
        }
        name = "request-correction"
    else:
        data = {
            "clause": post.get("clause", ""),
            "reason": post.get("reason", ""),
            "competent_body": post.get("competent_body", ""),
        }
        name = "refuse"
    data["expected_version"] = case.lock_version
    body = ACTION_BY_NAME[name].input(data=data)
    if not body.is_valid():
        raise _InputRefused(serializer_errors(body.errors))
    ACTION_BY_NAME[name].call(case, actor=user, **body.validated_data)
