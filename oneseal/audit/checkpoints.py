"""Checkpoints: the outside anchor of the hash chains.

A chain alone shows a row changed behind the actions' back, but not a row changed *and* every
later hash recomputed, nor a cut-off tail. A checkpoint seals every chain head at one moment
— the audit log's length and last hash, and a root over each case's (id, head seq, head hash)
— signed with the bureau's seal key; exported as a small JSON file and kept elsewhere, it
lets `oneseal audit verify` tell whether today's history still is the history that was sealed.

Consistency of the sealed heads: case events are appended under each case's own row lock, so
there is no one lock to take; instead the case part is read under `LOCK TABLE … IN SHARE
MODE` on PostgreSQL (appends wait a moment; every insert that got an id before the read has
committed), in its own short transaction. The audit part is read under the audit chain head's
lock, in a second transaction that also writes the checkpoint: the two locks are never held
together, so no action that appends a case event and records an audit row can deadlock with it.
"""

import base64
import datetime
import hashlib
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.db import connection, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from oneseal.calendars.queries import today as business_today
from oneseal.errors import DomainError

from . import chain
from .actions import record
from .models import GENESIS, Checkpoint

if TYPE_CHECKING:
    from oneseal.documents.models import Seal

FORMAT = "oneseal-audit-checkpoint/1"


# ---- what is sealed -------------------------------------------------------------------------


def case_heads(
    last_event_id: int,
    case_ids: Iterable[int] | QuerySet[Any, Any] | None = None,
) -> dict[int, tuple[int, str]]:
    """Each case's chain head as it stood when `last_event_id` was the newest event: the
    stored seq and hash of its newest event with an id up to that one."""
    from oneseal.cases.models import Case, CaseEvent

    newest = CaseEvent.objects.filter(case=OuterRef("pk"), id__lte=last_event_id).order_by("-seq")
    cases = Case.objects.all() if case_ids is None else Case.objects.filter(pk__in=case_ids)
    rows = (
        cases.annotate(
            head_seq=Subquery(newest.values("seq")[:1]),
            head_hash=Subquery(newest.values("hash")[:1]),
        )
        .filter(head_seq__isnull=False)
        .order_by()
        .values_list("pk", "head_seq", "head_hash")
    )
    return {pk: (seq, head) for pk, seq, head in rows}


def cases_root(heads: dict[int, tuple[int, str]]) -> str:
    digest = hashlib.sha256()
    for case_id in sorted(heads):
        seq, head = heads[case_id]
        digest.update(f"{case_id} {seq} {head}\n".encode("ascii"))
    return digest.hexdigest()


def payload(cp: Checkpoint | dict[str, Any]) -> dict[str, Any]:
    """The signed content of a checkpoint (a `Checkpoint` or a file's `checkpoint` dict)."""
    if isinstance(cp, dict):
        return {k: cp[k] for k in ("format", "number", "made_at", "on", "audit", "cases", "prev")}
    return {
        "format": FORMAT,
        "number": cp.number,
        "made_at": cp.made_at.isoformat(),
        "on": cp.on.isoformat(),
        "audit": {"rows": cp.audit_rows, "head": cp.audit_head},
        "cases": {
            "cases": cp.case_count,
            "events": cp.case_event_count,
            "last_event_id": cp.last_case_event_id,
            "root": cp.cases_root,
        },
        "prev": cp.prev_digest,
    }


def digest_of(content: dict[str, Any]) -> str:
    return hashlib.sha256(chain.canonical(content)).hexdigest()


def folded_heads(upto: Checkpoint) -> dict[int, tuple[int, str]]:
    """The case heads checkpoint `upto` sealed: the moved heads of every checkpoint up to it."""
    heads: dict[int, tuple[int, str]] = {}
    for moved in (
        Checkpoint.objects.filter(number__lte=upto.number)
        .order_by("number")
        .values_list("case_heads", flat=True)
    ):
        heads.update({int(k): (v[0], v[1]) for k, v in moved.items()})
    return heads


# ---- signing --------------------------------------------------------------------------------


def signing_seal() -> "Seal | None":
    """The active seal that signs checkpoints: the bureau highest in the region tree (a
    city's before its counties'), as one installation serves one bureau and those under it."""
    from oneseal.documents.models import Seal

    return (
        Seal.objects.filter(kind=Seal.Kind.BUREAU, state=Seal.SealState.ACTIVE)
        .exclude(private_key_pem="")
        .select_related("bureau__region")
        .order_by("bureau__region__code", "id")
        .first()
    )


def sign(content: dict[str, Any], seal: "Seal") -> str:
    from oneseal.documents.signing import seal_private_key

    signature = seal_private_key(seal).sign(chain.canonical(content), ec.ECDSA(hashes.SHA256()))
    return base64.b64encode(signature).decode("ascii")


def signature_valid(content: dict[str, Any], signature: str, certificate_pem: str) -> bool:
    try:
        key = x509.load_pem_x509_certificate(certificate_pem.encode("ascii")).public_key()
        if not isinstance(
            key, ec.EllipticCurvePublicKey
        ):  # seals are EC keys; no other kind signed
            return False
        key.verify(
            base64.b64decode(signature, validate=True),
            chain.canonical(content),
            ec.ECDSA(hashes.SHA256()),
        )
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


# ---- making one -----------------------------------------------------------------------------


def _sealed_case_part(
    previous: Checkpoint | None,
) -> tuple[int, dict[int, tuple[int, str]], dict[int, tuple[int, str]]]:
    """The case heads now, read while no case event can be appended: (last event id, the
    heads moved since `previous`, every head)."""
    from oneseal.cases.models import CaseEvent

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    f"LOCK TABLE {connection.ops.quote_name(CaseEvent._meta.db_table)} IN SHARE MODE"
                )
        last_id = CaseEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        since = previous.last_case_event_id if previous else 0
        moved_ids = (
            CaseEvent.objects.filter(id__gt=since, id__lte=last_id).values("case_id").distinct()
        )
        moved = case_heads(last_id, case_ids=moved_ids) if last_id > since else {}
    heads = folded_heads(previous) if previous else {}
    heads.update(moved)
    return last_id, moved, heads


def make_checkpoint(
    *, on: datetime.date | None = None, only_if_none_on: bool = False
) -> Checkpoint | None:
    """Seal every chain head now, signed with the bureau's seal (the system acts: the
    worker once a day, `oneseal audit checkpoint` on demand). With `only_if_none_on`, nothing
    is made when a checkpoint of that business date exists (two workers make one). Refuses
    with a `DomainError` when no active seal can sign."""
    from oneseal.documents.signing import sign_blockers

    seal = signing_seal()
    blockers = sign_blockers(seal)
    if blockers or seal is None:  # no seal is a blocker too
        raise DomainError(_("无法生成审计检查点：{reason}").format(reason=blockers[0]))
    on = on or business_today()
    previous = Checkpoint.objects.order_by("-number").first()
    last_id, moved, heads = _sealed_case_part(previous)
    with transaction.atomic():
        head = chain.lock_head()  # also queues checkpoint makers one after the other
        newest = Checkpoint.objects.order_by("-number").first()
        if only_if_none_on and Checkpoint.objects.filter(on=on).exists():
            return None
        if newest != previous:  # another maker sealed in between: seal on top of it
            previous = newest
            last_id, moved, heads = _sealed_case_part(previous)
        cp = Checkpoint(
            number=(previous.number if previous else 0) + 1,
            made_at=timezone.now().replace(microsecond=0),
            on=on,
            audit_rows=head.seq,
            audit_head=head.hash,
            case_count=len(heads),
            case_event_count=sum(seq for seq, _h in heads.values()),
            last_case_event_id=last_id,
            cases_root=cases_root(heads),
            case_heads={str(k): list(v) for k, v in moved.items()},
            prev_digest=previous.digest if previous else GENESIS,
            fingerprint=seal.fingerprint,
        )
        content = payload(cp)
        cp.digest = digest_of(content)
        cp.signature = sign(content, seal)
        cp.save(force_insert=True)
        record(
            "audit.checkpoint",
            actor=None,
            subject=cp,
            summary=_("审计检查点 #{n}").format(n=cp.number),
            data={
                "digest": cp.digest,
                "audit_rows": cp.audit_rows,
                "cases": cp.case_count,
                "case_events": cp.case_event_count,
                "fingerprint": cp.fingerprint,
            },
        )
    return cp


def daily_checkpoint(today: datetime.date) -> str:
    """The worker's job: one checkpoint per business day."""
    try:
        cp = make_checkpoint(on=today, only_if_none_on=True)
    except DomainError as error:
        return f"no checkpoint: {error.message}"
    if cp is None:
        return "checkpoint of the day already made"
    return f"checkpoint #{cp.number} sealed ({cp.audit_rows} audit rows, {cp.case_count} cases, {cp.case_event_count} events)"


# ---- the file kept elsewhere ----------------------------------------------------------------


def export(cp: Checkpoint) -> dict[str, Any]:
    """The small JSON document to keep outside the database: the signed content, its digest,
    the signature and the certificate that checks it."""
    from oneseal.documents.models import Seal

    seal = Seal.objects.filter(fingerprint=cp.fingerprint).first()
    return {
        "checkpoint": payload(cp),
        "digest": cp.digest,
        "signature": cp.signature,
        "fingerprint": cp.fingerprint,
        "certificate": seal.certificate_pem if seal else "",
    }


def parse_export(text: str) -> dict[str, Any]:
    """A checkpoint file read back, or a `DomainError` naming what is wrong with it."""
    try:
        doc = json.loads(text)
        content = payload(doc["checkpoint"])
        if content["format"] != FORMAT:
            raise DomainError(_("检查点文件格式不是 {format}").format(format=FORMAT))
        for key in ("digest", "signature", "fingerprint", "certificate"):
            if not isinstance(doc[key], str):
                raise DomainError(_("检查点文件的“{key}”不是文本").format(key=key))
        (
            int(content["number"]),
            int(content["audit"]["rows"]),
            int(content["cases"]["last_event_id"]),
        )
        datetime.date.fromisoformat(content["on"])
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise DomainError(_("不是审计检查点文件（{error}）").format(error=error)) from error
    return doc
