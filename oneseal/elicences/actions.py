"""Writes of e-licences. The e-licence of a licence document is made in the transaction that
issues the document (`documents.followers`) and its state follows every later act on the
licence (`cases.notices`): change, renewal, replacement, correction, revocation, cancellation.
Its OFD is made there too; when that fails (no usable seal, a font, a disk) the decision and
the document stand, and the worker makes the file later (`retry_pending`)."""

from __future__ import annotations

import datetime
import hashlib
import logging

from asn1crypto import keys as asn1_keys
from cryptography.hazmat.primitives import serialization
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from oneseal.actors import Actor, acts_as_system
from oneseal.audit.actions import record
from oneseal.calendars.queries import today
from oneseal.cases.models import Case, CaseEvent, Licence, LicenceVersion, State
from oneseal.documents import rules as document_rules
from oneseal.documents import signing
from oneseal.documents.models import Document, DocumentKind, Seal
from oneseal.documents.queries import active_seal
from oneseal.documents.rendering import font_location, fonts_for
from oneseal.errors import DomainError, NotPermitted, ValidationFailed
from oneseal.organisation.models import Bureau, Role
from oneseal.organisation.rules import has_role

from . import ofd, rules
from .models import ELicence, ELicenceType

logger = logging.getLogger(__name__)

RETRY_MINUTES = (5, 30, 120, 720)  # then every 12 hours


# --- the metadata ---------------------------------------------------------------------------


def _licence_documents(licence: Licence) -> QuerySet[Document]:
    events = LicenceVersion.objects.filter(licence=licence).exclude(event=None).values("event_id")
    return (
        Document.objects.filter(kind=DocumentKind.LICENCE, event_id__in=events)
        .select_related("bureau__region", "event")
        .order_by("issued_at", "id")
    )


def _type_for(bureau: Bureau, name: str) -> ELicenceType:
    found = ELicenceType.objects.filter(bureau=bureau, name=name).first()
    if found is not None:
        return found
    n = (ELicenceType.objects.filter(bureau=bureau).aggregate(m=Max("n"))["m"] or 0) + 1
    return ELicenceType.objects.create(
        bureau=bureau, name=name, n=n, code=rules.type_code(bureau.credit_code, n)
    )


def _holder(licence: Licence) -> rules.Holder:
    holder = licence.holder
    if holder.credit_code:
        return rules.Holder(holder.name, holder.credit_code, ELicence.CodeType.CREDIT)
    return rules.Holder(holder.name, holder.id_number, ELicence.CodeType.ID_CARD)


def metadata_blockers(document: Document) -> list[str]:
    bureau = document.bureau
    if not rules.is_credit_code(bureau.credit_code):
        return [
            _("{bureau}未登记有效的统一社会信用代码，不能生成证照标识").format(bureau=bureau.name)
        ]
    return []


def _new_code() -> str:
    while True:
        code = document_rules.new_verification_code()
        taken = ELicence.objects.filter(verification_code=code).exists()
        if not taken and not Document.objects.filter(verification_code=code).exists():
            return code


def _create(licence: Licence, document: Document, actor: Actor | None) -> ELicence | None:
    """The e-licence of `document` with its GB/T 36903 metadata, taken from the licence version
    the document issues. None (logged, retried by the worker) when the metadata cannot be made."""
    blockers = metadata_blockers(document)
    if blockers:
        logger.warning("e-licence of %s not issued: %s", document.number, blockers[0])
        return None
    version = (
        LicenceVersion.objects.filter(licence=licence, event_id=document.event_id)
        .order_by("-number")
        .first()
    )
    terms = version or licence
    bureau = document.bureau
    kind = _type_for(bureau, licence.name)
    issue = (ELicence.objects.filter(licence=licence).aggregate(m=Max("issue"))["m"] or 0) + 1
    holder = _holder(licence)
    identifier = rules.identifier(
        type_code=kind.code,
        issuer_code=bureau.credit_code,
        serial=rules.serial_of(licence.number),
        version=issue,
    )
    elicence = ELicence.objects.create(
        document=document,
        licence=licence,
        version=version,
        issue=issue,
        identifier=identifier,
        identifier_key=document_rules.normalise_code(identifier),
        verification_code=_new_code(),
        type=kind,
        type_code=kind.code,
        type_name=kind.name,
        number=licence.number,
        holder_name=holder.name,
        holder_code=holder.code,
        holder_code_type=holder.code_type,
        issuer_name=bureau.name,
        issuer_code=bureau.credit_code,
        issued_on=document.dated,
        valid_from=terms.valid_from,
        valid_until=terms.valid_until,
        state=ELicence.State.VALID,
        face=rules.face_items(
            name=licence.name,
            number=licence.number,
            holder=holder.name,
            holder_code=holder.code,
            scope=terms.scope,
            valid_from=terms.valid_from,
            valid_until=terms.valid_until,
            issuer=bureau.name,
            issued_on=document.dated,
        ),
        region_code=document.case.region_code,
        bureau=bureau,
    )
    record(
        "elicences.issue",
        actor=actor,
        subject=elicence,
        region_code=elicence.region_code,
        summary=f"电子证照 {identifier}（{document.number}）",
        data={"licence": licence.number, "document": document.number, "issue": issue},
    )
    return elicence


def _state_of(
    elicence: ELicence, document: Document, licence: Licence
) -> tuple[str, datetime.date | None]:
    if document.state == Document.DocumentState.SUPERSEDED:
        return ELicence.State.SUPERSEDED, None
    if document.state == Document.DocumentState.REVOKED:
        return ELicence.State.VOID, document.revoked_on
    if licence.state == Licence.LicenceState.CANCELLED:
        return ELicence.State.CANCELLED, licence.cancelled_on
    if licence.state == Licence.LicenceState.REVOKED:
        return ELicence.State.REVOKED, licence.revoked_on
    return ELicence.State.VALID, None


def _follow_state(
    elicence: ELicence, document: Document, licence: Licence, actor: Actor | None
) -> None:
    state, on = _state_of(elicence, document, licence)
    if state == elicence.state:
        return
    before = elicence.state
    elicence.state, elicence.state_changed_on = state, on or today()
    elicence.save(update_fields=["state", "state_changed_on"])
    record(
        "elicences.state",
        actor=actor,
        subject=elicence,
        region_code=elicence.region_code,
        summary=f"电子证照 {elicence.identifier}：{ELicence.State(before).label} → {elicence.get_state_display()}",
        data={"from": before, "to": state},
    )


# --- the file -------------------------------------------------------------------------------


def _signer(seal: Seal) -> signers.SimpleSigner:
    key = signing.seal_private_key(seal)
    key_der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return signers.SimpleSigner(
        signing_cert=signing.asn1_certificate(seal.certificate_pem),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore(),
    )


def face_of(elicence: ELicence) -> ofd.Face:
    return ofd.Face(
        title=elicence.type_name,
        items=[list(pair) for pair in elicence.face],
        issuer=elicence.issuer_name,
        issued_text=rules.chinese_date(elicence.issued_on),
        footer=f"证照标识：{elicence.identifier}　核验码：{elicence.verification_code}",
        metadata=[
            ("证照标识", elicence.identifier),
            ("证照类型代码", elicence.type_code),
            ("证照类型名称", elicence.type_name),
            ("证照编号", elicence.number),
            ("持证主体", elicence.holder_name),
            ("持证主体代码", elicence.holder_code),
            ("持证主体代码类型", elicence.holder_code_type),
            ("证照颁发机构", elicence.issuer_name),
            ("证照颁发机构代码", elicence.issuer_code),
            ("发证日期", elicence.issued_on.isoformat()),
            ("有效期起始日期", elicence.valid_from.isoformat()),
            ("有效期截止日期", elicence.valid_until.isoformat() if elicence.valid_until else ""),
            ("核验码", elicence.verification_code),
        ],
    )


def render_ofd(elicence: ELicence) -> tuple[bytes, Seal]:
    """The signed OFD of `elicence` and the seal that signed it. Raises a DomainError naming
    why when the bureau has no seal that may sign."""
    bureau = elicence.bureau
    seal = active_seal(bureau)
    blockers = signing.sign_blockers(seal, bureau)
    if blockers:
        raise ValidationFailed(blockers[0], fields={"seal": blockers})
    assert seal is not None  # sign_blockers refused a bureau without a seal
    face = face_of(elicence)
    shown = face.title + "".join(k + v for k, v in face.items) + face.issuer
    common, rare = fonts_for(shown + (seal.name if seal else ""))
    font_path = common
    if rare is not None:
        # A rare character: cut the face from the whole font instead of the common cut.
        path, face_index = font_location()
        font_path = f"{path}#{face_index}"
    data = ofd.build(
        face,
        font_path=font_path,
        seal_name=seal.name,
        signer=_signer(seal),
        issued=elicence.issued_on,
        signed_at=timezone.now(),
    )
    return data, seal


def _generate(elicence: ELicence, actor: Actor | None) -> bool:
    """Make and store the OFD; on failure keep why and when to try again. True when made."""
    try:
        with transaction.atomic():
            data, seal = render_ofd(elicence)
            digest = hashlib.sha256(data).hexdigest()
            path = f"elicences/{elicence.issued_on.year}/{digest}.ofd"
            if not default_storage.exists(path):
                path = default_storage.save(path, ContentFile(data))
            elicence.file, elicence.sha256, elicence.size = path, digest, len(data)
            elicence.seal, elicence.generated_at = seal, timezone.now()
            elicence.attempts += 1
            elicence.last_error, elicence.retry_after = "", None
            elicence.save(
                update_fields=[
                    "file",
                    "sha256",
                    "size",
                    "seal",
                    "generated_at",
                    "attempts",
                    "last_error",
                    "retry_after",
                ]
            )
            record(
                "elicences.generate",
                actor=actor,
                subject=elicence,
                region_code=elicence.region_code,
                summary=f"电子证照 {elicence.identifier} OFD",
                data={"sha256": digest, "seal": seal.fingerprint},
            )
        return True
    except Exception as exc:  # noqa: BLE001 — the decision stands; the worker tries again
        if isinstance(exc, DomainError):
            reason = "；".join(str(r) for r in exc.reasons) or str(exc.message)
        else:
            logger.exception("OFD of e-licence %s failed", elicence.identifier)
            reason = _("生成OFD时发生系统错误：{error}").format(error=type(exc).__name__)
        elicence.attempts += 1
        wait = RETRY_MINUTES[min(elicence.attempts, len(RETRY_MINUTES)) - 1]
        elicence.last_error = reason
        elicence.retry_after = timezone.now() + datetime.timedelta(minutes=wait)
        elicence.save(update_fields=["attempts", "last_error", "retry_after"])
        return False


# --- the one entry point ------------------------------------------------------------------


@transaction.atomic
def follow_licence(
    licence: Licence, *, actor: Actor | None = None, system: bool = False
) -> list[ELicence]:
    """Bring the licence's e-licences up to date: one for every licence document issued for it
    (made with its metadata and, if it can be, its OFD), each in the state its document and the
    licence are in now. Idempotent: what is there already is left as it is. The worker and the
    demo call it with `system=True`; a person must be a clerk or signatory of the licence's
    region (who may issue its documents)."""
    if not acts_as_system(actor, system=system):
        region = licence.case.region
        assert actor is not None  # acts_as_system refused a missing actor
        if not (has_role(actor, Role.CLERK, region) or has_role(actor, Role.SIGNATORY, region)):
            raise NotPermitted()
    return _follow(licence, actor)


def _follow(licence: Licence, actor: Actor | None) -> list[ELicence]:
    """`follow_licence` without the permission check: for the hooks, which run inside an act
    whose actor was already allowed to issue the document or change the licence."""
    licence = Licence.objects.select_for_update().select_related("holder").get(pk=licence.pk)
    have = {e.document_id: e for e in ELicence.objects.filter(licence=licence)}
    result = []
    for document in _licence_documents(licence):
        elicence = have.get(document.pk)
        if elicence is None:
            elicence = _create(licence, document, actor)
            if elicence is None:
                continue
            if (
                elicence.state == ELicence.State.VALID
                and document.state == Document.DocumentState.GENUINE
            ):
                _generate(elicence, actor)
        _follow_state(elicence, document, licence, actor)
        result.append(elicence)
    return result


def _quietly(licence: Licence, actor: Actor | None) -> None:
    """Hooks never fail the act they follow: an error leaves the licence for the worker."""
    try:
        with transaction.atomic():
            _follow(licence, actor)
    except Exception:  # noqa: BLE001 — see the docstring
        logger.exception("e-licences of %s not brought up to date", licence.number)


def document_changed(document: Document, actor: Actor | None) -> None:
    """`documents.followers` hook: a licence document was issued, superseded or revoked."""
    if document.kind != DocumentKind.LICENCE:
        return
    version = (
        LicenceVersion.objects.filter(event_id=document.event_id).select_related("licence").first()
    )
    if version is not None:
        _quietly(version.licence, actor)


_BEFORE_ANY_LICENCE = frozenset(
    {State.RECEIVED, State.AWAITING_CORRECTION, State.ACCEPTED, State.SUSPENDED, State.REFUSED}
)


def event_recorded(case: Case, event: CaseEvent, actor: Actor | None) -> None:
    """`cases.notices` hook: an act on a case (a revocation, a cancellation, a termination that
    voids a held licence) may change the state of its licence's e-licences."""
    if case.state in _BEFORE_ANY_LICENCE and not case.target_licence_id:
        # Receipt, correction, acceptance, suspension, refusal: no licence of this case exists
        # yet and it acts on none, so nothing to read on the intake hot path.
        return
    licence = Licence.objects.filter(case=case).first()
    if licence is None and case.target_licence_id:
        licence = Licence.objects.filter(pk=case.target_licence_id).first()
    if licence is not None and ELicence.objects.filter(licence=licence).exists():
        _quietly(licence, actor)


def retry_pending(on: datetime.date, *, limit: int = 50) -> dict:
    """The worker's job: e-licences of licence documents that have none yet (a failed hook, or
    documents issued before e-licences existed), then OFDs still to be made whose retry time
    has come."""
    made = files = failed = 0
    missing = (
        Document.objects.filter(kind=DocumentKind.LICENCE, elicence__isnull=True)
        .exclude(event=None)
        .values_list("event_id", flat=True)[:limit]
    )
    licence_ids = set(
        LicenceVersion.objects.filter(event_id__in=list(missing)).values_list(
            "licence_id", flat=True
        )
    )
    for licence in Licence.objects.filter(pk__in=licence_ids):
        made += len(follow_licence(licence, system=True))
    now = timezone.now()
    due = (
        ELicence.objects.pending()
        .filter(state=ELicence.State.VALID)
        .exclude(retry_after__gt=now)
        .select_related("bureau")[:limit]
    )
    for elicence in due:
        with transaction.atomic():
            locked = (
                ELicence.objects.select_for_update().select_related("bureau").get(pk=elicence.pk)
            )
            if locked.generated:
                continue
            if _generate(locked, None):
                files += 1
            else:
                failed += 1
    return {"followed": made, "files": files, "failed": failed}
