"""The e-licence's file: an OFD package (GB/T 33190-2016《电子文件存储与交换格式 版式文档》,
as GB/T 36905 asks of an e-licence file) with the licence's face, the seal's image, the
GB/T 36903 metadata as the document's custom data, and a digital signature in the package's
own signature structure (GB/T 33190 §18: Signatures.xml, Signature.xml with a hash of every
file, SignedValue.dat).

What the signature is, and what it is not (docs/elicences.md): the SignedValue is a CMS
SignedData (RFC 5652, detached) over Signature.xml made with the bureau seal's ECDSA P-256 key
and SHA-256, carrying the seal's certificate — the key material `documents.signing` keeps for
the PAdES signatures of the PDFs. It is not an SES electronic seal of GB/T 38540-2020 (which
needs an SES_Seal issued by a seal-making authority and SM2/SM3 in a certified crypto module),
so readers that check only GB/T 38540 seals show it as an unverified signature; `check`
below, the public verification page and the API verify it.

No maintained package on the index writes conforming OFD (docs/dependencies.md: easyofd's
writer puts its pages in another namespace and rasterises them), so the package is written
here with lxml; easyofd, the maintained OFD reader, reads it back in the tests.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import io
import math
import uuid
import zipfile
from dataclasses import dataclass
from typing import Any

from asn1crypto import cms
from lxml import etree
from pyhanko.sign.signers import Signer

from oneseal import eventloops

NS = "http://www.ofdspec.org/2016"
OFD = f"{{{NS}}}"
NSMAP = {"ofd": NS}
SHA256_OID = "2.16.840.1.101.3.4.2.1"
ECDSA_SHA256_OID = "1.2.840.10045.4.3.2"
SIGNATURES_PATH = "Doc_0/Signs/Signatures.xml"
SIGNATURE_PATH = "Doc_0/Signs/Sign_0/Signature.xml"
SIGNED_VALUE_PATH = "Doc_0/Signs/Sign_0/SignedValue.dat"
# The files of the signature itself: everything else in the package is covered by it.
UNSIGNED = frozenset({SIGNATURES_PATH, SIGNATURE_PATH, SIGNED_VALUE_PATH})
PAGE_W, PAGE_H = 210, 297  # A4, in millimetres (the OFD unit)
SEAL_BOX = (120.0, 212.0, 42.0, 42.0)  # x, y, w, h in mm: over the issuer's name and date


@dataclass(frozen=True)
class Face:
    """What the file shows and carries: the title, the face items and the metadata."""

    title: str
    items: list[list[str]]
    issuer: str
    issued_text: str  # 2026年1月27日
    footer: str  # the identifier and the verification code
    metadata: list[tuple[str, str]]  # GB/T 36903 items, written as CustomData


def _el(parent: Any, tag: str, text: str | None = None, **attrs: Any) -> Any:
    node = etree.SubElement(parent, OFD + tag, {k: str(v) for k, v in attrs.items()})
    if text is not None:
        node.text = text
    return node


def _xml(root: Any) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _advance(ch: str, size: float) -> float:
    return size if ord(ch) > 0x2E7F else size * 0.55


def _wrap(text: str, size: float, width: float) -> list[str]:
    lines, line, used = [], "", 0.0
    for ch in text:
        step = _advance(ch, size)
        if line and used + step > width:
            lines.append(line)
            line, used = "", 0.0
        line += ch
        used += step
    return [*lines, line] if line else lines or [""]


class _Page:
    def __init__(self, font_id: int):
        self.root = etree.Element(OFD + "Page", nsmap=NSMAP)
        content = _el(self.root, "Content")
        self.layer = _el(content, "Layer", ID=4, Type="Body")
        self.font_id = font_id
        self.next_id = 10

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def text(self, x: float, y: float, text: str, size: float, *, centre: bool = False) -> None:
        if not text:
            return
        steps = [_advance(ch, size) for ch in text]
        width = sum(steps)
        if centre:
            x = (PAGE_W - width) / 2
        obj = _el(
            self.layer,
            "TextObject",
            ID=self._id(),
            Boundary=f"{x:.2f} {y:.2f} {width + 1:.2f} {size * 1.4:.2f}",
            Font=self.font_id,
            Size=f"{size:.2f}",
        )
        _el(obj, "FillColor", Value="0 0 0")
        code = _el(obj, "TextCode", text, X="0", Y=f"{size:.2f}")
        if len(steps) > 1:
            code.set("DeltaX", " ".join(f"{s:.2f}" for s in steps[:-1]))

    def image(self, box: tuple[float, float, float, float], resource_id: int) -> None:
        x, y, w, h = box
        _el(
            self.layer,
            "ImageObject",
            ID=self._id(),
            Boundary=f"{x:.2f} {y:.2f} {w:.2f} {h:.2f}",
            CTM=f"{w:.2f} 0 0 {h:.2f} 0 0",
            ResourceID=resource_id,
        )


def _page_content(face: Face) -> bytes:
    page = _Page(font_id=2)
    page.text(0, 30, face.title, 10, centre=True)
    y = 62.0
    for key, value in face.items:
        label = f"{key}："
        page.text(25, y, label, 4.5)
        indent = 25 + sum(_advance(ch, 4.5) for ch in label)
        for line in _wrap(value, 4.5, PAGE_W - 25 - indent):
            page.text(indent, y, line, 4.5)
            y += 7.5
        y += 2.5
    page.text(118, 228, face.issuer, 4.5)
    page.text(125, 236, face.issued_text, 4.5)
    page.image(SEAL_BOX, resource_id=3)
    page.text(15, 282, face.footer, 2.6)
    return _xml(page.root)


def _seal_png(font_path: str, name: str) -> bytes:
    """The round red seal: a ring, a star, the seal's name around the upper arc."""
    from PIL import Image, ImageDraw, ImageFont

    size = 420
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    red = (220, 20, 20, 255)
    draw.ellipse((8, 8, size - 8, size - 8), outline=red, width=12)
    cx = cy = size / 2
    star = []
    for i in range(10):
        radius = 58 if i % 2 == 0 else 23
        angle = -math.pi / 2 + i * math.pi / 5
        star.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(star, fill=red)
    chars = list(name)[:24]
    glyph = max(22, min(44, int(520 / max(len(chars), 1))))
    path, _sep, index = font_path.partition("#")
    font = ImageFont.truetype(path, glyph, index=int(index or 0))
    spread = math.radians(240)
    for i, ch in enumerate(chars):
        angle = -math.pi / 2 - spread / 2 + spread * (i + 0.5) / len(chars)
        tile = Image.new("RGBA", (glyph * 2, glyph * 2), (255, 255, 255, 0))
        ImageDraw.Draw(tile).text((glyph / 2, glyph / 2), ch, font=font, fill=red)
        tile = tile.rotate(-math.degrees(angle + math.pi / 2), resample=Image.Resampling.BICUBIC)
        r = size / 2 - 30 - glyph / 2
        x, y = cx + r * math.cos(angle), cy + r * math.sin(angle)
        image.alpha_composite(tile, (int(x - glyph), int(y - glyph)))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _font_subset(font_path: str, text: str) -> bytes:
    """The font cut to `text`'s characters (`font_path` may name a face: "path#2")."""
    from fontTools import subset, ttLib

    path, _sep, index = font_path.partition("#")
    font = ttLib.TTFont(path, fontNumber=int(index or 0), lazy=True, recalcTimestamp=False)
    subsetter = subset.Subsetter()
    subsetter.populate(text=text)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _package(face: Face, *, font_path: str, seal_name: str, created: datetime.date) -> dict:
    """Every file of the OFD package but the signature, by path."""
    shown = face.title + "".join(k + v for k, v in face.items) + face.issuer
    shown += face.issued_text + face.footer + "："
    root = etree.Element(OFD + "OFD", nsmap=NSMAP, Version="1.0", DocType="OFD")
    body = _el(root, "DocBody")
    info = _el(body, "DocInfo")
    _el(info, "DocID", uuid.uuid4().hex)
    _el(info, "Title", face.title)
    _el(info, "Author", face.issuer)
    _el(info, "CreationDate", created.isoformat())
    _el(info, "Creator", "oneseal")
    custom = _el(info, "CustomDatas")
    for name, value in face.metadata:
        _el(custom, "CustomData", value, Name=name)
    _el(body, "DocRoot", "Doc_0/Document.xml")
    _el(body, "Signatures", SIGNATURES_PATH)

    document = etree.Element(OFD + "Document", nsmap=NSMAP)
    common = _el(document, "CommonData")
    _el(common, "MaxUnitID", "200")
    area = _el(common, "PageArea")
    _el(area, "PhysicalBox", f"0 0 {PAGE_W} {PAGE_H}")
    _el(common, "PublicRes", "PublicRes.xml")
    _el(common, "DocumentRes", "DocumentRes.xml")
    pages = _el(document, "Pages")
    _el(pages, "Page", ID=1, BaseLoc="Pages/Page_0/Content.xml")

    public = etree.Element(OFD + "Res", nsmap=NSMAP, BaseLoc="Res")
    fonts = _el(public, "Fonts")
    font = _el(fonts, "Font", ID=2, FontName="Noto Sans CJK SC", FamilyName="Noto Sans CJK SC")
    _el(font, "FontFile", "font_2.otf")

    res = etree.Element(OFD + "Res", nsmap=NSMAP, BaseLoc="Res")
    media = _el(res, "MultiMedias")
    image = _el(media, "MultiMedia", ID=3, Type="Image", Format="PNG")
    _el(image, "MediaFile", "seal_3.png")

    return {
        "OFD.xml": _xml(root),
        "Doc_0/Document.xml": _xml(document),
        "Doc_0/PublicRes.xml": _xml(public),
        "Doc_0/DocumentRes.xml": _xml(res),
        "Doc_0/Pages/Page_0/Content.xml": _page_content(face),
        "Doc_0/Res/font_2.otf": _font_subset(font_path, shown),
        "Doc_0/Res/seal_3.png": _seal_png(font_path, seal_name),
    }


def _signature_xml(files: dict, *, signed_at: datetime.datetime, issuer: str) -> bytes:
    root = etree.Element(OFD + "Signature", nsmap=NSMAP)
    info = _el(root, "SignedInfo")
    _el(info, "Provider", ProviderName="oneseal", Version="1", Company=issuer)
    _el(info, "SignatureMethod", ECDSA_SHA256_OID)
    _el(info, "SignatureDateTime", signed_at.astimezone(datetime.UTC).strftime("%Y%m%d%H%M%SZ"))
    refs = _el(info, "References", CheckMethod=SHA256_OID)
    for path in sorted(files):
        ref = _el(refs, "Reference", FileRef="/" + path)
        _el(ref, "CheckValue", base64.b64encode(hashlib.sha256(files[path]).digest()).decode())
    x, y, w, h = SEAL_BOX
    _el(info, "StampAnnot", ID=1, PageRef=1, Boundary=f"{x} {y} {w} {h}")
    _el(root, "SignedValue", "/" + SIGNED_VALUE_PATH)
    return _xml(root)


def build(
    face: Face,
    *,
    font_path: str,
    seal_name: str,
    signer: Signer,
    issued: datetime.date,
    signed_at: datetime.datetime,
) -> bytes:
    """The signed OFD package's bytes. `signer` is a pyHanko `Signer` holding the seal's key
    and certificate."""
    files = _package(face, font_path=font_path, seal_name=seal_name, created=issued)
    signature_xml = _signature_xml(files, signed_at=signed_at, issuer=face.issuer)
    content_info = eventloops.run(
        signer.async_sign_general_data(signature_xml, "sha256", detached=True)
    )
    signatures = etree.Element(OFD + "Signatures", nsmap=NSMAP)
    _el(signatures, "MaxSignId", "1")
    _el(signatures, "Signature", ID=1, Type="Sign", BaseLoc="Sign_0/Signature.xml")
    files[SIGNATURES_PATH] = _xml(signatures)
    files[SIGNATURE_PATH] = signature_xml
    files[SIGNED_VALUE_PATH] = content_info.dump()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for path, data in files.items():
            # A fixed date: the same content gives the same bytes.
            entry = zipfile.ZipInfo(
                path, date_time=(issued.year, issued.month, issued.day, 0, 0, 0)
            )
            entry.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(entry, data)
    return out.getvalue()


@dataclass(frozen=True)
class OfdCheck:
    readable: bool  # an OFD package with a signature structure
    intact: bool  # every file hashes to its reference, none missing, none unreferenced
    valid: bool  # the CMS signature over Signature.xml holds
    trusted: bool  # by one of the given seal certificates
    fingerprint: str  # SHA-256 of the signer's certificate, "" when unknown
    summary: str
    metadata: tuple[tuple[str, str], ...] = ()

    @property
    def ok(self) -> bool:
        return self.readable and self.intact and self.valid and self.trusted


def _fail(summary: str, **kw: Any) -> OfdCheck:
    base: dict[str, Any] = {
        "readable": False,
        "intact": False,
        "valid": False,
        "trusted": False,
        "fingerprint": "",
    }
    return OfdCheck(**{**base, **kw, "summary": summary})


def check(data: bytes, certificates_der: list[bytes]) -> OfdCheck:
    """Verify an OFD the way `build` signs it: every file of the package but the signature's own
    is referenced with its SHA-256 and matches; the CMS signature over Signature.xml is valid
    and made by one of the given certificates (the seals'). Never raises: damaged input is an
    answer."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        files = {name: package.read(name) for name in package.namelist()}
        signature_root = etree.fromstring(files[SIGNATURE_PATH])
        ofd_root = etree.fromstring(files["OFD.xml"])
        signed_value = files[SIGNED_VALUE_PATH]
    except Exception as exc:  # noqa: BLE001 — any damaged zip or XML is an answer
        return _fail(f"not a signed OFD: {type(exc).__name__}")
    metadata = tuple(
        (node.get("Name", ""), node.text or "") for node in ofd_root.iter(OFD + "CustomData")
    )
    refs = {}
    for ref in signature_root.iter(OFD + "Reference"):
        value = ref.find(OFD + "CheckValue")
        refs[(ref.get("FileRef") or "").lstrip("/")] = (
            (value.text or "") if value is not None else ""
        )
    method = signature_root.find(f"{OFD}SignedInfo/{OFD}References")
    intact = method is not None and method.get("CheckMethod") == SHA256_OID
    covered = set(files) - UNSIGNED
    if set(refs) != covered:
        intact = False
    for path, expected in refs.items():
        actual = files.get(path)
        if actual is None or base64.b64encode(hashlib.sha256(actual).digest()).decode() != expected:
            intact = False
    try:
        content = cms.ContentInfo.load(signed_value)
        signed_data = content["content"]
        certs = [c.chosen for c in signed_data["certificates"]]
        fingerprint = hashlib.sha256(certs[0].dump()).hexdigest() if certs else ""
    except Exception as exc:  # noqa: BLE001 — a mangled CMS blob
        return _fail(
            f"unreadable signature: {type(exc).__name__}",
            readable=True,
            intact=intact,
            metadata=metadata,
        )
    trusted_fingerprints = {hashlib.sha256(der).hexdigest() for der in certificates_der}
    try:
        from asn1crypto import x509
        from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
        from pyhanko_certvalidator import ValidationContext

        context = ValidationContext(
            trust_roots=[x509.Certificate.load(der) for der in certificates_der],
            allow_fetching=False,
        )
        status = eventloops.run(
            async_validate_detached_cms(files[SIGNATURE_PATH], signed_data, context)
        )
        valid = bool(status.intact and status.valid)
        trusted = bool(status.trusted) and fingerprint in trusted_fingerprints
        summary = status.summary()
    except Exception as exc:  # noqa: BLE001 — a signature that does not parse or verify
        valid, trusted, summary = False, False, f"validation failed: {type(exc).__name__}"
    if not intact:
        summary = "a file of the package was changed, added or removed after signing"
    return OfdCheck(True, intact, valid, trusted, fingerprint, summary, metadata)
