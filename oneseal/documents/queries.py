"""Reads of documents: the public verification record and the check of a file."""

import hashlib
import io
import re
from dataclasses import dataclass

from pyhanko.pdf_utils.reader import PdfFileReader

from . import rules, signing
from .models import Document, Seal

CODE_IN_KEYWORDS = re.compile(r"oneseal-verification-code:([0-9A-Z]+)")


def public_document(code: str) -> Document | None:
    """The document a printed verification code names, with what the public page shows."""
    return (Document.objects.select_related("bureau", "case__applicant", "case__handling_item", "seal",
                                            "superseded_by")
            .filter(verification_code=rules.normalise_code(code)).first())


def embedded_code(data: bytes) -> str:
    """The verification code written into the PDF's document information at issue."""
    try:
        info = PdfFileReader(io.BytesIO(data), strict=False).trailer_view.get("/Info")
        info = info.get_object() if info is not None else None
        keywords = str(info.get("/Keywords", "")) if info is not None else ""
    except Exception:  # a damaged file may still be identified by its hash; the code is a fallback
        return ""
    match = CODE_IN_KEYWORDS.search(keywords)
    return match.group(1) if match else ""


@dataclass(frozen=True)
class FileCheck:
    signature: signing.SignatureCheck
    document: Document | None
    matches_record: bool  # the file is byte for byte the one the bureau stored
    seal: Seal | None  # the seal whose certificate signed the file

    @property
    def genuine(self) -> bool:
        return (self.signature.ok and self.matches_record and self.document is not None
                and self.document.state == Document.DocumentState.GENUINE)


def check_file(data: bytes) -> FileCheck:
    """Validate a file's signature against every seal certificate we ever issued (old seals
    keep verifying after rotation) and find its record by SHA-256 or by its embedded code."""
    certificates = list(Seal.objects.exclude(certificate_pem="").values_list("certificate_pem", flat=True))
    signature = signing.check_signature(data, certificates)
    digest = hashlib.sha256(data).hexdigest()
    document = Document.objects.select_related("bureau", "seal").filter(sha256=digest).first()
    matches = document is not None
    if document is None:
        code = embedded_code(data)
        document = public_document(code) if code else None
    seal = Seal.objects.filter(fingerprint=signature.fingerprint).first() if signature.fingerprint else None
    return FileCheck(signature, document, matches, seal)
