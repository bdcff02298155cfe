"""Writes of documents and seals. Each is one transaction with its audit row.

A document's number (文号) is taken from its bureau's per-year, per-kind sequence inside the
transaction that renders, signs and stores the document, so a failed issue gives its number
back (no gaps) and two issues never share one (no repeats).
"""

import datetime
import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from oneseal.audit.actions import record
from oneseal.cases.models import Case, CaseEvent, Licence
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.organisation.models import Bureau, Department, Role
from oneseal.organisation.rules import has_role

from . import rules, signing
from .models import Document, DocumentKind, DocumentSequence, Seal
from .rendering import render
from .templates_pdf import TEMPLATES, Facts, tolerated_materials

# --- seals --------------------------------------------------------------------------------


def _require_operator(actor) -> None:
    """Seals are kept by whoever runs the installation: the command line (actor None) or a
    superuser."""
    if actor is not None and not (getattr(actor, "is_superuser", False) and actor.is_active):
        raise NotPermitted()


@transaction.atomic
def create_seal(bureau: Bureau, *, actor, name: str = "", valid_from: datetime.date | None = None) -> Seal:
    """A new key and certificate for the bureau's approval seal. The seal it replaces is
    sealed away on the same day: it signs nothing more, and its certificate stays to verify
    what it signed."""
    _require_operator(actor)
    valid_from = valid_from or timezone.localdate()
    name = (name or f"{bureau.name}行政审批专用章").strip()
    bureau = Bureau.objects.select_for_update().select_related("region").get(pk=bureau.pk)
    for old in Seal.objects.select_for_update().filter(bureau=bureau, state=Seal.SealState.ACTIVE):
        old.state, old.sealed_away_on = Seal.SealState.SEALED_AWAY, valid_from
        old.save(update_fields=["state", "sealed_away_on"])
        record("documents.seal_away", actor=actor, subject=old, region_code=bureau.region.code,
               summary=f"{old.name} 封存（换章）")
    material = signing.new_key_material(name=name, organisation=bureau.name, region_name=bureau.region.name,
                                        credit_code=bureau.credit_code, valid_from=valid_from)
    seal = Seal.objects.create(kind=Seal.Kind.BUREAU, bureau=bureau, name=name, valid_from=valid_from,
                               certificate_pem=material.certificate_pem, private_key_pem=material.private_key_pem,
                               fingerprint=material.fingerprint)
    record("documents.create_seal", actor=actor, subject=seal, region_code=bureau.region.code,
           summary=f"{seal.name} 启用", data={"fingerprint": seal.fingerprint})
    return seal


@transaction.atomic
def register_department_seal(department: Department, *, actor, name: str, sealed_away_on: datetime.date) -> Seal:
    """Seed 000 四(二)5: a department's old approval seal, registered as sealed away from the
    transfer date. It has no key, so no document can ever carry it."""
    _require_operator(actor)
    if not name.strip():
        raise ValidationFailed(fields={"name": [_("请填写印章名称")]})
    seal = Seal.objects.create(kind=Seal.Kind.DEPARTMENT, department=department, name=name.strip(),
                               state=Seal.SealState.SEALED_AWAY, valid_from=sealed_away_on,
                               sealed_away_on=sealed_away_on)
    record("documents.register_department_seal", actor=actor, subject=seal, region_code=department.region.code,
           summary=f"{seal.name} 封存")
    return seal


@transaction.atomic
def revoke_seal(seal: Seal, *, actor, on: datetime.date | None = None) -> Seal:
    """A seal whose key is lost or exposed signs nothing more. Documents it signed keep their
    own state; the verification page says the seal is void."""
    _require_operator(actor)
    seal = Seal.objects.select_for_update().get(pk=seal.pk)
    if seal.state == Seal.SealState.REVOKED:
        raise ValidationFailed(fields={"seal": [_("该印章已作废")]})
    seal.state, seal.revoked_on = Seal.SealState.REVOKED, on or timezone.localdate()
    seal.save(update_fields=["state", "revoked_on"])
    record("documents.revoke_seal", actor=actor, subject=seal, summary=f"{seal.name} 作废")
    return seal


# --- documents ----------------------------------------------------------------------------


def _next_seq(bureau: Bureau, year: int, kind: str) -> int:
    """Lock the bureau's sequence row for the year and kind and take the next number. The
    first issue of a year creates the row; when two do so at once, the loser's insert fails
    on the unique constraint and it locks the winner's row instead."""
    for _attempt in range(3):
        row = DocumentSequence.objects.select_for_update().filter(bureau=bureau, year=year, kind=kind).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = DocumentSequence.objects.create(bureau=bureau, year=year, kind=kind, last=0)
            except IntegrityError:
                continue
        row.last += 1
        row.save(update_fields=["last"])
        return row.last
    raise RuntimeError("document sequence row could neither be created nor locked")


def _new_code() -> str:
    while True:
        code = rules.new_verification_code()
        if not Document.objects.filter(verification_code=code).exists():
            return code


def public_url(code: str) -> str:
    from django.conf import settings

    base = getattr(settings, "PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
    with translation.override("zh-hans"):
        return base + reverse("documents:verify", args=[code])


def notice_event(case: Case, kind: str) -> CaseEvent | None:
    """The latest event of the case that calls for this kind of document."""
    return (CaseEvent.objects.filter(case=case, notice_due__in=rules.NOTICE_OF_KIND[DocumentKind(kind)])
            .order_by("-seq").first())


def active_seal(bureau: Bureau) -> Seal | None:
    return Seal.objects.filter(bureau=bureau, kind=Seal.Kind.BUREAU, state=Seal.SealState.ACTIVE).first()


def issue_blockers(case: Case, *, kind: str, replacing: Document | None = None) -> list[str]:
    """Why this document cannot be issued now: the case has no event calling for it, it was
    issued already (a correction goes through `reissue_document`), a licence is held back or
    revoked, or the bureau has no active seal."""
    if kind not in DocumentKind.values:
        return [_("未知的文书种类")]
    label = DocumentKind(kind).label
    event = notice_event(case, kind)
    if event is None:
        return [_("该办件没有需要出具{label}的事项").format(label=label)]
    out = []
    existing = Document.objects.filter(case=case, event=event, kind=kind, state=Document.DocumentState.GENUINE).first()
    if existing is not None and existing != replacing:
        out.append(_("已出具{label}（{number}），如需更正请重新出具").format(label=label, number=existing.number))
    if kind == DocumentKind.LICENCE:
        licence = Licence.objects.filter(case=case).first()
        if licence is None:
            out.append(_("该办件没有证照"))
        elif licence.state == Licence.LicenceState.HELD:
            out.append(_("容缺材料尚未补齐，证照暂缓发放"))
        elif licence.state == Licence.LicenceState.REVOKED:
            out.append(_("证照{number}已撤销").format(number=licence.number))
    out += signing.sign_blockers(active_seal(case.bureau))
    return out


def _require_issuer(actor, case: Case) -> None:
    if not (has_role(actor, Role.CLERK, case.region) or has_role(actor, Role.SIGNATORY, case.region)):
        raise NotPermitted()


def _issue(case: Case, *, kind: str, actor, supersedes: Document | None) -> Document:
    blockers = issue_blockers(case, kind=kind, replacing=supersedes)
    if blockers:
        raise ValidationFailed(blockers[0], reasons=blockers, fields={"kind": blockers})
    event = notice_event(case, kind)
    bureau = case.bureau
    seal = active_seal(bureau)
    year = event.on.year
    seq = _next_seq(bureau, year, kind)
    number = rules.document_number(bureau.region.name, kind, year, seq)
    code = _new_code()
    url = public_url(code)
    licence = Licence.objects.select_related("holder").filter(case=case).first()
    tolerated = tolerated_materials(case, event) if kind == DocumentKind.TOLERATED_ACCEPTANCE else []
    facts = Facts(case=case, event=event, bureau=bureau, licence=licence, tolerated=tolerated)
    notice = TEMPLATES[kind](facts)
    rendered = render(notice, heading=bureau.name, number=number, dated_text=rules.chinese_date(event.on), code=code,
                      url=url, seal_name=seal.name, author=bureau.name)
    signed = signing.sign_pdf(rendered.pdf, seal=seal, page=rendered.page, box=rendered.box,
                              reason=str(DocumentKind(kind).label), location=bureau.region.name)
    digest = hashlib.sha256(signed).hexdigest()
    # Content-addressed: a name is never written twice with different bytes, and a file left
    # by a rolled-back issue is recognisable as belonging to no row.
    path = f"documents/{year}/{digest}.pdf"
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(signed))
    document = Document.objects.create(
        case=case, event=event, bureau=bureau, kind=kind, number=number, year=year, seq=seq, dated=event.on,
        file=path, sha256=digest, size=len(signed), supersedes=supersedes, verification_code=code, seal=seal,
        issued_at=timezone.now(), issued_by=actor,
    )
    record("documents.issue", actor=actor, subject=document, region_code=case.region_code,
           summary=f"{document.get_kind_display()} {number}",
           data={"case": case.number, "sha256": digest, "supersedes": supersedes.number if supersedes else None})
    return document


def _lock_case(case: Case) -> Case:
    # One issuer per case at a time: two clerks clicking "print" get one document, not two.
    return (Case.objects.select_for_update(of=("self",)).select_related("bureau__region", "region", "applicant",
                                                                        "handling_item")
            .get(pk=case.pk))


@transaction.atomic
def issue_document(case: Case, *, kind: str, actor) -> Document:
    """Render the notice or licence the case's latest matching event calls for (domain.md §6),
    number it, sign it with the bureau's active seal (PAdES, visible stamp) and store it with
    its SHA-256."""
    case = _lock_case(case)
    _require_issuer(actor, case)
    return _issue(case, kind=kind, actor=actor, supersedes=None)


@transaction.atomic
def reissue_document(document: Document, *, actor, reason: str) -> Document:
    """A correction: a new document, with a new number, from the case's data as it is now;
    the old one is superseded and both stay on the case."""
    if not str(reason or "").strip():
        raise ValidationFailed(fields={"reason": [_("请填写更正理由")]})
    case = _lock_case(document.case)
    _require_issuer(actor, case)
    old = Document.objects.select_for_update().get(pk=document.pk)
    if old.state != Document.DocumentState.GENUINE:
        msg = _("文书{number}已{state}，不能更正").format(number=old.number, state=old.get_state_display())
        raise ValidationFailed(msg, fields={"document": [msg]})
    new = _issue(case, kind=old.kind, actor=actor, supersedes=old)
    old.state = Document.DocumentState.SUPERSEDED
    old.save(update_fields=["state"])
    record("documents.supersede", actor=actor, subject=old, region_code=case.region_code,
           summary=f"{old.number} → {new.number}", data={"reason": reason.strip()})
    return new


@transaction.atomic
def revoke_document(document: Document, *, actor, reason: str, on: datetime.date | None = None) -> Document:
    """A signatory withdraws a document issued in error; the verification page then says so."""
    old = Document.objects.select_for_update().select_related("case__region").get(pk=document.pk)
    if not has_role(actor, Role.SIGNATORY, old.case.region):
        raise NotPermitted()
    if not str(reason or "").strip():
        raise ValidationFailed(fields={"reason": [_("请填写撤销理由")]})
    if old.state != Document.DocumentState.GENUINE:
        msg = _("文书{number}已{state}，不能撤销").format(number=old.number, state=old.get_state_display())
        raise ValidationFailed(msg, fields={"document": [msg]})
    old.state, old.revoked_on, old.revocation_reason = (Document.DocumentState.REVOKED,
                                                         on or timezone.localdate(), reason.strip())
    old.save(update_fields=["state", "revoked_on", "revocation_reason"])
    record("documents.revoke", actor=actor, subject=old, region_code=old.case.region_code,
           summary=f"{old.number} 撤销", data={"reason": old.revocation_reason})
    return old
