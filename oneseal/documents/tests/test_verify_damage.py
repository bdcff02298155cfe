"""`oneseal verify` answers every damaged file with one verdict line and a non-zero exit code,
never a traceback: a flipped byte anywhere (the signature blob, the signed content, the
cross-reference table, the trailer), a cut or an appended tail, something that is not a PDF,
an empty file, a directory, a missing path. The public page and the API answer the same."""

import io
import re

import pytest
from django.core.management import call_command
from pypdf import PdfWriter

from oneseal.documents.queries import check_file
from oneseal.testing import accepted_case

from .conftest import notice_of, pdf_bytes

# A byte position is an anchor found in the file plus an offset; "fraction" spreads positions
# evenly over the whole file, so every part of it (header, pages, fonts, signature, xref,
# trailer) is hit.
FRACTIONS = [("fraction", n) for n in range(0, 100, 3)]
ANCHORS = [
    ("contents", 1),
    ("contents", 2),
    ("contents", 10),
    ("contents", 64),
    ("contents", 200),
    ("contents", 600),
    ("contents", 1200),
    ("contents_end", -3),
    ("byterange", 12),
    ("byterange", 20),
    ("xref", 0),
    ("xref", 5),
    ("xref", 30),
    ("last_xref", 3),
    ("last_xref", 25),
    ("trailer", 2),
    ("trailer", 12),
    ("startxref", 10),
    ("eof", 2),
    ("header", 1),
    ("header", 5),
]


@pytest.fixture
def signed(item, applicant, clerk, seal):
    document = notice_of(accepted_case(item, applicant, clerk, "2025-03-03"), "acceptance")
    return document, pdf_bytes(document)


def position(data: bytes, anchor: str, offset: int) -> int:
    if anchor == "fraction":
        return min(len(data) - 1, len(data) * offset // 100)
    if anchor in ("contents", "contents_end"):
        match = re.search(rb"/Contents\s*<([0-9A-Fa-f]+)>", data)
        return (match.start(1) if anchor == "contents" else match.end(1)) + offset
    if anchor == "byterange":
        return data.index(b"/ByteRange") + offset
    if anchor == "xref":  # the first cross-reference table (the original file's)
        return data.index(b"\nxref") + 1 + offset
    if anchor == "last_xref":  # the signature's incremental update
        return data.rindex(b"\nxref") + 1 + offset
    if anchor == "trailer":
        return data.rindex(b"trailer") + offset
    if anchor == "startxref":
        return data.rindex(b"startxref") + offset
    if anchor == "eof":
        return data.rindex(b"%%EOF") + offset
    return offset  # header


def run_verify(path) -> tuple[int, list[str]]:
    out = io.StringIO()
    try:
        call_command("verify", str(path), stdout=out)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    lines = out.getvalue().strip().splitlines()
    return code, lines


def assert_one_verdict(lines: list[str], ending: str) -> None:
    assert lines, "no output"
    assert lines[-1].startswith("verdict: ") and lines[-1].endswith(ending), lines[-1]
    assert sum(line.startswith("verdict: ") for line in lines) == 1
    assert not any("Traceback" in line for line in lines)


# One signed notice serves every damage below: building and signing one per position was most
# of the module's time, and each position still gets its own file, run and verdict.
def test_a_flipped_byte_anywhere_is_not_genuine(signed, tmp_path):
    _document, data = signed
    for anchor, offset in FRACTIONS + ANCHORS:
        at = position(data, anchor, offset)
        damaged = bytearray(data)
        damaged[at] ^= 0x01
        path = tmp_path / f"damaged-{anchor}-{offset}.pdf"
        path.write_bytes(bytes(damaged))
        code, lines = run_verify(path)
        assert code != 0, f"byte {at} ({anchor}+{offset}) flipped and still accepted: {lines}"
        if b"%PDF-" in bytes(damaged[:1024]):
            assert code == 1, f"{anchor}+{offset}: {lines}"
            assert_one_verdict(lines, "NOT GENUINE")
        assert not check_file(bytes(damaged)).authentic, f"{anchor}+{offset}"


def test_a_truncated_file_is_not_genuine(signed, tmp_path):
    _document, data = signed
    for cut in [1, 2, 17, 100, 1000, "half", "header"]:
        keep = (
            {"half": len(data) // 2, "header": 8}.get(cut)
            if isinstance(cut, str)
            else len(data) - cut
        )
        path = tmp_path / f"cut-{cut}.pdf"
        path.write_bytes(data[:keep])
        code, lines = run_verify(path)
        assert code == 1, f"cut {cut}: {lines}"
        assert_one_verdict(lines, "NOT GENUINE")


def test_bytes_appended_after_the_signature_are_not_genuine(signed, tmp_path):
    document, data = signed
    tails = [
        b"\n",
        b"%comment\n",
        b"garbage" * 100,
        b"\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n",
    ]
    for n, tail in enumerate(tails):
        path = tmp_path / f"appended-{n}.pdf"
        path.write_bytes(data + tail)
        code, lines = run_verify(path)
        assert code == 1, f"tail {tail[:20]!r}: {lines}"
        assert_one_verdict(lines, "NOT GENUINE")
        if b"obj" not in tail:
            # The file still names its document (by its embedded code), so the reader learns
            # which one.
            assert any(document.number in line for line in lines)


def test_the_untouched_file_is_genuine_and_in_force(signed, tmp_path):
    document, data = signed
    path = tmp_path / "good.pdf"
    path.write_bytes(data)
    code, lines = run_verify(path)
    assert code == 0
    assert_one_verdict(lines, "— GENUINE")
    assert any(line.startswith("in force: yes") for line in lines)


@pytest.mark.parametrize(
    ("content", "ending"),
    [
        (b"", "NOT GENUINE"),
        (b"hello, this is not a pdf\n", "NOT GENUINE"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "NOT GENUINE"),
        (b"%PDF-1.7\n", "NOT GENUINE"),
        (b"%PDF-1.7\n" + bytes(5000), "NOT GENUINE"),
    ],
)
def test_something_that_is_not_a_signed_pdf_gets_a_verdict(db, tmp_path, content, ending):
    path = tmp_path / "x.pdf"
    path.write_bytes(content)
    code, lines = run_verify(path)
    assert code == 1
    assert_one_verdict(lines, ending)


def test_an_unsigned_pdf_is_not_genuine(db, tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    path = tmp_path / "unsigned.pdf"
    path.write_bytes(buffer.getvalue())
    code, lines = run_verify(path)
    assert code == 1
    assert_one_verdict(lines, "NOT GENUINE")
    assert "no readable signature" in lines[-1]


def test_a_directory_or_a_missing_path_is_not_checked(db, tmp_path):
    code, lines = run_verify(tmp_path)
    assert code == 2 and lines == [f"verdict: {tmp_path} is a directory, not a file — NOT CHECKED"]
    code, lines = run_verify(tmp_path / "nothing.pdf")
    assert code == 2
    assert_one_verdict(lines, "NOT CHECKED")


def test_the_public_page_checks_an_uploaded_file_with_csrf(signed, client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    document, data = signed
    strict = Client(enforce_csrf_checks=True)
    refused = strict.post(
        "/documents/verify/", {"file": SimpleUploadedFile("a.pdf", data, "application/pdf")}
    )
    assert refused.status_code == 403
    page = client.post(
        "/documents/verify/", {"file": SimpleUploadedFile("a.pdf", data, "application/pdf")}
    )
    html = page.content.decode()
    assert (
        page.status_code == 200
        and "签章真实" in html
        and "真实有效" in html
        and document.number in html
    )
    damaged = bytearray(data)
    damaged[len(data) // 2] ^= 0x01
    page = client.post(
        "/documents/verify/",
        {"file": SimpleUploadedFile("a.pdf", bytes(damaged), "application/pdf")},
    )
    html = page.content.decode()
    assert page.status_code == 200 and "不能证明真实" in html and "真实有效" not in html
    page = client.post(
        "/documents/verify/",
        {"file": SimpleUploadedFile("a.txt", b"plain text", "application/pdf")},
    )
    assert page.status_code == 400 and "不是 PDF 文件" in page.content.decode()


def test_an_upload_over_the_cap_is_refused(db, client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from oneseal.documents import forms

    big = b"%PDF-1.7\n" + bytes(forms.VERIFY_UPLOAD_MAX_BYTES)
    page = client.post(
        "/documents/verify/", {"file": SimpleUploadedFile("big.pdf", big, "application/pdf")}
    )
    assert page.status_code == 400 and "10 MB" in page.content.decode()


def test_the_api_checks_an_uploaded_file(signed):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from rest_framework.test import APIClient

    document, data = signed
    body = (
        APIClient()
        .post(
            "/api/v1/verify",
            {"file": SimpleUploadedFile("a.pdf", data, "application/pdf")},
            format="multipart",
        )
        .json()
    )
    assert body["authentic"] is True and body["document"]["number"] == document.number
    assert body["document"]["in_force"] is True and body["document"]["standing"] == "in_force"
    response = APIClient().post(
        "/api/v1/verify",
        {"file": SimpleUploadedFile("a.pdf", data + b"x", "application/pdf")},
        format="multipart",
    )
    assert response.status_code == 200 and response.json()["authentic"] is False
    assert response.json()["document"] is None
    response = APIClient().post(
        "/api/v1/verify",
        {"file": SimpleUploadedFile("a.pdf", b"nope", "text/plain")},
        format="multipart",
    )
    assert response.status_code == 400 and "file" in response.json()["fields"]
