"""The index page of a package (卷内目录 with its 备考表) as an A4 PDF declared PDF/A-2U:
fpdf2's compliance mode embeds the fonts, writes the XMP metadata with the PDF/A
identification and an sRGB output intent, and refuses what the part forbids (transparency,
encryption). The CJK fonts are the documents' (`documents.rendering.fonts_for`)."""

import datetime
from dataclasses import dataclass, replace

from fpdf import FPDF
from fpdf.fonts import FontFace, TTFFont

from oneseal.documents.rendering import FONT, RARE_FONT, MissingGlyphs, fonts_for
from oneseal.documents.rules import chinese_date

COMPLIANCE = "PDF/A-2U"


@dataclass(frozen=True)
class IndexLine:
    position: int
    title: str
    dated: datetime.date | None
    name: str
    size: int
    sha256: str  # empty for the index itself


@dataclass(frozen=True)
class IndexPage:
    heading: str  # the bureau
    facts: list[tuple[str, str]]
    lines: list[IndexLine]
    remarks: list[str]  # the 备考表
    archived_at: datetime.datetime


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} B"


def _drawable(page: IndexPage) -> tuple[IndexPage, str, str | None]:
    """The page with any character no embedded font can draw (an emoji in an uploaded file's
    name) shown as □, and the fonts for it: the index must never keep a case from its archive.
    The files themselves keep their names in the manifest."""

    def text_of(p: IndexPage) -> str:
        return "".join(
            [p.heading, *(a + b for a, b in p.facts), *p.remarks]
            + [line.title + line.name for line in p.lines]
            + ["卷内目录备考表序号题名日期文件名大小校验值前段—□"]
        )

    try:
        common, rare = fonts_for(text_of(page))
    except MissingGlyphs as error:
        table = str.maketrans({ch: "□" for ch in error.chars})
        page = replace(
            page,
            heading=page.heading.translate(table),
            facts=[(a.translate(table), b.translate(table)) for a, b in page.facts],
            remarks=[r.translate(table) for r in page.remarks],
            lines=[
                replace(line, title=line.title.translate(table), name=line.name.translate(table))
                for line in page.lines
            ],
        )
        common, rare = fonts_for(text_of(page))
    return page, common, rare


def render_index(page: IndexPage) -> bytes:
    page, common, rare = _drawable(page)
    pdf = FPDF(orientation="P", unit="mm", format="A4", enforce_compliance=COMPLIANCE)
    pdf.add_font(FONT, fname=common)
    if rare:
        pdf.add_font(RARE_FONT, fname=rare)
        pdf.set_fallback_fonts([RARE_FONT])
    for font in pdf.fonts.values():
        if isinstance(font, TTFFont):
            font.ttfont.recalcBBoxes = False
    pdf.set_lang("zh-CN")
    pdf.set_title("卷内目录")
    pdf.set_author(page.heading)
    pdf.set_creator("oneseal")
    # The moment of archiving, not of rendering: the index states when the package was made.
    pdf.set_creation_date(page.archived_at)
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    pdf.set_font(FONT, size=18)
    pdf.cell(0, 10, "卷内目录", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=11)
    pdf.cell(0, 7, page.heading, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(FONT, size=10)
    for label, value in page.facts:
        pdf.multi_cell(0, 6, f"{label}：{value}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    plain = FontFace(emphasis="")
    with pdf.table(
        col_widths=(10, 62, 26, 48, 24),
        headings_style=plain,
        line_height=5.5,
        text_align=("CENTER", "LEFT", "LEFT", "LEFT", "LEFT"),
    ) as table:
        row = table.row()
        for heading in ("序号", "题名", "日期", "文件名", "校验值前段"):
            row.cell(heading)
        for line in page.lines:
            row = table.row()
            row.cell(str(line.position))
            row.cell(line.title)
            row.cell(chinese_date(line.dated))
            row.cell(f"{line.name}（{_size(line.size)}）")
            row.cell(line.sha256[:16] if line.sha256 else "—")
    pdf.ln(5)
    pdf.set_font(FONT, size=12)
    pdf.cell(0, 8, "备考表", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=10)
    for remark in page.remarks:
        pdf.multi_cell(0, 6, remark, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
