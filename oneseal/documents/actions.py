"""Writes of documents and seals. Each is one transaction with its audit row.

A document's number (文号) is taken from its bureau's per-year, per-kind sequence inside the
transaction that renders, signs and stores the document, so a failed issue gives its number
back (no gaps) and two issues never share one (no repeats).
"""

import datetime
import hashlib
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from oneseal.actors import User, acts_as_system, stored_user
from oneseal.audit.actions import record
from oneseal.calendars.queries import today
from oneseal.cases.locks import holds_lock
from oneseal.cases.models import Case, CaseEvent, Licence, LicenceVersion, State
from oneseal.cases.queries import correction_notice, licence_of
from oneseal.errors import (
    DomainError,
    InvalidTransition,
    NotPermitted,
    ValidationFailed,
    fail_blockers,
    fail_fields,
)
from oneseal.keys import require_seal_key
from oneseal.organisation.models import Bureau, Department, Role
from oneseal.organisation.rules import has_role, staff_of
from oneseal.prepared import insert
from oneseal.regions.models import Region

from . import followers, rules, signing, switchover, wording
from .models import (
    Document,
    DocumentKind,
    DocumentSequence,
    DocumentTemplate,
    PendingNotice,
    Seal,
    SealHandover,
)
from .numbering import take_next
from .queries import (  # noqa: F401 (callers use them here)
    active_seal,
    due_documents,
    issue_blockers,
    notice_event,
    owed_event,
)
from .rendering import MissingGlyphs, render
from .wording import FACTS, Facts, tolerated_materials

logger = logging.getLogger(__name__)

# --- seals --------------------------------------------------------------------------------


def _require_operator(actor: User | None, *, system: bool) -> None:
    """Seals are kept by whoever runs the installation: the system (the `seal` command, the demo
    loader; `system=True`) or a superuser. A missing actor without `system=True` is refused."""
    if acts_as_system(actor, system=system):
        return
    assert actor is not None  # acts_as_system refused a missing actor
    if not (getattr(actor, "is_superuser", False) and actor.is_active):
        raise NotPermitted()


@transaction.atomic
def create_seal(
    bureau: Bureau,
    *,
    actor: User | None = None,
    system: bool = False,
    name: str = "",
    valid_from: datetime.date | None = None,
) -> Seal:
    """A new key and certificate for the bureau's approval seal. The seal it replaces is
    sealed away on the same day: it signs nothing more, and its certificate stays to verify
    what it signed."""
    _require_operator(actor, system=system)
    valid_from = valid_from or today()
    name = (name or f"{bureau.name}行政审批专用章").strip()
    bureau = Bureau.objects.select_for_update().select_related("region").get(pk=bureau.pk)
    for old in Seal.objects.select_for_update().filter(bureau=bureau, state=Seal.SealState.ACTIVE):
        old.state, old.sealed_away_on = Seal.SealState.SEALED_AWAY, valid_from
        old.save(update_fields=["state", "sealed_away_on"])
        record(
            "documents.seal_away",
            actor=actor,
            subject=old,
            region_code=bureau.region.code,
            summary=f"{old.name} 封存（换章）",
        )
    material = signing.new_key_material(
        name=name,
        organisation=bureau.name,
        region_name=bureau.region.name,
        credit_code=bureau.credit_code,
        valid_from=valid_from,
    )
    seal = Seal.objects.create(
        kind=Seal.Kind.BUREAU,
        bureau=bureau,
        name=name,
        valid_from=valid_from,
        certificate_pem=material.certificate_pem,
        private_key_pem=material.private_key_pem,
        fingerprint=material.fingerprint,
    )
    record(
        "documents.create_seal",
        actor=actor,
        subject=seal,
        region_code=bureau.region.code,
        summary=f"{seal.name} 启用",
        data={"fingerprint": seal.fingerprint},
    )
    return seal


def seal_keeping_bureau(department: Department) -> Bureau | None:
    """The approval bureau that takes over a department's old seal: its region's, or the
    nearest one above it."""
    region: Region | None = department.region
    while region is not None:
        bureau = Bureau.objects.filter(region=region).select_related("region").first()
        if bureau is not None:
            return bureau
        region = region.parent
    return None


def may_keep_department_seals(actor: User, bureau: Bureau) -> bool:
    """Seed 000 四(二)5: the bureau's administrators of its region (and the superuser) register
    the departments' old seals and record their hand-over; a department's own staff, whose seal
    it is, never do."""
    if not has_role(actor, Role.ADMINISTRATOR, bureau.region):
        return False
    if getattr(actor, "is_superuser", False):
        return True
    staff = staff_of(actor)
    return staff is not None and staff.department_id is None


def _require_seal_keeper(actor: User | None, department: Department, *, system: bool) -> Bureau:
    bureau = seal_keeping_bureau(department)
    if not acts_as_system(actor, system=system):
        assert actor is not None  # acts_as_system refused a missing actor
        if bureau is None or not may_keep_department_seals(actor, bureau):
            raise NotPermitted()
    if bureau is None:
        raise ValidationFailed(fields={"department": [_("该部门所在区划没有行政审批局")]})
    return bureau


@transaction.atomic
def register_department_seal(
    department: Department,
    *,
    actor: User | None = None,
    system: bool = False,
    name: str,
    valid_from: datetime.date | None,
    holder: str = "",
    place: str = "",
) -> Seal:
    """Seed 000 四(二)5: enter a department's old approval seal in the register, still in the
    department's hands, so its hand-over can be recorded and e-supervision can see it is
    still active after the transfer date. It has no key: no document can ever carry it."""
    department = Department.objects.select_related("region").get(pk=department.pk)
    _require_seal_keeper(actor, department, system=system)
    name, holder, place = (str(v or "").strip() for v in (name, holder, place))
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("请填写印章名称")]
    elif Seal.objects.filter(kind=Seal.Kind.DEPARTMENT, department=department, name=name).exists():
        errors["name"] = [
            _("{department}的“{name}”已登记").format(department=department, name=name)
        ]
    if valid_from is None:
        errors["valid_from"] = [_("请填写启用日期")]
    elif valid_from > today():
        errors["valid_from"] = [_("启用日期不能晚于今天")]
    if len(holder) > 50:
        errors["holder"] = [_("保管人不超过50个字")]
    if len(place) > 200:
        errors["place"] = [_("存放地点不超过200个字")]
    fail_fields(errors)
    assert valid_from is not None  # fail_fields refused a missing date
    seal = Seal.objects.create(
        kind=Seal.Kind.DEPARTMENT,
        department=department,
        name=name,
        state=Seal.SealState.ACTIVE,
        valid_from=valid_from,
        holder=holder,
        place=place,
    )
    record(
        "documents.register_department_seal",
        actor=actor,
        subject=seal,
        region_code=department.region.code,
        summary=f"{seal.name} 登记",
        data={"department": department.name, "valid_from": valid_from.isoformat()},
    )
    return seal


def _handover_errors(
    seal: Seal,
    *,
    transfer_date: datetime.date | None,
    handed_over_by: str,
    received_by: str,
    holder: str,
    place: str,
    sealed_away_on: datetime.date | None,
    checklist: str,
    checklist_signed: bool,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if seal.state == Seal.SealState.SEALED_AWAY:
        errors["sealed_away_on"] = [
            _("“{name}”已于{date}封存，不能再次封存").format(
                name=seal.name, date=rules.chinese_date(seal.sealed_away_on)
            )
        ]
    elif seal.state == Seal.SealState.REVOKED:
        errors["seal"] = [_("“{name}”已作废").format(name=seal.name)]
    for field, value, label, limit in (
        ("handed_over_by", handed_over_by, _("移交人"), 50),
        ("received_by", received_by, _("接收人"), 50),
        ("holder", holder, _("保管人"), 50),
        ("place", place, _("存放地点"), 200),
    ):
        if not value:
            errors[field] = [_("请填写{label}").format(label=label)]
        elif len(value) > limit:
            errors[field] = [_("{label}不超过{n}个字").format(label=label, n=limit)]
    if not checklist:
        errors["checklist"] = [_("请填写移交清单（印章名称、枚数、印模及其他随交物品）")]
    elif not checklist_signed:
        errors["checklist"] = [_("移交清单须经移交人、接收人双方签字确认")]
    if sealed_away_on is None:
        errors.setdefault("sealed_away_on", [_("请填写封存日期")])
    elif "sealed_away_on" not in errors:
        if transfer_date is None:
            errors["sealed_away_on"] = [
                _("{department}尚无双方签字的划转协议，原印章不能封存").format(
                    department=seal.department
                )
            ]
        elif sealed_away_on < transfer_date:
            errors["sealed_away_on"] = [
                _("封存日期不能早于{department}的划转日期（{date}）：此前该部门仍在办理").format(
                    department=seal.department, date=rules.chinese_date(transfer_date)
                )
            ]
        elif sealed_away_on > today():
            errors["sealed_away_on"] = [_("封存日期不能晚于今天")]
        elif sealed_away_on < seal.valid_from:
            errors["sealed_away_on"] = [
                _("封存日期不能早于该印章的启用日期（{date}）").format(
                    date=rules.chinese_date(seal.valid_from)
                )
            ]
    return errors


@transaction.atomic
def seal_away_department_seal(
    seal: Seal,
    *,
    actor: User | None = None,
    system: bool = False,
    handed_over_by: str,
    received_by: str,
    holder: str,
    place: str,
    sealed_away_on: datetime.date | None,
    checklist: str,
    checklist_signed: bool,
) -> SealHandover:
    """Seed 000 四(二)5: the department hands its old seal over to the bureau, which seals it
    away — once, and not before the department's transfer date (`documents.switchover`), when
    the department still approves under it. Records who handed it over, who received it, who
    keeps it and where, and the checklist both sides signed."""
    found = (
        Seal.objects.select_for_update(of=("self",))
        .select_related("department__region")
        .filter(pk=seal.pk)
        .first()
    )
    if found is None:
        raise ValidationFailed(fields={"seal": [_("印章不存在")]})
    seal = found
    if seal.department is None:
        # A bureau's own seal is sealed away by rotation (create_seal), never handed over.
        if not acts_as_system(actor, system=system):
            assert actor is not None  # acts_as_system refused a missing actor
            assert seal.bureau is not None  # a seal is a department's or a bureau's
            if not may_keep_department_seals(actor, seal.bureau):
                raise NotPermitted()
        raise ValidationFailed(fields={"seal": [_("审批局的印章随换章封存，不在此登记移交")]})
    _require_seal_keeper(actor, seal.department, system=system)
    handed_over_by, received_by, holder, place, checklist = (
        str(v or "").strip() for v in (handed_over_by, received_by, holder, place, checklist)
    )
    transfer_date = switchover.transfer_date(seal.department.pk)
    fail_fields(
        _handover_errors(
            seal,
            transfer_date=transfer_date,
            handed_over_by=handed_over_by,
            received_by=received_by,
            holder=holder,
            place=place,
            sealed_away_on=sealed_away_on,
            checklist=checklist,
            checklist_signed=bool(checklist_signed),
        )
    )
    assert sealed_away_on is not None and transfer_date is not None
    seal.state, seal.sealed_away_on = Seal.SealState.SEALED_AWAY, sealed_away_on
    seal.holder, seal.place = holder, place
    seal.save(update_fields=["state", "sealed_away_on", "holder", "place"])
    handover = SealHandover.objects.create(
        seal=seal,
        region_code=seal.department.region.code,
        handed_over_by=handed_over_by,
        received_by=received_by,
        holder=holder,
        place=place,
        sealed_away_on=sealed_away_on,
        transfer_date=transfer_date,
        checklist=checklist,
        recorded_by=stored_user(actor) if actor is not None and actor.pk else None,
    )
    record(
        "documents.seal_away_department_seal",
        actor=actor,
        subject=seal,
        region_code=handover.region_code,
        summary=f"{seal.name} 移交封存（{handed_over_by} → {received_by}）",
        data={
            "sealed_away_on": sealed_away_on.isoformat(),
            "transfer_date": transfer_date.isoformat(),
            "handed_over_by": handed_over_by,
            "received_by": received_by,
            "holder": holder,
            "place": place,
        },
    )
    return handover


@transaction.atomic
def revoke_seal(
    seal: Seal, *, actor: User | None = None, system: bool = False, on: datetime.date | None = None
) -> Seal:
    """A seal whose key is lost or exposed signs nothing more. Documents it signed keep their
    own state; the verification page says the seal is void."""
    _require_operator(actor, system=system)
    seal = Seal.objects.select_for_update().get(pk=seal.pk)
    if seal.state == Seal.SealState.REVOKED:
        raise ValidationFailed(fields={"seal": [_("该印章已作废")]})
    seal.state, seal.revoked_on = Seal.SealState.REVOKED, on or today()
    seal.save(update_fields=["state", "revoked_on"])
    record("documents.revoke_seal", actor=actor, subject=seal, summary=f"{seal.name} 作废")
    return seal


@transaction.atomic
def rekey_seals(*, old_secret_key: str, system: bool) -> int:
    """Re-encrypt under the seal key every seal's private key still encrypted under a
    passphrase derived from `old_secret_key` (`oneseal seal rekey`, the system only); one audit
    row per seal changed, what already uses the seal key left alone. Raises
    signing.UnreadableSealKey naming the seal that neither key opens."""
    acts_as_system(None, system=system)
    require_seal_key()
    done = 0
    for seal in Seal.objects.select_for_update().exclude(private_key_pem="").order_by("pk"):
        if signing.rekey(seal, old_secret_key=old_secret_key):
            seal.save(update_fields=["private_key_pem"])
            record(
                "seal.rekeyed",
                actor=None,
                subject=seal,
                region_code=seal.bureau.region.code if seal.bureau else "",
                summary=f"{seal.name}: private key re-encrypted under the seal key",
            )
            done += 1
    return done


# --- documents ----------------------------------------------------------------------------


def _new_code() -> str:
    while True:
        code = rules.new_verification_code()
        if not Document.objects.filter(verification_code=code).exists():
            return code


def public_url(code: str) -> str:
    from django.conf import settings

    base = settings.PUBLIC_URL.rstrip("/")
    with translation.override("zh-hans"):
        return base + reverse("documents:verify", args=[code])


def _require_issuer(actor: User, case: Case) -> None:
    if not (
        has_role(actor, Role.CLERK, case.region) or has_role(actor, Role.SIGNATORY, case.region)
    ):
        raise NotPermitted()


def _issue(
    case: Case,
    *,
    kind: str,
    actor: User | None,
    supersedes: Document | None,
    corrected: dict | None = None,
    event: CaseEvent | None = None,
) -> Document:
    if kind not in rules.ADDRESSED_KINDS:
        event = None  # the latest act of the kind is the one still owed a notice
    elif event is None:
        event = owed_event(case, kind)  # the next addressee still owed theirs
    blockers = issue_blockers(case, kind=kind, replacing=supersedes, event=event)
    fail_blockers(blockers, field="kind", error=ValidationFailed)
    event = event or notice_event(case, kind)
    assert event is not None  # issue_blockers refused a case with no event calling for the kind
    bureau = case.bureau
    seal = active_seal(bureau)
    assert seal is not None  # issue_blockers refused a bureau without an active seal
    dated = rules.notice_date(event)
    template = template_in_force(bureau, kind, dated)
    year = dated.year
    seq = take_next(DocumentSequence, bureau=bureau, year=year, kind=kind)
    number = rules.document_number(bureau.region.name, kind, year, seq)
    code = _new_code()
    url = public_url(code)
    licence = licence_of(case)
    tolerated = (
        tolerated_materials(case, event) if kind == DocumentKind.TOLERATED_ACCEPTANCE else []
    )
    facts = Facts(
        case=case,
        event=event,
        bureau=bureau,
        licence=licence,
        tolerated=tolerated,
        corrected=corrected,
    )
    notice = wording.compose(kind, template, FACTS[kind](facts))
    try:
        rendered = render(
            notice,
            heading=bureau.name,
            number=number,
            dated_text=rules.chinese_date(dated),
            code=code,
            url=url,
            seal_name=seal.name,
            author=bureau.name,
        )
    except MissingGlyphs as exc:
        msg = _("文书中有字体无法显示的字：{chars}，请核对申请人或事项名称").format(chars=exc.chars)
        raise ValidationFailed(msg, reasons=[msg], fields={"kind": [msg]}) from exc
    signed = signing.sign_pdf(
        rendered.pdf,
        seal=seal,
        bureau=bureau,
        page=rendered.page,
        box=rendered.box,
        reason=str(DocumentKind(kind).label),
        location=bureau.region.name,
    )
    digest = hashlib.sha256(signed).hexdigest()
    # Content-addressed: a name is never written twice with different bytes, and a file left
    # by a rolled-back issue is recognisable as belonging to no row.
    path = f"documents/{year}/{digest}.pdf"
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(signed))
    document = Document.objects.create(
        case=case,
        event=event,
        bureau=bureau,
        kind=kind,
        number=number,
        year=year,
        seq=seq,
        dated=dated,
        file=path,
        sha256=digest,
        size=len(signed),
        supersedes=supersedes,
        verification_code=code,
        seal=seal,
        issued_at=timezone.now(),
        issued_by=stored_user(actor) if actor is not None and actor.pk else None,
        template=template,
        corrected=corrected or {},
    )
    # Whatever was waiting for this notice (its own act, or an earlier act of the same kind that
    # can no longer be given notice of separately) is answered now.
    answered = PendingNotice.objects.filter(case=case, kind=kind, document__isnull=True)
    answered = (
        answered.filter(event=event)
        if kind in rules.ADDRESSED_KINDS
        else answered.filter(event__seq__lte=event.seq)
    )
    answered.update(document=document, issued_at=document.issued_at)
    record(
        "documents.issue",
        actor=actor,
        subject=document,
        region_code=case.region_code,
        summary=f"{document.get_kind_display()} {number}",
        data={
            "case": case.number,
            "sha256": digest,
            "supersedes": supersedes.number if supersedes else None,
            "template": template.number,
        },
    )
    if kind == DocumentKind.LICENCE and supersedes is None:
        assert licence is not None  # issue_blockers refused a licence document without one
        _retire_earlier_versions(document, licence, actor=actor)
    followers.document_changed(document, actor)
    return document


def _retire_earlier_versions(document: Document, licence: Licence, *, actor: User | None) -> None:
    """The licence's next version is out: the documents of its earlier versions stop being
    the licence. A changed or renewed licence's old document is superseded by the new one; a
    lost or damaged copy replaced (补证／换证) is void (revoked), so a found copy never shows as
    valid."""
    version = LicenceVersion.objects.filter(licence=licence, event=document.event).first()
    if version is None or version.number == 1:
        return
    earlier = (
        Document.objects.select_for_update()
        .filter(
            kind=DocumentKind.LICENCE,
            state=Document.DocumentState.GENUINE,
            event_id__in=LicenceVersion.objects.filter(licence=licence, number__lt=version.number)
            .exclude(event=None)
            .values("event_id"),
        )
        .order_by("-issued_at", "-id")
    )
    replaced = version.kind == LicenceVersion.Kind.REPLACEMENT
    for n, old in enumerate(earlier):
        if replaced:
            old.state, old.revoked_on = Document.DocumentState.REVOKED, document.dated
            old.revocation_reason = str(_("证照已补发（第{n}版），原证作废")).format(
                n=version.number
            )
            fields = ["state", "revoked_on", "revocation_reason"]
        else:
            old.state, fields = Document.DocumentState.SUPERSEDED, ["state"]
        old.save(update_fields=fields)
        if n == 0 and document.supersedes_id is None:
            # The latest earlier document names its successor (Document.superseded_by).
            document.supersedes = old
            document.save(update_fields=["supersedes"])
        record(
            "documents.revoke" if replaced else "documents.supersede",
            actor=actor,
            subject=old,
            region_code=old.case.region_code,
            summary=f"{old.number} → {document.number}",
            data={"licence": licence.number, "version": version.number, "kind": version.kind},
        )


def _lock_case(case: Case) -> Case:
    # One issuer per case at a time: two clerks clicking "print" get one document, not two.
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("bureau__region", "region", "applicant", "handling_item")
        .get(pk=case.pk)
    )


@transaction.atomic
def issue_document(case: Case, *, kind: str, actor: User) -> Document:
    """Render the notice or licence the case's latest matching event calls for (domain.md §6),
    number it, sign it with the bureau's active seal (PAdES, visible stamp) and store it with
    its SHA-256."""
    case = _lock_case(case)
    _require_issuer(actor, case)
    return _issue(case, kind=kind, actor=actor, supersedes=None)


@transaction.atomic
def reissue_document(document: Document, *, actor: User, reason: str) -> Document:
    """A correction: a new document, with a new number, from the case's data as it is now;
    the old one is superseded and both stay on the case."""
    if not str(reason or "").strip():
        raise ValidationFailed(fields={"reason": [_("请填写更正理由")]})
    case = _lock_case(document.case)
    _require_issuer(actor, case)
    old = Document.objects.select_for_update().get(pk=document.pk)
    if old.state != Document.DocumentState.GENUINE:
        msg = _("文书{number}已{state}，不能更正").format(
            number=old.number, state=old.get_state_display()
        )
        raise ValidationFailed(msg, fields={"document": [msg]})
    new = _issue(case, kind=old.kind, actor=actor, supersedes=old, event=old.event)
    old.state = Document.DocumentState.SUPERSEDED
    old.save(update_fields=["state"])
    record(
        "documents.supersede",
        actor=actor,
        subject=old,
        region_code=case.region_code,
        summary=f"{old.number} → {new.number}",
        data={"reason": reason.strip()},
    )
    followers.document_changed(old, actor)
    return new


def _waited_on(document: Document) -> bool:
    """The correction notice the case still waits on is the applicant's one list of what to
    supply (《行政许可法》第三十二条 一次告知): revoked, the case would wait on nothing that stands."""
    if document.kind != DocumentKind.CORRECTION:
        return False
    case = Case.objects.only("state").get(pk=document.case_id)
    if case.state != State.AWAITING_CORRECTION:
        return False
    notice = correction_notice(case)
    return notice is not None and notice.pk == document.event_id


@transaction.atomic
def revoke_document(
    document: Document, *, actor: User, reason: str, on: datetime.date | None = None
) -> Document:
    """A signatory withdraws a document issued in error; the verification page then says so."""
    old = Document.objects.select_for_update().select_related("case__region").get(pk=document.pk)
    if not has_role(actor, Role.SIGNATORY, old.case.region):
        raise NotPermitted()
    if not str(reason or "").strip():
        raise ValidationFailed(fields={"reason": [_("请填写撤销理由")]})
    if old.state != Document.DocumentState.GENUINE:
        msg = _("文书{number}已{state}，不能撤销").format(
            number=old.number, state=old.get_state_display()
        )
        raise ValidationFailed(msg, fields={"document": [msg]})
    if _waited_on(old):
        msg = _(
            "办件仍在等待按补正材料通知书{number}补正，不能撤销；内容有误请更正（重新出具）"
        ).format(number=old.number)
        raise ValidationFailed(msg, fields={"document": [msg]})
    old.state, old.revoked_on, old.revocation_reason = (
        Document.DocumentState.REVOKED,
        on or today(),
        reason.strip(),
    )
    old.save(update_fields=["state", "revoked_on", "revocation_reason"])
    record(
        "documents.revoke",
        actor=actor,
        subject=old,
        region_code=old.case.region_code,
        summary=f"{old.number} 撤销",
        data={"reason": old.revocation_reason},
    )
    followers.document_changed(old, actor)
    return old


@transaction.atomic
def issue_due_documents(case: Case, *, actor: User) -> list[Document]:
    """Every notice the case calls for and does not have yet, issued at once in the order of
    the events that call for them ("print the notice at once" after accepting, refusing or
    asking for a correction at the window). A notice that cannot be issued now is skipped; when
    some are due and none can be issued, the refusal names every reason."""
    case = _lock_case(case)
    _require_issuer(actor, case)
    due = due_documents(case)
    issued = [
        _issue(case, kind=d.kind, actor=actor, supersedes=None, event=d.event)
        for d in due
        if not d.blockers
    ]
    if due and not issued:
        reasons = [f"{d.label}：{b}" for d in due for b in d.blockers]
        raise ValidationFailed(reasons[0], reasons=reasons, fields={"kind": reasons})
    return issued


# --- the notice of every act, whoever recorded it --------------------------------------------


def _reason_of(exc: Exception) -> str:
    if isinstance(exc, DomainError):
        return "；".join(str(r) for r in exc.reasons) or str(exc.message)
    return _("出具时发生系统错误：{error}").format(error=type(exc).__name__)


def _queue(case: Case, event: CaseEvent, kind: str, reason: str) -> PendingNotice:
    """Keep a notice that could not be issued with its act, with why (an act's event is new, so
    it has no row yet)."""
    row = insert(
        PendingNotice(
            case=case,
            event=event,
            kind=kind,
            reason=reason,
            queued_at=timezone.now(),
            queued_on=today(),
        )
    )
    record(
        "documents.queue_notice",
        actor=None,
        subject=row,
        region_code=case.region_code,
        # The label as get_kind_display() gives it, without its dict of every choice per call.
        summary=f"{DocumentKind(row.kind).label} 待出具：{reason}",
        data={"case": case.number, "reason": reason},
    )
    return row


def _kinds_called_for(event: CaseEvent) -> list[str]:
    kinds: list[str] = [
        kind for kind, answers in rules.NOTICE_OF_KIND.items() if event.notice_due in answers
    ]
    if (event.data or {}).get("licence_released") and DocumentKind.LICENCE not in kinds:
        kinds.append(DocumentKind.LICENCE)
    return kinds


ACCEPTANCE_KINDS = (DocumentKind.ACCEPTANCE, DocumentKind.TOLERATED_ACCEPTANCE)
DUE_KEYS = (
    "promised_due",
    "statutory_due",
    "provisional",
    "promised_due_provisional",
    "statutory_due_provisional",
)
# The served notices that print a due date the calendar computes, so a newly published holiday
# schedule may move it: the acceptance notices (decision dates), the receipt (the five working
# days of 第三十二条), the extension notice (the dates after the extension), the special-procedure
# notice of a suspension still open (its expected end, and the statutory due date when only the
# promised clock stopped), and the grant of a licence not yet delivered (送达期限).
CORRECTABLE_KINDS = (
    *ACCEPTANCE_KINDS,
    DocumentKind.RECEIPT,
    DocumentKind.EXTENSION,
    DocumentKind.SPECIAL_PROCEDURE,
    DocumentKind.GRANT,
)


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _acceptance_dates(case: Case) -> dict:
    """An acceptance notice's dates as computed from the acceptance on the calendar in force."""
    from oneseal.calendars.queries import current_calendar
    from oneseal.cases import rules as case_rules

    hi = case.handling_item
    assert case.accepted_on is not None  # _right_dates asks only for an accepted case
    dues = case_rules.decision_dues(
        current_calendar(),
        case.accepted_on,
        promised_days=hi.promised_limit_days,
        statutory_limit_days=hi.statutory_limit_days,
        is_joint=hi.is_joint,
        is_instant=hi.is_instant,
    )
    return dues.as_data()


def _special_procedure_dates(case: Case, document: Document) -> dict | None:
    """The dates the notice of the suspension still open should print: its expected end, and the
    statutory due date (which runs on when only the promised clock stopped). A notice of an
    earlier, ended suspension stays as it was: that procedure is over."""
    from oneseal.calendars.queries import current_calendar
    from oneseal.cases.models import Suspension

    if case.state != "suspended":
        return None
    latest = case.events.filter(action="suspend").order_by("-seq").first()
    suspension = (
        Suspension.objects.filter(case=case, resumed_on__isnull=True).order_by("-id").first()
    )
    if latest is None or suspension is None or document.event_id != latest.pk:
        return None
    end = current_calendar().add(suspension.suspended_on, suspension.expected_days)
    return {
        "expected_end": end.date.isoformat(),
        "expected_end_provisional": end.provisional,
        "statutory_due": _iso(case.statutory_due),
        "statutory_due_provisional": case.statutory_due_provisional,
    }


def _delivery_dates(case: Case) -> dict | None:
    """The delivery date a grant printed, for a licence still awaiting delivery."""
    from oneseal.calendars.queries import current_calendar
    from oneseal.cases import rules as case_rules

    if case.state != "granted" or case.decided_on is None or case.delivery_due is None:
        return None
    due = case_rules.delivery_due(current_calendar(), case.decided_on)
    return {"delivery_due": due.date.isoformat(), "delivery_due_provisional": due.provisional}


def _right_dates(case: Case, document: Document, recomputed: CaseEvent) -> dict | None:
    """What a served notice should print now that the due dates were recomputed (`recomputed`
    is the `recompute_due_dates` event, data {old, new}); None when it prints no date the
    recomputation moved."""
    if document.kind in ACCEPTANCE_KINDS:
        # Once decided, the decision dates an acceptance notice printed are history.
        if case.accepted_on is None or case.state not in ("accepted", "suspended"):
            return None
        return _acceptance_dates(case)
    if document.kind == DocumentKind.SPECIAL_PROCEDURE:
        return _special_procedure_dates(case, document)
    if document.kind == DocumentKind.GRANT:
        return _delivery_dates(case)
    if document.kind == DocumentKind.RECEIPT:
        # The acceptance window of a case still awaiting the intake decision, as printed by the
        # latest receipt: the receipt of the application is history once a correction arrived.
        if case.state != "received" or document.event_id != getattr(
            notice_event(case, DocumentKind.RECEIPT), "pk", None
        ):
            return None
        return {
            "acceptance_due": _iso(case.acceptance_due),
            "acceptance_due_provisional": case.acceptance_due_provisional,
        }
    if document.kind == DocumentKind.EXTENSION and case.state == "accepted":
        # The extension printed the case's dates as they were; when those are the dates the
        # recomputation just moved, it prints the moved ones.
        before = {
            "promised_due": _iso(case.promised_due),
            "statutory_due": _iso(case.statutory_due),
            "due_provisional": case.due_provisional,
            **(recomputed.data or {}).get("old", {}),
        }
        printed = {**document.event.data, **document.corrected}
        if (printed.get("promised_due"), printed.get("statutory_due")) != (
            before["promised_due"],
            before["statutory_due"],
        ):
            return None
        return {
            "promised_due": _iso(case.promised_due),
            "statutory_due": _iso(case.statutory_due),
            "provisional": case.due_provisional,
            "promised_due_provisional": case.promised_due_provisional,
            "statutory_due_provisional": case.statutory_due_provisional,
        }
    return None


def correct_served_notices(case: Case, event: CaseEvent) -> list[Document]:
    """After the due dates were recomputed on a newly published holiday schedule: a notice
    already served whose printed due dates now differ (`CORRECTABLE_KINDS`) is issued again with
    the right dates, superseding the old one, and the case records that the applicant was sent a
    corrected notice (an event the portal shows). A notice that cannot be issued now waits in
    the queue."""
    from oneseal.cases.actions._base import append_event

    case = _lock_case(case)
    out = []
    for old in (
        Document.objects.select_for_update()
        .select_related("event")
        .filter(case=case, kind__in=CORRECTABLE_KINDS, state=Document.DocumentState.GENUINE)
        .order_by("issued_at", "id")
    ):
        right = _right_dates(case, old, event)
        if right is None:
            continue
        printed = {**old.event.data, **old.corrected}
        defaults = {
            "provisional": case.due_provisional,
            "acceptance_due_provisional": case.acceptance_due_provisional,
            # A notice issued before each date had its own flag printed both dates by the one.
            "promised_due_provisional": printed.get("provisional", case.promised_due_provisional),
            "statutory_due_provisional": printed.get("provisional", case.statutory_due_provisional),
        }
        if all(printed.get(key, defaults.get(key)) == value for key, value in right.items()):
            continue
        if signing.sign_blockers(active_seal(case.bureau), case.bureau):
            _queue_once(
                case,
                event,
                old.kind,
                "；".join(map(str, signing.sign_blockers(active_seal(case.bureau), case.bureau))),
            )
            continue
        try:
            with transaction.atomic():
                new = _issue(case, kind=old.kind, actor=None, supersedes=old, corrected=right)
                old.state = Document.DocumentState.SUPERSEDED
                old.save(update_fields=["state"])
        except Exception as exc:  # the recomputation stands; the queue says why the notice waits
            if not isinstance(exc, DomainError):
                logger.exception("correcting the %s of case %s failed", old.kind, case.pk)
            _queue_once(case, event, old.kind, _reason_of(exc))
            continue
        changed_year = max(
            datetime.date.fromisoformat(v).year
            for k, v in right.items()
            if k.endswith(("_due", "_end")) and v
        )
        reason = _("{year}年节假日安排公布，期限重新计算").format(year=changed_year)
        record(
            "documents.supersede",
            actor=None,
            subject=old,
            region_code=case.region_code,
            summary=f"{old.number} → {new.number}",
            data={"reason": str(reason)},
        )
        append_event(
            case,
            action="notice_corrected",
            actor=None,
            from_state=case.state,
            on=event.on,
            reason=reason,
            data={
                "kind": old.kind,
                "label": str(old.get_kind_display()),
                "old": old.number,
                "new": new.number,
                **right,
            },
        )
        out.append(new)
    return out


def _queue_once(case: Case, event: CaseEvent, kind: str, reason: str) -> None:
    if not PendingNotice.objects.filter(event=event, kind=kind).exists():
        _queue(case, event, kind, reason)


def issue_for_event(case: Case, event: CaseEvent, actor: User | None) -> list[Document]:
    """The notices the act recorded as `event` calls for, issued in the act's own transaction
    (registered with `cases.notices` in DocumentsConfig.ready, so the window, the portal, the
    API, the worker and the admin all get them). Each is issued in a savepoint: one that cannot
    be issued now rolls back alone and goes to the window's queue (`PendingNotice`) with its
    reason, and the act stands. A licence held back for tolerated materials is not queued: the
    law defers it, and the event that releases it issues it."""
    if event.action == "recompute_due_dates":
        return correct_served_notices(case, event)
    kinds = _kinds_called_for(event)
    if not kinds:
        return []
    # The act that recorded the event holds the case's lock and the row as it stored it: a
    # notice that is only queued needs nothing more. One that is issued is rendered from the
    # row as read under the lock here.
    held = holds_lock(case)
    if not held:
        case = _lock_case(case)
    no_seal = signing.sign_blockers(active_seal(case.bureau), case.bureau)
    if held and not no_seal:
        case = _lock_case(case)
    issued = []
    for kind in kinds:
        target = event
        if kind == DocumentKind.LICENCE:
            licence = licence_of(
                case
            )  # a change, renewal or replacement acts on its target licence
            if licence is None or licence.state in (
                Licence.LicenceState.HELD,
                Licence.LicenceState.REVOKED,
            ):
                continue
            found = notice_event(case, kind)  # a released licence answers its grant
            assert found is not None  # a licence is made by a grant, whose event calls for it
            target = found
            if Document.objects.filter(case=case, event=target, kind=kind).exists():
                continue
        if no_seal:
            _queue(case, target, kind, "；".join(map(str, no_seal)))
            continue
        try:
            with transaction.atomic():
                issued.append(_issue(case, kind=kind, actor=actor, supersedes=None, event=target))
        except (
            Exception
        ) as exc:  # the act must stand whatever the notice's trouble; the queue says why
            if not isinstance(exc, DomainError):
                logger.exception("issuing the %s of case %s failed", kind, case.pk)
            _queue(case, target, kind, _reason_of(exc))
    return issued


@transaction.atomic
def issue_pending(pending: PendingNotice, *, actor: User) -> Document:
    """Issue a notice from the window's queue (a clerk or signatory of the case's region). When
    it was issued meanwhile by another path, or a later act of the same kind has its notice
    already, that document is the answer."""
    pending = PendingNotice.objects.select_related("case").get(pk=pending.pk)
    case = _lock_case(pending.case)
    _require_issuer(actor, case)
    pending.refresh_from_db()
    if pending.document is not None:
        return pending.document
    if pending.event.action == "recompute_due_dates":
        corrected = correct_served_notices(case, pending.event)
        answered = (
            corrected[0]
            if corrected
            else (
                Document.objects.filter(
                    case=case, kind=pending.kind, state=Document.DocumentState.GENUINE
                ).first()
            )
        )
        if answered is None:
            raise ValidationFailed(_("没有需要更正的文书"))
        pending.document, pending.issued_at = answered, timezone.now()
        pending.save(update_fields=["document", "issued_at"])
        return answered
    if pending.kind in rules.ADDRESSED_KINDS:
        return _issue(case, kind=pending.kind, actor=actor, supersedes=None, event=pending.event)
    latest = notice_event(case, pending.kind)
    if latest is not None and latest.pk != pending.event_id:
        answered = (
            Document.objects.filter(case=case, event=latest, kind=pending.kind)
            .exclude(state=Document.DocumentState.SUPERSEDED)
            .first()
        )
        if answered is not None:
            pending.document, pending.issued_at = answered, timezone.now()
            pending.save(update_fields=["document", "issued_at"])
            return answered
    return _issue(case, kind=pending.kind, actor=actor, supersedes=None)


# --- wording (DocumentTemplate) -----------------------------------------------------------


def _require_template_admin(actor: User, bureau: Bureau) -> None:
    """The bureau's wording is kept by the catalogue administrators of its region (and the
    superuser), who already keep what the public reads about each item."""
    if not has_role(actor, Role.CATALOGUE_ADMIN, bureau.region):
        raise NotPermitted()


def ensure_shipped_templates(bureau: Bureau) -> None:
    """Version 1 of every kind's wording, as shipped (wording.SHIPPED), made on first use
    for a bureau that has none yet. Two first uses at once: the loser's insert fails on the
    unique version number and it uses the winner's row."""
    have = set(
        DocumentTemplate.objects.filter(bureau=bureau).values_list("kind", flat=True).distinct()
    )
    for kind in DocumentKind.values:
        if kind in have:
            continue
        shipped = wording.SHIPPED[kind]
        try:
            with transaction.atomic():
                template = DocumentTemplate.objects.create(
                    bureau=bureau,
                    kind=kind,
                    number=1,
                    status=DocumentTemplate.Status.PUBLISHED,
                    title=shipped.title,
                    body=shipped.body,
                    closing=shipped.closing,
                    change_reason=str(_("系统预置文书格式")),
                    effective_from=wording.SHIPPED_FROM,
                    published_at=timezone.now(),
                )
                record(
                    "documents.template_shipped",
                    actor=None,
                    subject=template,
                    region_code=bureau.region.code,
                    summary=f"{template} 预置",
                    data={"kind": kind},
                )
        except IntegrityError:
            continue


def template_in_force(bureau: Bureau, kind: str, on: datetime.date) -> DocumentTemplate:
    """The wording a document of `kind` dated `on` is written in."""
    template = (
        DocumentTemplate.objects.in_force(on)
        .filter(bureau=bureau, kind=kind)
        .order_by("-number")
        .first()
    )
    if template is None:
        ensure_shipped_templates(bureau)
        template = (
            DocumentTemplate.objects.in_force(on)
            .filter(bureau=bureau, kind=kind)
            .order_by("-number")
            .first()
        )
    if template is None:
        raise ValidationFailed(
            _("{date}没有生效的{label}格式").format(
                date=rules.chinese_date(on), label=DocumentKind(kind).label
            )
        )
    return template


def _locked_template(template: DocumentTemplate) -> DocumentTemplate:
    return (
        DocumentTemplate.objects.select_for_update()
        .select_related("bureau__region")
        .get(pk=template.pk)
    )


def _require_template_draft(template: DocumentTemplate) -> None:
    if not template.is_draft:
        raise InvalidTransition(_("已发布的文书格式不可修改；请新建草稿"))


@transaction.atomic
def start_template_draft(
    bureau: Bureau, kind: str, *, actor: User, reason: str = ""
) -> DocumentTemplate:
    """A new draft of a kind's wording, copied from its latest version."""
    bureau = Bureau.objects.select_for_update().select_related("region").get(pk=bureau.pk)
    _require_template_admin(actor, bureau)
    if kind not in DocumentKind.values:
        raise ValidationFailed(fields={"kind": [_("未知的文书种类")]})
    ensure_shipped_templates(bureau)
    latest = DocumentTemplate.objects.filter(bureau=bureau, kind=kind).order_by("-number").first()
    assert latest is not None  # ensure_shipped_templates made version 1
    if latest.is_draft:
        raise InvalidTransition(
            _("{label}已有未发布的草稿（第{n}版），请先发布或删除").format(
                label=DocumentKind(kind).label, n=latest.number
            )
        )
    draft = DocumentTemplate.objects.create(
        bureau=bureau,
        kind=kind,
        number=latest.number + 1,
        title=latest.title,
        body=latest.body,
        closing=latest.closing,
        change_reason=reason.strip(),
        created_by=stored_user(actor),
    )
    record(
        "documents.start_template_draft",
        actor=actor,
        subject=draft,
        region_code=bureau.region.code,
        summary=f"{draft} 草稿",
        data={"from_version": latest.number, "reason": reason.strip()},
    )
    return draft


def wording_errors(kind: str, *, title: str, body: str, closing: str) -> dict[str, list[str]]:
    """Field errors of a wording: malformed braces, and placeholders the kind does not know
    (each named, so the administrator sees which to fix)."""
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("请填写标题")]
    if not body.strip():
        errors.setdefault("body", []).append(_("请填写正文"))
    for field, text in (("title", title), ("body", body), ("closing", closing)):
        try:
            unknown = wording.unknown_placeholders(kind, text)
        except wording.WordingError as exc:
            errors.setdefault(field, []).append(str(exc))
            continue
        if unknown:
            errors.setdefault(field, []).append(
                _("{label}没有这些占位符：{names}").format(
                    label=DocumentKind(kind).label, names="、".join(f"{{{n}}}" for n in unknown)
                )
            )
    return errors


@transaction.atomic
def save_template_draft(
    template: DocumentTemplate, *, actor: User, title: str, body: str, closing: str, reason: str
) -> DocumentTemplate:
    """Change a draft's wording. Refused, losing nothing stored, when a placeholder is unknown
    to the kind or braces are malformed."""
    template = _locked_template(template)
    _require_template_admin(actor, template.bureau)
    _require_template_draft(template)
    errors = wording_errors(template.kind, title=title, body=body, closing=closing)
    fail_fields(errors)
    template.title, template.body, template.closing = title.strip(), body.strip(), closing.strip()
    template.change_reason = reason.strip()
    template.save(update_fields=["title", "body", "closing", "change_reason"])
    record(
        "documents.save_template_draft",
        actor=actor,
        subject=template,
        region_code=template.bureau.region.code,
        summary=f"{template} 修改",
        data={"reason": template.change_reason},
    )
    return template


def template_publish_blockers(
    template: DocumentTemplate, effective_from: datetime.date | None
) -> list[str]:
    """Why a draft cannot be published on `effective_from`: what the law requires the kind to
    state and the wording leaves out (domain.md §6), a missing reason or date, or a date before
    the version in force."""
    out = []
    if not template.is_draft:
        out.append(_("只有草稿可以发布，已发布的版本不可修改"))
    errors = wording_errors(
        template.kind, title=template.title, body=template.body, closing=template.closing
    )
    out += [message for messages in errors.values() for message in messages]
    if not errors:
        used = set()
        for text in (template.title, template.body, template.closing):
            used |= set(wording.placeholders_in(text))
        missing = [
            (name, label)
            for name, label in wording.REQUIRED[template.kind].items()
            if name not in used
        ]
        for name, label in missing:
            out.append(
                _("缺少法定内容“{label}”（占位符 {{{name}}}）").format(label=label, name=name)
            )
    if "三个月" in f"{template.body}{template.closing}":
        out.append(
            _(
                "提起行政诉讼的期限是六个月（《行政诉讼法》第四十六条），请勿写“三个月”，用 {litigation_months}"
            )
        )
    if template.number > 1 and not template.change_reason.strip():
        out.append(_("请填写修改原因"))
    if effective_from is None:
        out.append(_("请填写生效日期"))
    else:
        previous = (
            DocumentTemplate.objects.published()
            .filter(bureau_id=template.bureau_id, kind=template.kind, number__lt=template.number)
            .order_by("-number")
            .first()
        )
        if previous is not None and effective_from < previous.effective_from:
            out.append(
                _("生效日期不能早于上一版本的生效日期（{date}）").format(
                    date=rules.chinese_date(previous.effective_from)
                )
            )
    return out


@transaction.atomic
def publish_template(
    template: DocumentTemplate, *, actor: User, effective_from: datetime.date
) -> DocumentTemplate:
    """Publish a draft: it becomes immutable, and documents dated from `effective_from` are
    written in it; documents already issued keep the wording they were written in."""
    template = _locked_template(template)
    _require_template_admin(actor, template.bureau)
    blockers = template_publish_blockers(template, effective_from)
    if blockers:
        raise ValidationFailed(_("文书格式不能发布"), reasons=blockers, fields={"body": blockers})
    (
        DocumentTemplate.objects.published()
        .filter(bureau_id=template.bureau_id, kind=template.kind, effective_until__isnull=True)
        .update(effective_until=effective_from)
    )
    template.status, template.effective_from = DocumentTemplate.Status.PUBLISHED, effective_from
    template.published_by, template.published_at = stored_user(actor), timezone.now()
    template.save(update_fields=["status", "effective_from", "published_by", "published_at"])
    record(
        "documents.publish_template",
        actor=actor,
        subject=template,
        region_code=template.bureau.region.code,
        summary=f"{template} 发布，{rules.chinese_date(effective_from)}起生效",
        data={"effective_from": effective_from.isoformat(), "reason": template.change_reason},
    )
    return template


@transaction.atomic
def discard_template_draft(template: DocumentTemplate, *, actor: User) -> None:
    template = _locked_template(template)
    _require_template_admin(actor, template.bureau)
    _require_template_draft(template)
    record(
        "documents.discard_template_draft",
        actor=actor,
        subject=template,
        region_code=template.bureau.region.code,
        summary=f"{template} 删除草稿",
    )
    template.delete()
