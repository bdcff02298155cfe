import io
import re

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from oneseal.documents import actions
from oneseal.testing import day


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def seal(bureau):
    return actions.create_seal(bureau, system=True, valid_from=day("2024-01-01"))


def notice_of(case, kind):
    """The notice of `kind` the case's latest act calling for it issued with itself (the act
    issues its own notice, cases.notices → documents.actions.issue_for_event)."""
    from oneseal.documents.models import Document
    from oneseal.documents.queries import notice_event

    return Document.objects.get(
        case=case, kind=kind, event=notice_event(case, kind), state=Document.DocumentState.GENUINE
    )


def pdf_bytes(document) -> bytes:
    with document.file.open("rb") as fh:
        return fh.read()


def _to_unicode(font) -> dict[int, str]:
    cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    out = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, dst in re.findall(
            r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            for code in range(int(lo, 16), int(hi, 16) + 1):
                out[code] = chr(int(dst, 16) + code - int(lo, 16))
    return out


def _raw(operand) -> bytes:
    return operand.original_bytes if hasattr(operand, "original_bytes") else bytes(operand)


def pdf_text(document_or_bytes) -> str:
    """The text of every page as a reader copies it: each shown string's 2-byte codes mapped
    through its font's ToUnicode CMap, whitespace removed. (pypdf's own extract_text does not
    read the embedded encoding CMap fpdf2 writes for CFF fonts and splits the codes into bytes;
    poppler's pdftotext reads these files correctly.)"""
    data = (
        document_or_bytes if isinstance(document_or_bytes, bytes) else pdf_bytes(document_or_bytes)
    )
    reader = PdfReader(io.BytesIO(data))
    out = []
    for page in reader.pages:
        fonts = {name: ref.get_object() for name, ref in page["/Resources"]["/Font"].items()}
        maps = {name: _to_unicode(font) for name, font in fonts.items()}
        current = {}
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tf":
                current = maps[operands[0]]
            elif operator in (b"Tj", b"TJ"):
                strings = operands[0] if operator == b"TJ" else [operands[0]]
                for item in strings:
                    if isinstance(item, (int, float)):
                        continue
                    raw = _raw(item)
                    out.extend(
                        current.get(int.from_bytes(raw[i : i + 2], "big"), "\ufffd")
                        for i in range(0, len(raw), 2)
                    )
    return "".join("".join(out).split())
