"""Laying out a notice as an A4 PDF in Chinese: the bureau's heading, the title, the 文号, the
addressee, the body, the dated signature block under the red round stamp, and the QR code
with the verification code. Fonts are embedded (subset) from Noto Sans CJK SC, which has
the rare characters of names too (𠮷, U+20BB7).

What each kind says is a `Notice` built by `documents.wording`; this module only draws.

Why two fonts: subsetting the full Noto face (65,000 glyphs) costs about a second per
document, nearly all of it spent loading the face's tables. So the face is cut once to the
characters of GB 2312 plus Latin and punctuation (≈7,800 glyphs, kept under VAR_DIR/cache),
which every document uses; a character outside it (𠮷 in a name) is drawn from a second,
tiny font cut from the full face for exactly those characters, also cached. Both are the
same Noto Sans CJK SC outlines.

Why the cuts are TrueType: fpdf2 subsets the embedded font again for every document, and
subsetting CFF outlines interprets every kept glyph's charstring program (to follow its
subroutines, then again to prune them) and compiles the programs back: 0.14–0.5 s of CPU per
document, most of the demo's load and of the documents' tests. The cuts' outlines are turned
into quadratic (glyf) outlines once, within one font unit of the cubic ones (fontTools' cu2qu);
a glyf subset copies each kept glyph's bytes (≈ 0.05–0.15 s per document, and smaller files).
"""

import contextlib
import functools
import hashlib
import io
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import qrcode
from django.conf import settings
from fontTools import subset as ft_subset
from fontTools import ttLib
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fpdf import FPDF
from fpdf.enums import WrapMode
from fpdf.fonts import TTFFont

if TYPE_CHECKING:
    from PIL.Image import Image

PAGE_W, PAGE_H, MARGIN = 210.0, 297.0, 25.0
RED = (206, 17, 38)
STAMP_RADIUS = 21.0  # mm: a 42 mm round seal, the size of a county body's official seal
PT_PER_MM = 72 / 25.4
FONT = "notocjk"
RARE_FONT = "notocjkrare"
# Bump when the choice of characters in the common cut changes.
COMMON_CUT_VERSION = "gb2312-glyf-1"


@dataclass(frozen=True)
class Notice:
    """What a document says, independent of how it is drawn."""

    title: str
    paragraphs: list[str]
    # The lines under the body ("受理人：王窗口", "投诉电话：12345").
    closing: list[str] = field(default_factory=list)
    addressee: str | None = None
    # 第一联存档 / 第二联交申请人: one page set per copy where the form has counterfoils.
    copies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    page: int  # where the stamp (and so the signature field) is
    box: tuple[int, int, int, int]  # the stamp in PDF points, origin bottom-left


def font_location() -> tuple[str, int]:
    """The CJK font file and the face in it: settings.DOCUMENT_FONT ("path" or "path#face")
    when set — e.g. Debian's fonts-noto-cjk, /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#2
    — else the Noto Sans CJK collection shipped by the `noto-cjk-sans-otc` package, face 2 (SC)."""
    configured = settings.DOCUMENT_FONT
    if configured:
        path, _sep, face = configured.partition("#")
        return path, int(face or 0)
    import noto_cjk_sans_otc

    return str(noto_cjk_sans_otc.FONT_PATH), 2


class MissingGlyphs(ValueError):
    """Characters no font we embed can draw; printing them would show empty boxes."""

    def __init__(self, chars: str):
        self.chars = chars
        super().__init__(f"no glyph for: {chars}")


def _common_codepoints() -> set[int]:
    out = (
        set(range(0x20, 0x7F))
        | set(range(0x2000, 0x2070))
        | set(range(0x3000, 0x3040))
        | set(range(0xFF00, 0xFFF0))
    )
    out |= {
        0xA0,
        0xB7,
        0xD7,
        0xF7,
        0x2116,
        0x2160,
        0x2161,
        0x2162,
        0x2163,
        0x2164,
        0x25A1,
        0x25CB,
        0x2605,
    }
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                out.add(ord(bytes([hi, lo]).decode("gb2312")))
    return out


def _cache_dir() -> Path:
    path = Path(settings.VAR_DIR) / "cache" / "fonts"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _cut(path: str, face: int, codepoints: set[int], target: Path) -> Path:
    """Subset the face to `codepoints` into `target`, written atomically so that two
    processes cutting at once both end with a whole file."""
    if target.is_file():
        return target
    font = ttLib.TTFont(path, fontNumber=face, lazy=True, recalcTimestamp=False)
    options = ft_subset.Options(
        notdef_outline=True,
        recommended_glyphs=True,
        name_IDs=["*"],
        name_languages=["*"],
        layout_features=[],
    )
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "VORG", "vhea", "vmtx"]
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints & set(font.getBestCmap()))
    subsetter.subset(font)
    if "CFF " in font:
        _quadratic(font)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(fd)
    font.save(tmp)
    os.replace(tmp, target)
    return target


# A cubic curve becomes quadratic ones within this many font units (of 1,000 per em in Noto).
CU2QU_MAX_ERR = 1.0


def _quadratic(font: ttLib.TTFont) -> None:
    """Replace the CFF outlines of `font` by TrueType (glyf) outlines, in place."""
    order = font.getGlyphOrder()
    cubic = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(cubic)
        # PostScript contours run counter-clockwise, TrueType's clockwise.
        cubic[name].draw(Cu2QuPen(pen, CU2QU_MAX_ERR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    glyf = font["glyf"] = ttLib.newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, glyphs
    font["loca"] = ttLib.newTable("loca")
    del font["CFF "]
    maxp = font["maxp"]
    # Version 1.0 (TrueType outlines); the outline maxima are recomputed when the font is saved.
    maxp.tableVersion = 0x00010000
    for limit in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
        "maxPoints",
        "maxContours",
        "maxCompositePoints",
        "maxCompositeContours",
        "maxComponentDepth",
    ):
        setattr(maxp, limit, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 2.0, [], {}
    font.sfntVersion = "\x00\x01\x00\x00"


def _source_key(path: str, face: int) -> str:
    stat = Path(path).stat()
    return hashlib.sha256(f"{path}#{face}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[
        :16
    ]


@functools.cache
def _common_font(path: str, face: int) -> tuple[str, frozenset[int]]:
    """The common cut of the face and the characters it draws."""
    if not Path(path).is_file():
        raise FileNotFoundError(f"CJK font not found: {path}")
    target = _cache_dir() / f"noto-{_source_key(path, face)}-{COMMON_CUT_VERSION}.ttf"
    _cut(path, face, _common_codepoints(), target)
    cmap = ttLib.TTFont(str(target), lazy=True).getBestCmap()
    return str(target), frozenset(cmap)


@functools.cache
def _full_cmap(path: str, face: int) -> frozenset[int]:
    return frozenset(ttLib.TTFont(path, fontNumber=face, lazy=True).getBestCmap())


@functools.lru_cache(maxsize=256)
def _rare_font(path: str, face: int, codepoints: frozenset[int]) -> str:
    name = hashlib.sha256(",".join(map(str, sorted(codepoints))).encode()).hexdigest()[:20]
    # fpdf2 asks a fallback font for the space between runs; without one it mis-numbers the glyph.
    return str(
        _cut(
            path,
            face,
            set(codepoints) | {0x20, 0x3000},
            _cache_dir() / f"noto-{_source_key(path, face)}-rare-{name}.ttf",
        )
    )


def fonts_for(text: str) -> tuple[str, str | None]:
    """The common cut, and a cut of the rare characters in `text` when there are any.
    Raises MissingGlyphs when even the full face cannot draw a character."""
    path, face = font_location()
    common, covered = _common_font(path, face)
    wanted = {ord(ch) for ch in text if not ch.isspace()} - covered
    if not wanted:
        return common, None
    missing = wanted - _full_cmap(path, face)
    if missing:
        raise MissingGlyphs("".join(sorted(chr(c) for c in missing)))
    return common, _rare_font(path, face, frozenset(wanted))


class _Page(FPDF):
    def __init__(self, text: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        common, rare = fonts_for(text)
        self.add_font(FONT, fname=common)
        if rare:
            self.add_font(RARE_FONT, fname=rare)
            self.set_fallback_fonts([RARE_FONT])
        for font in self.fonts.values():
            # Writing the subset would otherwise re-measure every outline to recompute bounding
            # boxes (a quarter of the render time); the cut's own boxes enclose the subset's.
            if isinstance(font, TTFFont):
                font.ttfont.recalcBBoxes = False
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=20)
        self.set_text_color(0, 0, 0)


def _stamp(pdf: FPDF, cx: float, cy: float, name: str, bureau_name: str) -> None:
    """A red round seal: the bureau's name along the upper rim, a five-pointed star in the
    centre and the seal's purpose (行政审批专用章) across the lower half."""
    rim, purpose = (
        (bureau_name, name[len(bureau_name) :]) if name.startswith(bureau_name) else (name, "")
    )
    pdf.set_draw_color(*RED)
    pdf.set_fill_color(*RED)
    pdf.set_text_color(*RED)
    pdf.set_line_width(1.1)
    pdf.circle(cx, cy, STAMP_RADIUS)
    pdf.star(cx, cy, 2.6, 6.8, 5, rotate_degrees=-90, style="F")
    span = 250.0
    arc_mm = (STAMP_RADIUS - 3) * math.radians(span)
    size_mm = min(5.8, arc_mm / max(len(rim), 1) * 0.92)
    pdf.set_font(FONT, size=size_mm * PT_PER_MM)
    top = STAMP_RADIUS - 2.0
    step = span / max(len(rim) - 1, 1) if len(rim) > 1 else 0
    for i, ch in enumerate(rim):
        theta = -span / 2 + i * step if len(rim) > 1 else 0
        width = pdf.get_string_width(ch)
        with pdf.rotation(-theta, x=cx, y=cy):
            pdf.text(cx - width / 2, cy - top + size_mm * 0.88, ch)
    if purpose:
        size = min(4.2, (STAMP_RADIUS * 1.3) / len(purpose))
        pdf.set_font(FONT, size=size * PT_PER_MM)
        pdf.text(cx - pdf.get_string_width(purpose) / 2, cy + 11.5, purpose)
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)


def _qr_image(url: str) -> "Image":
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=4, border=1)
    qr.add_data(url)
    qr.make(fit=True)
    return qr.make_image().get_image()


def _copy(
    pdf: _Page,
    notice: Notice,
    *,
    label: str,
    heading: str,
    number: str,
    dated_text: str,
    code: str,
    url: str,
    seal_name: str,
    qr: "Image",
) -> tuple[int, float, float]:
    pdf.add_page()
    if label:
        pdf.set_font(FONT, size=10)
        pdf.set_xy(MARGIN, 12)
        pdf.cell(PAGE_W - 2 * MARGIN, 6, label, align="R")
    pdf.set_xy(MARGIN, MARGIN)
    pdf.set_font(FONT, size=18)
    pdf.set_text_color(*RED)
    pdf.multi_cell(0, 10, heading, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, size=20)
    pdf.multi_cell(0, 11, notice.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=12)
    pdf.cell(0, 8, number, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.6)
    pdf.line(MARGIN, pdf.get_y() + 1, PAGE_W - MARGIN, pdf.get_y() + 1)
    pdf.set_draw_color(0, 0, 0)
    pdf.ln(6)
    pdf.set_font(FONT, size=13)
    if notice.addressee:
        pdf.multi_cell(0, 8, f"{notice.addressee}：", new_x="LMARGIN", new_y="NEXT")
    for paragraph in notice.paragraphs:
        # First line indented by two characters, as official documents are set; later lines
        # run from the margin. (multi_cell drops leading spaces of a wrapped paragraph.)
        pdf.set_x(MARGIN + 2 * 13 / PT_PER_MM)
        pdf.write(8, paragraph, wrapmode=WrapMode.CHAR)
        pdf.ln(8)
    if notice.closing:
        pdf.ln(2)
        for line in notice.closing:
            pdf.multi_cell(0, 8, f"\u3000\u3000{line}", new_x="LMARGIN", new_y="NEXT")
    # The signature block, the stamp over it and the QR code beside it must share one page.
    if pdf.get_y() + 58 > PAGE_H - 20:
        pdf.add_page()
    top = pdf.get_y() + 14
    right = PAGE_W - MARGIN
    pdf.set_font(FONT, size=13)
    block_w = max(pdf.get_string_width(heading), pdf.get_string_width(dated_text)) + 4
    pdf.set_xy(right - block_w, top + 10)
    pdf.cell(block_w, 8, heading, align="C", new_x="LEFT", new_y="NEXT")
    pdf.cell(block_w, 8, dated_text, align="C")
    cx, cy = right - block_w / 2, top + 16
    _stamp(pdf, cx, cy, seal_name, heading)
    pdf.image(qr, x=MARGIN, y=top, w=26, h=26)
    pdf.set_font(FONT, size=9)
    pdf.set_xy(MARGIN, top + 27)
    pdf.multi_cell(
        70, 4.5, f"核验码：{code}\n扫码或访问核验：\n{url}", new_x="LMARGIN", new_y="NEXT"
    )
    return pdf.page - 1, cx, cy


def render(
    notice: Notice,
    *,
    heading: str,
    number: str,
    dated_text: str,
    code: str,
    url: str,
    seal_name: str,
    author: str,
) -> Rendered:
    text = "".join(
        [
            heading,
            number,
            dated_text,
            code,
            url,
            seal_name,
            notice.title,
            notice.addressee or "",
            *notice.paragraphs,
            *notice.closing,
            *notice.copies,
            "核验码：扫码或访问核验",
        ]
    )
    pdf = _Page(text)
    pdf.set_title(f"{notice.title} {number}")
    pdf.set_author(author)
    pdf.set_subject(number)
    pdf.set_creator("oneseal")
    # Read back by `oneseal verify` to find the record when the file's hash no longer matches.
    pdf.set_keywords(f"oneseal-verification-code:{code}")
    qr = _qr_image(url)
    first: tuple[int, float, float] | None = None
    for label in notice.copies or ("",):
        placed = _copy(
            pdf,
            notice,
            label=label,
            heading=heading,
            number=number,
            dated_text=dated_text,
            code=code,
            url=url,
            seal_name=seal_name,
            qr=qr,
        )
        first = first or placed
    assert first is not None  # at least one copy is placed
    page, cx, cy = first
    r = STAMP_RADIUS
    box = (
        round((cx - r) * PT_PER_MM),
        round((PAGE_H - cy - r) * PT_PER_MM),
        round((cx + r) * PT_PER_MM),
        round((PAGE_H - cy + r) * PT_PER_MM),
    )
    out = io.BytesIO()
    pdf.output(out)
    return Rendered(out.getvalue(), page, box)
