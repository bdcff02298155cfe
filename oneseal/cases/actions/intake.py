"""Receiving and accepting (《行政许可法》第三十二条).

Received materials are checked by a named clerk who then accepts, refuses (citing 第三十二条
第一款第（一）项 or 第（二）项 and, for the latter, the competent body) or asks once for every
correction. Silence for 5 working days means acceptance as of the day the materials arrived.
"""

import dataclasses
import datetime
import functools
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from oneseal.actors import User, stored_user
from oneseal.applicants import rules as applicant_rules
from oneseal.applicants.actions import register_applicant
from oneseal.applicants.models import Applicant
from oneseal.applicants.queries import acts_for
from oneseal.audit.actions import record
from oneseal.calendars.queries import today
from oneseal.catalogue import rules as catalogue_rules
from oneseal.catalogue.models import HandlingItem, ItemVersion, Material
from oneseal.delegations import rules as delegation_rules
from oneseal.errors import NotPermitted, ValidationFailed, fail_blockers, fail_fields
from oneseal.organisation.models import Bureau, Role
from oneseal.organisation.rules import has_role, staff_of
from oneseal.prepared import Prepared, insert
from oneseal.regions.models import Region

from .. import rules, uploads
from ..locks import mark_locked
from ..models import Case, CaseCounter, CaseEvent, CaseMaterial, Channel, Licence, State, Upload
from ..queries import correction_notice, correction_reply, published_parts
from ..stored import StoredFile
from . import held_scans, licences
from ._base import DUE_FIELDS as DECISION_DUE_FIELDS
from ._base import (
    GENESIS,
    append_event,
    calendar,
    check,
    delegated_blockers,
    dues_of,
    lock,
    move,
    require_case_role,
    set_dues,
)
from .review import create_steps

P = ParamSpec("P")
R = TypeVar("R")


def _next_number(region_code: str, year: int) -> str:
    """The next case number of the region and year, in one statement: the upsert takes the
    counter row's lock until the transaction ends, as SELECT … FOR UPDATE would."""
    table = CaseCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (region_code, year, last) VALUES (%s, %s, 1) "  # noqa: S608 (our own table name)
            f"ON CONFLICT (region_code, year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [region_code, year],
        )
        last = cursor.fetchone()[0]
    return f"{region_code}{year}{last:06d}"


# Asked by every case opened, by SQL built once per connection (oneseal.prepared).
_IN_FORCE = Prepared(
    lambda on, pk: ItemVersion.objects.in_force(on).filter(pk=pk).only("pk")[:1],
    datetime.date,
    int,
)
# The checklist with its materials, as `accept` reads it under the case's lock.
_CHECKLIST = Prepared(
    lambda case_id: CaseMaterial.objects.filter(case_id=case_id).select_related("material"), int
)


def checklist_of(case: Case) -> list[CaseMaterial]:
    """`list(case.materials.select_related("material"))`, each line knowing its case."""
    lines = _CHECKLIST(case.pk)
    field = CaseMaterial._meta.get_field("case")
    for line in lines:
        field.set_cached_value(line, case)
    return lines


def receive_blockers(
    handling_item: HandlingItem, applicant: Applicant, on: datetime.date
) -> list[str]:
    out = []
    version = handling_item.item_version
    if _IN_FORCE.first(on, version.pk) is None:
        out.append(
            _("该办理项版本在{date}不是现行有效版本，请选择现行办事指南").format(
                date=date_format(on, "DATE_FORMAT")
            )
        )
    return out + applicant_kind_blockers(handling_item, applicant.kind)


def applicant_kind_blockers(handling_item: HandlingItem, kind: str) -> list[str]:
    """Why an applicant of `kind` (person or organisation) cannot apply for the handling item:
    its guide serves the other kind only. The window checks it as the clerk types, with this
    same function, before anything is stored."""
    if rules.serves(handling_item.applicant_type, kind):
        return []
    return [
        _("该办理项的服务对象为{who}，申请人为{kind}，不能申请").format(
            who=handling_item.get_applicant_type_display(), kind=Applicant.Kind(kind).label
        )
    ]


def handling_item_serves(handling_item: HandlingItem, applicant: Applicant) -> bool:
    return rules.serves(handling_item.applicant_type, applicant.kind)


def _line(case: Case, material: Material, applicant_kind: str, by_agent: bool) -> CaseMaterial:
    if catalogue_rules.material_applies(material, applicant_kind=applicant_kind, by_agent=by_agent):
        return CaseMaterial(case=case, material=material)
    return CaseMaterial(case=case, material=material, status=CaseMaterial.Status.NOT_NEEDED)


def _bureau_of(region: Region) -> Bureau | None:
    try:
        return region.bureau  # one per region; already read when the caller joined it
    except Bureau.DoesNotExist:
        return None


@transaction.atomic
def receive(
    handling_item: HandlingItem,
    *,
    actor: "User",
    applicant: Applicant,
    channel: str = Channel.WINDOW,
    idempotency_key: str = "",
    agent_name: str = "",
    agent_id_number: str = "",
    agent_phone: str = "",
    at: datetime.datetime | None = None,
    target_licence: Licence | int | None = None,
    uploads: dict | None = None,
    known_blockers: list[str] | None = None,
    referenced: Iterable[int] = (),
) -> Case:
    """Open a case when materials arrive, at a window (a clerk) or online (the applicant).
    The same idempotency key from the same applicant returns the case already opened. A 变更 /
    延续 / 注销 / 补证 application names the licence it acts on (`target_licence`): the
    applicant's own, of the same item, in force, and for a renewal early enough
    (《行政许可法》第五十条).

    `uploads` ({material id: file}) are the files submitted with an online application, or
    the scans taken at the window (`intake_at_window`): they are stored with the receipt's act, so the receipt (收件凭证, issued with the `receive`
    event through `cases.notices`) lists what actually arrived. A refused file refuses the
    whole application, naming each file's field (`material-<id>`). `referenced` are the
    materials met by naming a verified e-licence instead (reuse.actions.apply_online).

    `known_blockers` is what `receive_blockers(handling_item, applicant, today(at))` returned
    to a caller that checked it in this transaction for this same `at` (a bundle checks every
    item before it opens any): the result is used, not read twice."""
    version = handling_item.item_version
    region = version.item.catalogue.region
    online_self = channel == Channel.ONLINE and acts_for(actor, applicant)
    centre = None
    if not (has_role(actor, Role.CLERK, region) or online_self):
        # A township service centre receives only what the bureau delegated to it, while the
        # delegation is in force (委托); the case stays the bureau's.
        staff = delegation_rules.centre_staff(actor)
        bureau_here = _bureau_of(region)
        if staff is None or bureau_here is None or channel != Channel.WINDOW:
            raise NotPermitted()
        fail_blockers(
            delegation_rules.delegation_blockers(
                staff,
                bureau=bureau_here,
                item=version.item,
                on=today(at or timezone.now()),
                act=delegation_rules.INTAKE,
            ),
            error=NotPermitted,
        )
        centre = staff.service_centre
    if idempotency_key:
        existing = Case.objects.filter(applicant=applicant, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    if channel == Channel.ONLINE:
        # An online application carries its files (网上申请), whichever path opens it: the
        # same rule as `apply_online`, so the JSON API cannot open one without them.
        fail_fields(
            missing_uploads(handling_item, applicant, [*(uploads or {}).keys(), *referenced]),
            message=_("网上申请须同时上传必需材料的文件"),
        )
    if agent_id_number or agent_name:
        agent_errors = {}
        if not agent_name.strip():
            agent_errors["agent_name"] = [_("请填写代办人姓名")]
        try:
            agent_id_number = applicant_rules.validate_id_number(agent_id_number)
        except ValueError as exc:
            agent_errors["agent_id_number"] = [str(exc)]
        if agent_errors:
            raise ValidationFailed(_("代办人信息有误"), fields=agent_errors)
    at = at or timezone.now()
    on = today(at)
    blockers = (
        receive_blockers(handling_item, applicant, on) if known_blockers is None else known_blockers
    )
    fail_blockers(blockers, field="handling_item", error=ValidationFailed)
    bureau = _bureau_of(region)
    if bureau is None:
        raise ValidationFailed(
            _("该地区尚未设立行政审批局"), fields={"handling_item": [_("该地区尚未设立行政审批局")]}
        )
    target_licence = licences.check_target_licence(
        handling_item,
        applicant,
        # A licence or its id: the id either way.
        getattr(target_licence, "pk", cast("int | None", target_licence)),
        on,
    )
    due = rules.acceptance_due(calendar(), on)
    fields = dict(
        query_code=f"{secrets.randbelow(10**6):06d}",
        handling_item=handling_item,
        applicant=applicant,
        agent_name=agent_name,
        agent_id_number=agent_id_number,
        agent_phone=agent_phone,
        bureau=bureau,
        region=region,
        region_code=region.code,
        channel=channel,
        idempotency_key=idempotency_key,
        received_at=at,
        received_on=on,
        materials_arrived_on=on,
        acceptance_due=due.date,
        acceptance_due_provisional=due.provisional,
        created_by=actor if getattr(actor, "pk", None) else None,
        target_licence=target_licence,
        service_centre=centre,
    )
    # Case.objects.create() by an INSERT built once per connection: Django's compiler for it
    # was a measurable part of the intake API's CPU.
    if idempotency_key:
        try:
            # A savepoint, so that the loser of a race gives its number back too.
            with transaction.atomic():
                case = insert(Case(number=_next_number(region.code, on.year), **fields))
        except IntegrityError:
            # The same submission raced us and won: hand back its case.
            return Case.objects.get(applicant=applicant, idempotency_key=idempotency_key)
    else:
        case = insert(Case(number=_next_number(region.code, on.year), **fields))
    # The checklist and the steps of a published version never change: read once per process.
    parts = published_parts(handling_item)
    # A material of another situation (a person's ID card when an organisation applies, the power
    # of attorney when nobody files for the applicant) is not needed, so it never blocks acceptance.
    by_agent = bool(agent_name or agent_id_number)
    lines = CaseMaterial.objects.bulk_create(
        [_line(case, m, applicant.kind, by_agent) for m in parts.materials]
    )
    case.state = State.RECEIVED
    case._chain_head = (0, GENESIS)  # a new case has no events yet
    mark_locked(case)  # inserted by this transaction: nobody else sees it before the commit

    # Before the receipt is issued with the act, so it lists them.
    def store_uploads(event: CaseEvent) -> None:
        if uploads:
            _store_uploads(case, lines, uploads, actor=actor, on=on)

    event = append_event(
        case,
        action="receive",
        actor=actor,
        from_state="",
        on=on,
        notice_due="receipt",
        attach=store_uploads,
        data={
            "channel": channel,
            "acceptance_due": due.date.isoformat(),
            "acceptance_due_provisional": due.provisional,
            "version": version.number,
            **({"licence": target_licence.number} if target_licence else {}),
        },
    )
    # What the caller may show straight away without reading back what was just written.
    case.new_lines, case.new_events = lines, [event]
    return case


@transaction.atomic
def receive_at_window(
    handling_item: HandlingItem,
    *,
    actor: "User",
    applicant: dict,
    idempotency_key: str = "",
    agent_name: str = "",
    agent_id_number: str = "",
    agent_phone: str = "",
    target_licence: Licence | int | None = None,
    uploads: "dict[int, File | StoredFile] | None" = None,
) -> Case:
    """收件 at the window, one act: find or register the applicant from the papers shown
    (`applicant`: kind, name, number, phone, email, representative, address) and open the case
    with its checklist. An application the case refuses (an item not in force, a licence not
    the applicant's) registers nobody for it."""
    found = register_applicant(actor=actor, **applicant)
    return receive(
        handling_item,
        actor=actor,
        applicant=found,
        channel=Channel.WINDOW,
        idempotency_key=idempotency_key,
        agent_name=agent_name,
        agent_id_number=agent_id_number,
        agent_phone=agent_phone,
        target_licence=target_licence,
        uploads=uploads,
    )


@dataclass(frozen=True)
class LineCheck:
    """The clerk's check of one material at the window: its status (provided, missing,
    defective, not needed, pending), a note (what to correct), and, for a material accepted
    under 容缺受理, the date the applicant promises to supply it by."""

    status: str
    note: str = ""
    tolerated: bool = False
    promised_by: datetime.date | None = None


# What the clerk decides at the window together with the intake: only receive (the check and
# the decision follow on the case's checklist), accept, ask once for every correction, refuse.
WINDOW_DECISIONS = ("receive", "accept", "correction", "refuse")


@transaction.atomic
def intake_at_window(
    handling_item: HandlingItem,
    *,
    actor: "User",
    applicant: dict,
    decision: str,
    checklist: dict[int, LineCheck] | None = None,
    refusal: dict | None = None,
    idempotency_key: str = "",
    agent_name: str = "",
    agent_id_number: str = "",
    agent_phone: str = "",
    target_licence: Licence | int | None = None,
    uploads: "dict[int, File | StoredFile] | None" = None,
) -> Case:
    """一窗受理 in one act, as the window works with the applicant in front of it: receive
    (`receive_at_window`) with the scans taken at the window (`uploads`, {material id: a file
    or a file held by an earlier refused attempt, `hold_upload`}: checked and stored with the
    receipt's act, as an online application's files are), record the check of every material
    (`checklist`, keyed by material id) and decide — accept (tolerated lines
    with their promised dates), ask once for every material marked missing or defective (its
    note saying what), or refuse (`refusal`: clause, reason, competent body). All or nothing:
    when the decision is refused, nothing is stored — no applicant, no case, no receipt — and
    the refusal names each field (`material-<id>` for a line), so the clerk corrects the form
    and sends it again. The same form sent twice returns the case the first opened."""
    if decision not in WINDOW_DECISIONS:
        raise ValidationFailed(
            fields={"decision": [_("请选择收件后的处理：受理、补正、不予受理或仅收件")]}
        )
    case = receive_at_window(
        handling_item,
        actor=actor,
        applicant=applicant,
        idempotency_key=idempotency_key,
        agent_name=agent_name,
        agent_id_number=agent_id_number,
        agent_phone=agent_phone,
        target_licence=target_licence,
        uploads=uploads,
    )
    lines = getattr(case, "new_lines", None)
    if lines is None:
        return case  # opened by the same form before: decided then
    checklist = checklist or {}
    by_material = {line.material_id: line for line in lines}
    unknown = {
        f"material-{pk}": [_("该材料不属于本办理项的材料清单")]
        for pk in checklist
        if pk not in by_material
    }
    undated = {
        f"material-{pk}": [
            _("容缺受理须填写“{m}”的承诺补齐日期").format(m=by_material[pk].material.name)
        ]
        for pk, line_check in checklist.items()
        if pk in by_material and line_check.tolerated and line_check.promised_by is None
    }
    wanted = (CaseMaterial.Status.MISSING, CaseMaterial.Status.DEFECTIVE)
    unsaid = {
        f"material-{pk}": [_("请写明“{m}”需要补正的内容").format(m=by_material[pk].material.name)]
        for pk, line_check in checklist.items()
        if pk in by_material and line_check.status in wanted and not line_check.note.strip()
    }
    fail_fields(
        {
            **unknown,
            **(undated if decision == "accept" else {}),
            **(unsaid if decision == "correction" else {}),
        }
    )
    if checklist:
        case = check_materials(
            case,
            actor=actor,
            statuses={by_material[pk].pk: c.status for pk, c in checklist.items()},
            notes={by_material[pk].pk: c.note.strip() for pk, c in checklist.items()},
        )
    if decision == "accept":
        return accept(
            case,
            actor=actor,
            tolerated={
                by_material[pk].pk: cast(datetime.date, c.promised_by)
                for pk, c in checklist.items()
                if c.tolerated
            }
            or None,
        )
    if decision == "correction":
        return request_correction(
            case,
            actor=actor,
            items={by_material[pk].pk: c.note for pk, c in checklist.items() if c.status in wanted},
        )
    if decision == "refuse":
        refusal = refusal or {}
        return refuse(
            case,
            actor=actor,
            clause=str(refusal.get("clause", "")),
            reason=str(refusal.get("reason", "")),
            competent_body=str(refusal.get("competent_body", "")),
        )
    return case


def online_uploads(handling_item: HandlingItem, applicant: Applicant) -> list[Material]:
    """What an applicant filing online for themselves uploads: the materials of their
    situation that the applicant provides (not those the bureau obtains itself)."""
    return [
        m
        for m in handling_item.materials.order_by("order", "id")
        if catalogue_rules.material_applies(m, applicant_kind=applicant.kind, by_agent=False)
        and m.source == Material.Source.APPLICANT
    ]


def upload_field(material: Material) -> str:
    """The field an online application names a material's file by (the form's and the API's)."""
    return f"material-{material.pk}"


def missing_uploads(
    handling_item: HandlingItem, applicant: Applicant, uploaded: Iterable[int | str]
) -> dict[str, list[str]]:
    """The files an online application still lacks, under each material's field: every
    required material of the applicant's situation that cannot be tolerated (容缺) and is not
    among `uploaded` (material ids)."""
    have = {int(pk) for pk in uploaded}
    return {
        upload_field(m): [_("请上传“{m}”").format(m=m.name)]
        for m in online_uploads(handling_item, applicant)
        if m.pk not in have and m.is_required and not m.is_tolerable
    }


@transaction.atomic
def apply_online(
    handling_item: HandlingItem,
    *,
    actor: "User",
    applicant: Applicant,
    files: dict[int, object],
    idempotency_key: str = "",
    target_licence: Licence | int | None = None,
    at: datetime.datetime | None = None,
    referenced: Iterable[int] = (),
) -> Case:
    """网上申请: the applicant (or the person acting for an organisation) opens the case and
    uploads its files in one go (`referenced`: materials met by naming a verified e-licence
    instead, which the caller records: reuse.actions.apply_online). Every required material that cannot be tolerated must come
    with a file; a refused file refuses the whole application, each failure under the
    material's field (`material-<id>`), and nothing is kept. A second submission with the same
    idempotency key returns the case the first opened, whatever it carries."""
    if not acts_for(actor, applicant):
        raise NotPermitted()
    if idempotency_key:
        existing = Case.objects.filter(applicant=applicant, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    uploadable = {m.pk: m for m in online_uploads(handling_item, applicant)}
    referenced = list(referenced)
    errors = {f"material-{pk}": [_("该材料无需网上上传")] for pk in files if pk not in uploadable}
    errors.update(
        missing_uploads(
            handling_item,
            applicant,
            [*(pk for pk, f in files.items() if f is not None), *referenced],
        )
    )
    fail_fields(errors)
    # `receive` stores the files with its act, before the receipt is issued, so the receipt
    # lists them; a refused file refuses the whole application (nothing is kept).
    return receive(
        handling_item,
        actor=actor,
        applicant=applicant,
        channel=Channel.ONLINE,
        idempotency_key=idempotency_key,
        at=at,
        target_licence=target_licence,
        uploads={pk: upload for pk, upload in files.items() if upload is not None},
        referenced=referenced,
    )


def _store_uploads(
    case: Case, lines: list[CaseMaterial], uploads: dict, *, actor: "User", on: datetime.date
) -> None:
    by_material = {line.material_id: line for line in lines}
    errors: dict[str, list[str]] = {}
    for material_id, upload in uploads.items():
        line = by_material.get(int(material_id))
        if line is None:
            errors[f"material-{material_id}"] = [_("该材料不属于本办理项的材料清单")]
            continue
        try:
            _store_file(case, line, actor=actor, upload=upload, on=on)
        except ValidationFailed as exc:
            problems = [str(m) for msgs in exc.fields.values() for m in msgs] or [str(exc.message)]
            errors[f"material-{material_id}"] = [
                _("“{m}”：{problem}").format(m=line.material.name, problem=p) for p in problems
            ]
    fail_fields(errors)


def _material_statuses(case: Case, statuses: dict) -> list[CaseMaterial]:
    lines = {cm.pk: cm for cm in case.materials.select_related("material")}
    unknown = [k for k in statuses if k not in lines]
    if unknown:
        raise ValidationFailed(
            fields={"materials": [_("材料{ids}不属于本办件").format(ids=unknown)]}
        )
    return list(lines.values())


@transaction.atomic
def check_materials(
    case: Case,
    *,
    actor: "User",
    statuses: dict[int, str],
    notes: dict[int, str] | None = None,
    expected_version: int | None = None,
) -> Case:
    """The clerk records, per checklist line, whether the material is provided, missing,
    defective or not needed. Tolerated lines are set by `accept`."""
    case = lock(case, expected_version=expected_version)
    require_case_role(actor, case, Role.CLERK, delegable=True)
    check("check_materials", case)
    lines = {line.pk: line for line in _material_statuses(case, statuses)}
    allowed = {
        CaseMaterial.Status.PROVIDED,
        CaseMaterial.Status.MISSING,
        CaseMaterial.Status.DEFECTIVE,
        CaseMaterial.Status.NOT_NEEDED,
        CaseMaterial.Status.PENDING,
    }
    bad = [k for k, v in statuses.items() if v not in allowed]
    if bad:
        raise ValidationFailed(fields={"materials": [_("材料状态无效")]})
    changed = []
    for pk, status in statuses.items():
        line = lines[pk]
        note = (notes or {}).get(pk, line.note)
        line.status, line.note = status, note
        line.save(update_fields=["status", "note"])
        changed.append(
            {"line": pk, "material": line.material.name, "status": str(status), "note": note}
        )
    case.lock_version += 1
    case.save(update_fields=["lock_version"])
    # Who found which material provided, missing or defective is kept in the audit log: the check
    # prepares the intake decision and is not one of the case's acts (its history, the notices
    # and the applicant's timeline stay those of the decisions).
    record(
        "cases.check_materials",
        actor=actor,
        subject=case,
        region_code=case.region_code,
        summary=_("{number}：核验材料").format(number=case.number),
        data={"lines": changed},
    )
    return case


class PastAcceptanceWindow(ValidationFailed):
    """An intake decision dated after the 5 working days: the law has already accepted the
    application (第三十二条第一款第（四）项, 逾期不告知的自收到申请材料之日起即为受理)."""

    def __init__(self, message: str, *, case: Case, on: datetime.date, field: str) -> None:
        self.on = on
        super().__init__(message, reasons=[message], fields={field: [message]})


def require_within_window(
    case: Case, on: datetime.date, *, refused: str, field: str = "on"
) -> None:
    """Every intake decision (accept, refuse, ask for a correction) is made within the 5
    working days after the materials arrived, or not at all: past them the application is
    deemed accepted, even when the worker has not run yet."""
    if case.state == State.RECEIVED and on > case.acceptance_due:
        msg = _(
            "已超过5个工作日的受理审查期限（{due}届满），申请已依法自收到申请材料之日（{arrived}）起视为受理，{refused}"
        ).format(
            due=date_format(case.acceptance_due, "DATE_FORMAT"),
            arrived=date_format(case.materials_arrived_on, "DATE_FORMAT"),
            refused=refused,
        )
        raise PastAcceptanceWindow(msg, case=case, on=on, field=field)


def within_acceptance_window(
    action: Callable[Concatenate[Case, P], R],
) -> Callable[Concatenate[Case, P], R]:
    """Run an intake decision in its own transaction; when it finds the window passed, what it
    did is rolled back and the deemed acceptance it ran into is recorded instead (with its
    notice), so the clerk sees the case as the law has it, and the refusal is still raised."""
    atomic_action = transaction.atomic(action)

    @functools.wraps(action)
    def run(case: Case, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return atomic_action(case, *args, **kwargs)
        except PastAcceptanceWindow as exc:
            deem_accepted(case, today=exc.on)
            raise

    return run


def accept_blockers(
    case: Case,
    *,
    on: datetime.date,
    tolerated: dict[int, datetime.date] | None = None,
    lines: list[CaseMaterial] | None = None,
) -> list[str]:
    """Why the case cannot be accepted now: every required material must be provided, or be a
    non-core material marked tolerable with a dated promise (容缺受理). `lines`: the case's
    checklist with its materials, when the caller has read it already."""
    out = rules.transition_blockers("accept", case.state)
    tolerated = tolerated or {}
    if lines is None:
        lines = list(case.materials.select_related("material"))
    attorney = power_of_attorney_blockers(case, lines, tolerated=tolerated)
    out += attorney
    for line in lines:
        m = line.material
        if attorney and rules.is_power_of_attorney(m.applies_to, m.name):
            continue  # said once, above
        if line.pk in tolerated:
            if m.is_core or not m.is_tolerable:
                out.append(_("“{m}”不是可容缺的非核心材料").format(m=m.name))
            elif tolerated[line.pk] <= on:
                out.append(_("“{m}”的承诺补齐日期须晚于受理日期").format(m=m.name))
            continue
        if m.is_required and line.status not in (
            CaseMaterial.Status.PROVIDED,
            CaseMaterial.Status.NOT_NEEDED,
        ):
            out.append(_("必要材料“{m}”尚未提交或未核验").format(m=m.name))
    return out


def power_of_attorney_blockers(
    case: Case, lines: list[CaseMaterial] | None = None, *, tolerated: dict | None = None
) -> list[str]:
    """An application filed by an agent (代办人, 《行政许可法》第二十九条第二款) is accepted only
    on a power of attorney the clerk has seen: every checklist line of the power of attorney
    must be provided, never tolerated nor set aside, whatever the guide says of the material
    being optional. A guide that lists no power of attorney cannot take an agent's application
    until it does. The same rule for the window, the API and every other path to `accept`."""
    if not rules.names_agent(case.agent_name, case.agent_id_number):
        return []
    agent = case.agent_name or case.agent_id_number
    if lines is None:
        lines = list(case.materials.select_related("material"))
    found = [
        line
        for line in lines
        if rules.is_power_of_attorney(line.material.applies_to, line.material.name)
    ]
    if not found:
        return [
            _(
                "由代办人{agent}办理的须核验授权委托书，但该办理项的材料清单未列授权委托书：请事项管理员在办事指南中补列（适用情形：委托他人代办的）后再受理"
            ).format(agent=agent)
        ]
    out = []
    for line in found:
        name = line.material.name
        if line.pk in (tolerated or {}):
            out.append(
                _("“{m}”证明代办人{agent}的委托权限，不能容缺受理").format(m=name, agent=agent)
            )
        elif line.status != CaseMaterial.Status.PROVIDED:
            out.append(
                _("由代办人{agent}办理的，“{m}”须核验为已提交后才能受理").format(
                    m=name, agent=agent
                )
            )
    return out


def _set_decision_dues(case: Case, accepted_on: datetime.date) -> None:
    hi = case.handling_item
    dues = rules.decision_dues(
        calendar(),
        accepted_on,
        promised_days=hi.promised_limit_days,
        statutory_limit_days=hi.statutory_limit_days,
        is_joint=hi.is_joint,
        is_instant=hi.is_instant,
    )
    case.accepted_on = accepted_on
    set_dues(case, dues)


DUE_FIELDS = ["accepted_on", *DECISION_DUE_FIELDS]


@within_acceptance_window
def accept(
    case: Case,
    *,
    actor: "User",
    on: datetime.date | None = None,
    tolerated: dict[int, datetime.date] | None = None,
    expected_version: int | None = None,
) -> Case:
    """Accept the application (受理); with `tolerated` {checklist line: promised date}, accept
    under 容缺受理 on the applicant's promise to supply those materials by then."""
    case = lock(case, expected_version=expected_version)
    require_case_role(actor, case, Role.CLERK, delegable=True)
    on = on or today()
    require_within_window(case, on, refused=_("无需再作受理决定"))
    lines = checklist_of(case)
    blockers = accept_blockers(case, on=on, tolerated=tolerated, lines=lines)
    check("accept", case)
    attorney = power_of_attorney_blockers(case, lines, tolerated=tolerated)
    if attorney:
        # Named under its own field, so every interface can say what the refusal is about.
        raise ValidationFailed(
            attorney[0], reasons=blockers, fields={"power_of_attorney": attorney}
        )
    check("accept", case, blockers)
    # The checklist read above is the case's whole list, locked with the case: the tolerated
    # lines are changed on it, so it stays what the act leaves stored.
    for line in lines if tolerated else ():
        if line.pk in cast("dict[int, datetime.date]", tolerated):
            line.status, line.promised_by = (
                CaseMaterial.Status.TOLERATED,
                cast("dict[int, datetime.date]", tolerated)[line.pk],
            )
            line.save(update_fields=["status", "promised_by"])
    # The answer to the act shows the checklist without reading it again (api.cases.details).
    case.held_lines = lines
    _set_decision_dues(case, on)
    notice = "tolerated_acceptance" if tolerated else "acceptance"
    move(
        case,
        "accept",
        actor=actor,
        on=on,
        update_fields=DUE_FIELDS,
        notice_due=notice,
        data={
            # Set by _set_decision_dues above, each date with its own provisional flag.
            **dues_of(case).as_data(),
            "tolerated": {str(k): v.isoformat() for k, v in (tolerated or {}).items()},
        },
    )
    create_steps(case, accepted_by=actor)
    return case


@transaction.atomic
def deem_accepted(case: Case, *, today: datetime.date) -> Case | None:
    """第三十二条第一款: nobody decided within 5 working days, so the application counts as
    accepted on the day the materials arrived. Run by the worker; returns None when not due."""
    case = lock(case)
    if case.state != State.RECEIVED or today <= case.acceptance_due:
        return None
    _set_decision_dues(case, case.materials_arrived_on)
    case.deemed_accepted = True
    move(
        case,
        "deem_accepted",
        actor=None,
        on=case.materials_arrived_on,
        notice_due="acceptance",
        update_fields=[*DUE_FIELDS, "deemed_accepted"],
        reason=_("收件后5个工作日内未作出决定，依法自收到申请材料之日起即为受理"),
        data={
            "acceptance_due": case.acceptance_due.isoformat(),
            "noticed_on": today.isoformat(),
            # Set by _set_decision_dues above, each date with its own provisional flag.
            **dues_of(case).as_data(),
        },
    )
    create_steps(case, accepted_by=None)
    return case


REFUSAL_CLAUSES = {
    "1": "《中华人民共和国行政许可法》第三十二条第一款第（一）项",
    "2": "《中华人民共和国行政许可法》第三十二条第一款第（二）项",
}


@within_acceptance_window
def refuse(
    case: Case,
    *,
    actor: "User",
    clause: str,
    reason: str,
    competent_body: str = "",
    on: datetime.date | None = None,
    expected_version: int | None = None,
) -> Case:
    """不予受理: (1) the matter needs no licence; (2) it is not this body's power — name the body."""
    case = lock(case, expected_version=expected_version)
    require_case_role(actor, case, Role.CLERK, delegable=True)
    errors = {}
    if clause not in REFUSAL_CLAUSES:
        errors["clause"] = [_("请选择第三十二条第一款第（一）项或第（二）项")]
    if not reason.strip():
        errors["reason"] = [_("请填写不予受理的理由")]
    if clause == "2" and not competent_body.strip():
        errors["competent_body"] = [_("不属于本机关职权范围的，须告知申请人向哪个机关申请")]
    if errors:
        raise ValidationFailed(fields=errors)
    check("refuse", case)
    on = on or today()
    require_within_window(case, on, refused=_("不能再决定不予受理"))
    case.closed_on = on
    move(
        case,
        "refuse",
        actor=actor,
        on=on,
        reason=reason,
        notice_due="refusal",
        update_fields=["closed_on"],
        data={
            "clause": clause,
            "basis": REFUSAL_CLAUSES[clause],
            "competent_body": competent_body.strip(),
        },
    )
    return case


@within_acceptance_window
def request_correction(
    case: Case,
    *,
    actor: "User",
    items: dict[int, str],
    on: datetime.date | None = None,
    expected_version: int | None = None,
) -> Case:
    """一次性告知: one notice listing every material to supply or correct ({line: what is wrong}).
    Too late once the 5 days have passed: the application is then already deemed accepted."""
    case = lock(case, expected_version=expected_version)
    require_case_role(actor, case, Role.CLERK, delegable=True)
    on = on or today()
    check("request_correction", case)
    require_within_window(case, on, refused=_("不能再要求补正"), field="items")
    if not items or any(not str(v).strip() for v in items.values()):
        raise ValidationFailed(fields={"items": [_("请逐项列明需要补正的材料及原因")]})
    lines = {line.pk: line for line in case.materials.select_related("material")}
    unknown = [k for k in items if k not in lines]
    if unknown:
        raise ValidationFailed(fields={"items": [_("材料{ids}不属于本办件").format(ids=unknown)]})
    nth = _correction_round(case, items, lines)
    listed = []
    for pk, what in items.items():
        line = lines[pk]
        # A line the clerk already marked defective was handed in: it stays defective, not missing.
        handed_in = line.status in (CaseMaterial.Status.PROVIDED, CaseMaterial.Status.DEFECTIVE)
        line.status = CaseMaterial.Status.DEFECTIVE if handed_in else CaseMaterial.Status.MISSING
        line.note = what.strip()
        line.save(update_fields=["status", "note"])
        listed.append(
            {"line": pk, "material": line.material.name, "status": line.status, "note": line.note}
        )
    data: dict[str, object] = {"items": listed}
    if nth > 1:
        # Allowed by the law only for what the reply newly brought; e-supervision still shows
        # it as an irregular action (esupervision.models.Rule.REPEATED_CORRECTION).
        data.update(repeat=True, nth=nth)
    move(case, "request_correction", actor=actor, on=on, notice_due="correction", data=data)
    return case


def _correction_round(case: Case, items: dict, lines: dict) -> int:
    """Which correction notice of the case this is. The notice is one-time (第三十二条第一款
    第（四）项: 一次告知申请人需要补正的全部内容): after the first, only materials newly given in
    the reply — the ones that notice listed, or a file uploaded after it — may be asked about
    again; a material the first notice could have listed is refused, naming it."""
    earlier = list(
        case.events.filter(action="request_correction").order_by("seq").values_list("data", "at")
    )
    if not earlier:
        return 1
    asked = {row["line"] for data, _at in earlier for row in data.get("items", [])}
    replied = set(
        Upload.objects.filter(
            case_material__case=case, uploaded_at__gte=earlier[-1][1]
        ).values_list("case_material_id", flat=True)
    )
    stale = [lines[pk].material.name for pk in items if pk not in asked | replied]
    if stale:
        msg = _(
            "补正材料应一次性告知：“{names}”在首次告知时已提交，未在补正中重新提交，不能再要求补正"
        ).format(names="”“".join(stale))
        raise ValidationFailed(msg, reasons=[msg], fields={"items": [msg]})
    return len(earlier) + 1


def _clerk_of(actor: "User", case: Case) -> bool:
    """A clerk over the case's region, or the clerk of the centre that received it under a
    delegation in force."""
    return (
        has_role(actor, Role.CLERK, case.region)
        or delegated_blockers(actor, case, Role.CLERK) == []
    )


def correction_files_missing(case: Case) -> list[str]:
    """The materials the correction notice the case waits on lists that have no file sent
    after it: an applicant's reply brings a new file for each (the clerk at the window may
    take the papers instead). Empty when the case waits on no notice."""
    if case.state != State.AWAITING_CORRECTION:
        return []
    notice = correction_notice(case)
    if notice is None:
        return []
    listed = {row.get("line"): row.get("material", "") for row in notice.data.get("items", [])}
    replied = correction_reply(case, notice).lines
    return [name for line, name in listed.items() if line not in replied]


@transaction.atomic
def submit_correction(
    case: Case,
    *,
    actor: "User",
    on: datetime.date | None = None,
    expected_version: int | None = None,
) -> Case:
    """The applicant's correction arrives: the 5 working days start again from today, and the
    time spent waiting for it counts toward no limit."""
    case = lock(case, expected_version=expected_version)
    is_own = acts_for(actor, case.applicant)
    by_clerk = _clerk_of(actor, case)
    if not (is_own or by_clerk):
        raise NotPermitted()
    check("submit_correction", case)
    if not by_clerk:
        # The portal asked for a file per listed material, the API did not: the rule lives here.
        missing = [
            _("“{m}”：请先上传补正后的文件").format(m=name)
            for name in correction_files_missing(case)
        ]
        fail_fields({"materials": missing} if missing else {})
    on = on or today()
    due = rules.acceptance_due(calendar(), on)
    case.materials_arrived_on, case.acceptance_due, case.acceptance_due_provisional = (
        on,
        due.date,
        due.provisional,
    )
    corrected = case.materials.filter(
        status__in=[CaseMaterial.Status.MISSING, CaseMaterial.Status.DEFECTIVE]
    )
    names = list(
        corrected.order_by("material__order", "pk").values_list("material__name", flat=True)
    )
    corrected.update(status=CaseMaterial.Status.PENDING)
    # The correction materials are handed over against a receipt (补正材料接收凭证) that states
    # the new five working days, like the receipt of the application.
    move(
        case,
        "submit_correction",
        actor=actor,
        on=on,
        notice_due="receipt",
        update_fields=["materials_arrived_on", "acceptance_due", "acceptance_due_provisional"],
        data={
            "acceptance_due": due.date.isoformat(),
            "acceptance_due_provisional": due.provisional,
            "materials": names,
            "by_applicant": is_own and not by_clerk,
        },
    )
    return case


@transaction.atomic
def attach_file(line: CaseMaterial, *, actor: "User", upload: File) -> Upload:
    """Store a file for a checklist line with its SHA-256. The type is decided from the file's
    first bytes, not from its name, and both must agree; a file is never overwritten."""
    case = lock(line.case)
    is_own = acts_for(actor, case.applicant)
    if not (is_own or _clerk_of(actor, case)):
        raise NotPermitted()
    check("attach_file", case)
    return _store_file(case, line, actor=actor, upload=upload, on=today())


@transaction.atomic
def attach_deliverable(line: CaseMaterial, *, actor: "User", upload: File) -> Upload:
    """An intermediary's deliverable (中介服务成果) becomes a line of the case's materials,
    checked like any file. The caller (`intermediaries.actions.deliver`) has checked that the
    actor is the intermediary engaged on this case: neither applicant nor clerk, so
    `attach_file`'s check does not apply."""
    case = lock(line.case)
    check("attach_deliverable", case)
    return _store_file(case, line, actor=actor, upload=upload, on=today())


def store_once(upload: File) -> StoredFile:
    """Check a file as `_store_file` does and store it under its digest, so that the cases it
    is given for share one stored copy. Inside the caller's transaction, which writes the rows
    naming it: a scan held with the same content is kept from the sweep until then."""
    sniffed = check_upload(upload)
    path = f"cases/shared/{sniffed.sha256}.{sniffed.suffix}"
    held_scans.lock(path)
    if not default_storage.exists(path):
        path = default_storage.save(path, upload)
    return StoredFile(
        name=path,
        original_name=cast(str, upload.name)[:255],
        content_type=sniffed.content_type,
        size=upload.size,
        sha256=sniffed.sha256,
    )


@transaction.atomic
def hold_upload(upload: File, *, actor: "User", case: Case | None = None) -> StoredFile:
    """Keep a scan sent with a form that was refused (a mistyped number, a material missing, a
    case changed in between …), checked as every upload is and stored once under its digest,
    so the form is sent again without the file again: the caller keeps the reference, signed
    (`held_scans.sign_reference`), in its form, the next try gives it back, and the `Upload`
    row names the same stored file. A window clerk holds scans for any form; an applicant only
    for a form of their own `case` (the portal's 容缺 supply). Each hold is audited (who, the
    digest, when): a scan of an ID card kept for an intake never finished is on record, and
    the worker deletes it once its reference has expired (`held_scans.sweep_held_scans`).
    Refused under `file` as `check_upload` refuses."""
    subject: Any
    if case is not None and acts_for(actor, case.applicant):
        subject, region_code = case, case.region_code
        summary = _("申请人暂存上传文件 {name}")
    else:
        clerk = staff_of(actor)
        if clerk is None or not has_role(actor, Role.CLERK):
            raise NotPermitted()
        subject, region_code = clerk, clerk.region.code
        summary = _("窗口暂存扫描件 {name}")
    upload.seek(0)
    stored = dataclasses.replace(store_once(upload), held=True)
    held_scans.hold(stored.name, stored.sha256)
    record(
        "cases.hold_upload",
        actor=actor,
        subject=subject,
        region_code=region_code,
        summary=summary.format(name=stored.original_name[:80]),
        data={"file": stored.name, "sha256": stored.sha256},
    )
    return stored


def check_upload(upload: File) -> uploads.SniffedFile:
    """The one check every uploaded file passes before it is stored (a case's material, a
    file shared by a bundle, a draft's file): size, kind by its first bytes, its SHA-256.
    Refused under the field `file`."""
    if uploads.too_large(upload):
        raise ValidationFailed(
            fields={"file": [_("文件过大，上限为{mb} MB").format(mb=uploads.max_megabytes())]}
        )
    sniffed = uploads.sniff(upload)
    if sniffed is None:
        raise ValidationFailed(
            fields={
                "file": [
                    _("只接受{names}文件，且扩展名须与文件内容一致").format(
                        names=uploads.accepted_names()
                    )
                ]
            }
        )
    return sniffed


def _store_file(
    case: Case, line: CaseMaterial, *, actor: "User", upload: "File | StoredFile", on: datetime.date
) -> Upload:
    """Check and store one file for a line of the locked case, with its event. Every refused
    file is named under its own field by the caller. A `StoredFile` was checked and stored
    before: the row names it, and the event says it is shared or reused."""
    uploaded_by = stored_user(actor) if getattr(actor, "pk", None) else None
    extra: dict = {}
    if isinstance(upload, StoredFile):
        if upload.held and not held_scans.claim(upload.name):
            raise ValidationFailed(fields={"file": [_("窗口暂存的扫描件已过期清除，请重新扫描")]})
        row = Upload(
            case_material=line,
            file=upload.name,
            original_name=upload.original_name,
            content_type=upload.content_type,
            size=upload.size,
            sha256=upload.sha256,
            uploaded_by=uploaded_by,
        )
        row.save()
        extra = (
            {"reused": upload.reused}
            if upload.reused
            else {"held": True}
            if upload.held
            else {"shared": True}
        )
    else:
        sniffed = check_upload(upload)
        row = Upload(
            case_material=line,
            original_name=cast(str, upload.name)[:255],  # an uploaded file always has a name
            content_type=sniffed.content_type,
            size=upload.size,
            sha256=sniffed.sha256,
            uploaded_by=uploaded_by,
        )
        row.file.save(f"{sniffed.sha256[:16]}.{sniffed.suffix}", upload, save=False)
        row.save()
    append_event(
        case,
        action="attach_file",
        actor=actor,
        from_state=case.state,
        on=on,
        data={
            "line": line.pk,
            # Which file: the portal tells a reply to a correction notice by its event.
            "upload": row.pk,
            "material": line.material.name,
            "name": row.original_name,
            "size": row.size,
            "sha256": row.sha256,
            **extra,
        },
    )
    return row
