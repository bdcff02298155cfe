"""What goes into a case's archival package, read from the case under its lock: the
application as received, every material file, every notice and decision the bureau signed
(the stored PDFs, unchanged, so their signatures still verify), the event history with its
hash chain, and the index page. `build` returns the zip and the package manifest; storing
them is `actions.archive_case`'s."""

import datetime
import hashlib
import io
import json
import mimetypes
import zipfile
from dataclasses import dataclass
from typing import Any

from django.db.models.fields.files import FieldFile
from django.utils import timezone

from oneseal.cases.actions._base import event_hash, hashed_fields
from oneseal.cases.models import Case, CaseEvent, CaseMaterial, Upload
from oneseal.documents.models import Document
from oneseal.documents.rules import chinese_date

from . import rendering, rules
from .models import ArchiveFile, Retention

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = "oneseal-archive/1"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str).encode(
        "utf-8"
    )


def _read(field: FieldFile) -> bytes:
    with field.open("rb") as fh:
        return fh.read()


def _application(case: Case) -> dict[str, Any]:
    applicant = case.applicant
    version = case.handling_item.item_version
    lines = CaseMaterial.objects.filter(case=case).select_related("material")
    return {
        "case": {
            "number": case.number,
            "channel": case.channel,
            "state": case.state,
            "received_at": case.received_at,
            "accepted_on": case.accepted_on,
            "deemed_accepted": case.deemed_accepted,
            "decided_on": case.decided_on,
            "closed_on": case.closed_on,
            "promised_due": case.promised_due,
            "statutory_due": case.statutory_due,
            "region_code": case.region_code,
            "bureau": case.bureau.name,
            "service_centre": case.service_centre.name if case.service_centre is not None else "",
        },
        "item": {
            "basic_code": version.item.basic_code,
            "name": version.name,
            "version": version.number,
            "handling_item_code": case.handling_item.code,
            "handling_item": case.handling_item.name,
        },
        "applicant": {
            "kind": applicant.kind,
            "name": applicant.name,
            "id_number": applicant.id_number,
            "credit_code": applicant.credit_code,
            "representative": applicant.representative,
            "phone": applicant.phone,
            "address": applicant.address,
        },
        "agent": {
            "name": case.agent_name,
            "id_number": case.agent_id_number,
            "phone": case.agent_phone,
        },
        "materials": [
            {
                "order": line.material.order,
                "name": line.material.name,
                "status": line.status,
                "note": line.note,
                "promised_by": line.promised_by,
                "supplied_on": line.supplied_on,
            }
            for line in lines
        ],
    }


def _history(case: Case, events: list[CaseEvent], follows: str | None = None) -> dict[str, Any]:
    """The events with their hashes, and whether each hash is right and links to the one
    before (the first to `follows`: a supplement's first event to the archived head)."""
    rows, prev, intact = [], follows, True
    for event in events:
        fields = hashed_fields(event)
        ok = event_hash(fields) == event.hash and (prev is None or event.prev_hash == prev)
        intact = intact and ok
        rows.append({**fields, "prev_hash": event.prev_hash, "hash": event.hash})
        prev = event.hash
    return {
        "case": case.number,
        "hash": "SHA-256 over the canonical JSON of each event's fields (cases.actions._base)",
        "chain_intact": intact,
        "events": rows,
    }


@dataclass
class Built:
    zip_bytes: bytes
    manifest: dict[str, Any]  # the package manifest (with the package's SHA-256)
    entries: list[tuple[str, rules.Entry, str]]  # (name in the zip, entry, sha256)
    last_event: CaseEvent


class BrokenChain(Exception):
    """The case's event history does not verify: it is not archived until someone looks."""


def _entries(
    case: Case,
    events: list[CaseEvent],
    *,
    archived: set[str] | None = None,
    follows: str | None = None,
) -> list[rules.Entry]:
    """The package's files. For a supplement, `archived` holds the sources already in the
    archive (only later uploads and documents go in) and `follows` the archived chain head."""
    entries = []
    if archived is None:
        entries.append(
            rules.Entry(
                ArchiveFile.Kind.APPLICATION,
                "行政许可申请信息",
                "申请信息",
                "json",
                canonical_json(_application(case)),
                "application/json",
                dated=case.received_on,
            )
        )
    seen = archived or set()
    uploads = [
        upload
        for upload in Upload.objects.filter(case_material__case=case)
        .select_related("case_material__material")
        .order_by("case_material__material__order", "case_material_id", "uploaded_at", "id")
        if f"upload:{upload.pk}" not in seen
    ]
    for n, upload in enumerate(uploads):
        stem, _dot, ext = upload.original_name.rpartition(".")
        material = upload.case_material.material.name
        entries.append(
            rules.Entry(
                ArchiveFile.Kind.MATERIAL,
                f"{material}（{upload.original_name}）",
                f"{material}-{stem or upload.original_name}",
                (ext or "bin").lower()[:8],
                _read(upload.file),
                upload.content_type or "application/octet-stream",
                dated=timezone.localdate(upload.uploaded_at),
                source=f"upload:{upload.pk}",
                sort_key=(n,),
            )
        )
    documents = [
        document
        for document in Document.objects.filter(case=case)
        .select_related("event")
        .order_by("issued_at", "id")
        if f"document:{document.pk}" not in seen
    ]
    for n, document in enumerate(documents):
        is_result = document.kind in rules.RESULT_KINDS
        title = document.get_kind_display()
        if document.state != Document.DocumentState.GENUINE:
            title += f"（{document.get_state_display()}）"
        entries.append(
            rules.Entry(
                ArchiveFile.Kind.DECISION if is_result else ArchiveFile.Kind.NOTICE,
                f"{title} {document.number}",
                f"{document.get_kind_display()}-{document.number}",
                "pdf",
                _read(document.file),
                "application/pdf",
                dated=document.dated,
                source=f"document:{document.pk}",
                sort_key=(n,),
            )
        )
    entries.append(
        rules.Entry(
            ArchiveFile.Kind.HISTORY,
            "办理过程记录（含哈希链）",
            "办理过程记录",
            "json",
            canonical_json(_history(case, events, follows)),
            "application/json",
            dated=events[-1].on,
        )
    )
    return entries


def build(
    case: Case,
    *,
    number: str,
    retention: str,
    retention_basis: str,
    archived_at: datetime.datetime,
) -> Built:
    events = list(CaseEvent.objects.filter(case=case).order_by("seq"))
    if not events:
        raise BrokenChain(f"case {case.number} has no events")
    history = _history(case, events)
    if not history["chain_intact"]:
        raise BrokenChain(f"case {case.number}: its event chain does not verify")
    body = rules.ordered(_entries(case, events))
    names = [rules.file_name(i + 2, e) for i, e in enumerate(body)]
    hashes = [sha256(e.content) for e in body]
    version = case.handling_item.item_version
    title = f"{case.applicant.name}{version.name}（{case.handling_item.name}）"
    archived_on = timezone.localdate(archived_at)
    index = rendering.IndexPage(
        heading=case.bureau.name,
        facts=[
            ("档号", number),
            ("题名", title),
            ("办件编号", case.number),
            ("申请人", case.applicant.name),
            ("事项", f"{version.name}（{version.item.basic_code}）"),
            (
                "办结情况",
                f"{case.get_state_display()} {chinese_date(case.closed_on or case.decided_on)}",
            ),
            ("保管期限", f"{Retention(retention).label}（{retention_basis}）"),
            ("归档日期", chinese_date(archived_on)),
        ],
        lines=[
            rendering.IndexLine(1, "卷内目录", archived_on, "001-卷内目录.pdf", 0, ""),
            *[
                rendering.IndexLine(i + 2, e.title, e.dated, names[i], len(e.content), hashes[i])
                for i, e in enumerate(body)
            ],
        ],
        remarks=[
            f"本件共{len(body) + 1}个文件，另附归档清单 {MANIFEST_NAME}（各文件 SHA-256）。",
            f"办理过程记录{len(events)}条，哈希链完整，链头 {events[-1].hash[:16]}…（第{events[-1].seq}条）。",
            "文书为签发时的已签名 PDF 原件，未经转换，签名可验证；本目录为 PDF/A-2U。",
            "立卷人：系统自动归档（oneseal worker）。",
        ],
        archived_at=archived_at,
    )
    index_pdf = rendering.render_index(index)
    index_entry = rules.Entry(
        ArchiveFile.Kind.INDEX,
        "卷内目录",
        "卷内目录",
        "pdf",
        index_pdf,
        "application/pdf",
        dated=archived_on,
        pdfa=True,
    )
    all_entries = [("001-卷内目录.pdf", index_entry, sha256(index_pdf))] + list(
        zip(names, body, hashes, strict=True)
    )
    files = _files(all_entries, 1)
    inner = {
        "format": MANIFEST_FORMAT,
        "archive": number,
        "case": case.number,
        "title": title,
        "bureau": case.bureau.name,
        "retention": retention,
        "retention_basis": retention_basis,
        "archived_at": archived_at,
        "events": {"count": len(events), "head_seq": events[-1].seq, "head_hash": events[-1].hash},
        "algorithm": "SHA-256",
        "files": files,
    }
    zip_bytes, manifest = _package(all_entries, inner, number, archived_at)
    return Built(zip_bytes, manifest, all_entries, events[-1])


def _package(
    all_entries: list[tuple[str, rules.Entry, str]],
    inner: dict[str, Any],
    number: str,
    archived_at: datetime.datetime,
) -> tuple[bytes, dict[str, Any]]:
    """The zip (the files and the manifest inside) and the package manifest kept beside it."""
    buffer = io.BytesIO()
    stamp = timezone.localtime(archived_at).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, entry, _digest in all_entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, entry.content)
        info = zipfile.ZipInfo(MANIFEST_NAME, date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(info, canonical_json(inner))
    zip_bytes = buffer.getvalue()
    manifest = {
        **inner,
        "package": {
            "name": f"{number}.zip",
            "size": len(zip_bytes),
            "sha256": sha256(zip_bytes),
            "manifest_sha256": sha256(canonical_json(inner)),
        },
    }
    return zip_bytes, manifest


def _files(all_entries: list[tuple[str, rules.Entry, str]], first: int) -> list[dict[str, Any]]:
    return [
        {
            "position": first + i,
            "name": name,
            "title": entry.title,
            "kind": entry.kind,
            "dated": entry.dated,
            "content_type": entry.content_type,
            "size": len(entry.content),
            "sha256": digest,
            "pdfa": entry.pdfa,
            "source": entry.source,
        }
        for i, (name, entry, digest) in enumerate(all_entries)
    ]


def build_supplement(
    case: Case,
    *,
    archive_number: str,
    number: str,
    archived: set[str],
    after_seq: int,
    after_hash: str,
    first_position: int,
    archived_at: datetime.datetime,
) -> Built:
    """A supplementary package: the events after `after_seq`, which must continue the chain
    from `after_hash`, and the uploads and documents whose sources are not `archived` yet.
    Its files are numbered from `first_position` (its own index page first)."""
    events = list(CaseEvent.objects.filter(case=case, seq__gt=after_seq).order_by("seq"))
    if not events:
        raise BrokenChain(f"case {case.number} has no event after {after_seq}")
    history = _history(case, events, after_hash)
    if not history["chain_intact"]:
        raise BrokenChain(f"case {case.number}: its later events do not continue the chain")
    body = rules.ordered(_entries(case, events, archived=archived, follows=after_hash))
    names = [rules.file_name(first_position + 1 + i, e) for i, e in enumerate(body)]
    hashes = [sha256(e.content) for e in body]
    version = case.handling_item.item_version
    title = f"{case.applicant.name}{version.name}（{case.handling_item.name}）补充材料"
    archived_on = timezone.localdate(archived_at)
    index_name = f"{first_position:03d}-补充卷内目录.pdf"
    index = rendering.IndexPage(
        heading=case.bureau.name,
        facts=[
            ("补充归档号", number),
            ("原档号", archive_number),
            ("题名", title),
            ("办件编号", case.number),
            ("申请人", case.applicant.name),
            ("办件现状", case.get_state_display()),
            ("归档日期", chinese_date(archived_on)),
        ],
        lines=[
            rendering.IndexLine(first_position, "补充卷内目录", archived_on, index_name, 0, ""),
            *[
                rendering.IndexLine(
                    first_position + 1 + i, e.title, e.dated, names[i], len(e.content), hashes[i]
                )
                for i, e in enumerate(body)
            ],
        ],
        remarks=[
            f"本件为档号 {archive_number} 的补充归档，共{len(body) + 1}个文件，"
            f"另附归档清单 {MANIFEST_NAME}（各文件 SHA-256）。",
            f"办理过程记录第{events[0].seq}—{events[-1].seq}条，接续原归档链头"
            f" {after_hash[:16]}…，哈希链完整。",
            "原归档包未作任何改动。立卷人：系统自动归档（oneseal worker）。",
        ],
        archived_at=archived_at,
    )
    index_pdf = rendering.render_index(index)
    index_entry = rules.Entry(
        ArchiveFile.Kind.INDEX,
        "补充卷内目录",
        "补充卷内目录",
        "pdf",
        index_pdf,
        "application/pdf",
        dated=archived_on,
        pdfa=True,
    )
    all_entries = [(index_name, index_entry, sha256(index_pdf))] + list(
        zip(names, body, hashes, strict=True)
    )
    inner = {
        "format": MANIFEST_FORMAT,
        "archive": archive_number,
        "supplement": number,
        "case": case.number,
        "title": title,
        "bureau": case.bureau.name,
        "archived_at": archived_at,
        "events": {
            "count": len(events),
            "first_seq": events[0].seq,
            "follows_hash": after_hash,
            "head_seq": events[-1].seq,
            "head_hash": events[-1].hash,
        },
        "algorithm": "SHA-256",
        "files": _files(all_entries, first_position),
    }
    zip_bytes, manifest = _package(all_entries, inner, number, archived_at)
    return Built(zip_bytes, manifest, all_entries, events[-1])


def guess_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"
