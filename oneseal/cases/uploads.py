"""The one check of an uploaded file, for case materials and for the files a department
answers with: the kind is decided from the file's first bytes, and the name's extension must
agree with it. Which kinds a bureau accepts is configured (settings.UPLOAD_TYPES)."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import File

# What each accepted kind of file starts with, and the names it may carry.
UPLOAD_KINDS = {
    "pdf": ("application/pdf", b"%PDF", {"pdf"}),
    "jpg": ("image/jpeg", b"\xff\xd8\xff", {"jpg", "jpeg"}),
    "png": ("image/png", b"\x89PNG", {"png"}),
}


@dataclass(frozen=True)
class SniffedFile:
    content_type: str
    suffix: str
    sha256: str


def too_large(upload: File) -> bool:
    return upload.size > settings.UPLOAD_MAX_BYTES


def max_megabytes() -> int:
    return settings.UPLOAD_MAX_BYTES // 1048576


def max_bytes() -> int:
    return settings.UPLOAD_MAX_BYTES


def accepted_suffixes() -> set[str]:
    """The file name extensions of the accepted kinds (what a browser may pre-check)."""
    return {s for k in settings.UPLOAD_TYPES if k in UPLOAD_KINDS for s in UPLOAD_KINDS[k][2]}


def accepted_content_types() -> set[str]:
    return {UPLOAD_KINDS[k][0] for k in settings.UPLOAD_TYPES if k in UPLOAD_KINDS}


def accepted_names() -> str:
    """The accepted kinds as the refusal names them (PDF、JPG、PNG)."""
    return "、".join(k.upper() for k in settings.UPLOAD_TYPES)


def sniff(upload: File) -> SniffedFile | None:
    """The file's kind, extension and SHA-256; None when its first bytes are of no accepted
    kind or its name's extension is not one that kind carries. Leaves the file at its start."""
    head = upload.read(8)
    upload.seek(0)
    assert upload.name is not None  # an uploaded file always has its name
    allowed = [UPLOAD_KINDS[k] for k in settings.UPLOAD_TYPES if k in UPLOAD_KINDS]
    suffix = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    match = next((k for k in allowed if head.startswith(k[1])), None)
    if match is None or suffix not in match[2]:
        return None
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return SniffedFile(match[0], suffix, digest.hexdigest())
