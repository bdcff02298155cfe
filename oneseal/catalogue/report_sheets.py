"""The catalogue's two reports as sheets: xlsx workbooks in the shape offices pass around (a
title line, a bold header, one row per department or item, a totals row) and plain-text
tables for the console."""

import unicodedata
from typing import cast

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from oneseal.spreadsheets import put, to_bytes

from .models import TransferStatus
from .queries import GapReport, TransferReport

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="EEEEEE")
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _to_bytes(book: Workbook) -> bytes:
    return to_bytes(book)


def _style_header(sheet: Worksheet, rows: range, columns: int) -> None:
    for r in rows:
        for c in range(1, columns + 1):
            cell = sheet.cell(row=r, column=c)
            cell.font, cell.fill, cell.border, cell.alignment = BOLD, HEADER_FILL, BORDER, CENTRE


def _style_body(sheet: Worksheet, rows: range, columns: int) -> None:
    for r in rows:
        for c in range(1, columns + 1):
            sheet.cell(row=r, column=c).border = BORDER


def _widths(sheet: Worksheet, widths: list[int]) -> None:
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width


def _title(sheet: Worksheet, text: str, columns: int) -> None:
    put(sheet, 1, 1, text).font = TITLE
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)


def transfer_report_xlsx(report: TransferReport) -> bytes:
    """Items and handling items per department and transfer status, with a totals row."""
    statuses = TransferStatus.values
    labels = [str(label) for label in TransferStatus.labels]
    group = len(statuses) + 1  # each status and a subtotal
    columns = 2 + 2 * group
    book = Workbook()
    sheet = cast(Worksheet, book.active)  # a new workbook's one sheet
    sheet.title = _("划转情况统计")
    title = _("{region}事项划转情况统计表").format(region=report.region.name)
    if report.include_drafts:
        title += _("（含未发布草稿）")
    else:
        title += _("（{date}有效目录）").format(date=date_format(report.on, "DATE_FORMAT"))
    _title(sheet, title, columns)

    put(sheet, 2, 1, _("序号"))
    put(sheet, 2, 2, _("原审批部门"))
    sheet.merge_cells(start_row=2, start_column=1, end_row=3, end_column=1)
    sheet.merge_cells(start_row=2, start_column=2, end_row=3, end_column=2)
    for g, heading in enumerate([_("事项（项）"), _("办理项（项）")]):
        first = 3 + g * group
        put(sheet, 2, first, heading)
        sheet.merge_cells(start_row=2, start_column=first, end_row=2, end_column=first + group - 1)
        for i, label in enumerate([*labels, _("小计")]):
            put(sheet, 3, first + i, label)
    _style_header(sheet, range(2, 4), columns)

    def counts(row) -> list[int]:
        return (
            [row.items[s] for s in statuses]
            + [row.item_total]
            + [row.handling_items[s] for s in statuses]
            + [row.handling_item_total]
        )

    r = 4
    for n, row in enumerate(report.rows, start=1):
        for c, value in enumerate([n, row.department, *counts(row)], start=1):
            put(sheet, r, c, value)
        r += 1
    put(sheet, r, 1, "")
    put(sheet, r, 2, _("合计"))
    for c, value in enumerate(counts(report.totals), start=3):
        put(sheet, r, c, value)
    for c in range(1, columns + 1):
        sheet.cell(row=r, column=c).font = BOLD
    _style_body(sheet, range(4, r + 1), columns)
    _widths(sheet, [6, 30] + [12] * (2 * group))
    sheet.freeze_panes = "C4"
    return _to_bytes(book)


GAP_WIDTHS = [6, 24, 40, 14, 28]


def _gap_sheet(sheet: Worksheet, title: str, entries: list[dict], *, with_reason: bool) -> None:
    headers = [_("序号"), _("基本编码"), _("事项名称"), _("事项类型"), _("原审批部门")]
    if with_reason:
        headers.append(_("无此权力理由"))
    _title(sheet, title, len(headers))
    for c, heading in enumerate(headers, start=1):
        put(sheet, 2, c, heading)
    _style_header(sheet, range(2, 3), len(headers))
    r = 3
    for n, e in enumerate(entries, start=1):
        values = [n, e["basic_code"], e["name"], e["item_type"], e["department"]]
        if with_reason:
            values.append(e["reason"])
        for c, value in enumerate(values, start=1):
            put(sheet, r, c, value)
        r += 1
    put(sheet, r, 2, _("合计"))
    put(sheet, r, 3, _("共{n}项").format(n=len(entries)))
    for c in range(1, len(headers) + 1):
        sheet.cell(row=r, column=c).font = BOLD
    _style_body(sheet, range(3, r + 1), len(headers))
    _widths(sheet, GAP_WIDTHS + ([40] if with_reason else []))
    sheet.freeze_panes = "A3"


def guidance_gaps_xlsx(report: GapReport) -> bytes:
    """A summary sheet with the counts, the gaps, and the items exempted as 无此权力."""
    book = Workbook()
    summary = cast(Worksheet, book.active)
    summary.title = _("汇总")
    _title(summary, _("{region}对照指导目录缺项情况").format(region=report.region.name), 2)
    listed = report.guidance_total - len(report.gaps) - len(report.exempted)
    rows = [
        (_("指导目录"), report.guidance.name if report.guidance else _("（未找到本省指导目录）")),
        (_("指导目录事项数"), report.guidance_total),
        (_("本级目录已列入"), listed),
        (_("缺项"), len(report.gaps)),
        (_("无此权力（不计缺项）"), len(report.exempted)),
    ]
    put(summary, 2, 1, _("项目"))
    put(summary, 2, 2, _("数量"))
    _style_header(summary, range(2, 3), 2)
    for r, (label, value) in enumerate(rows, start=3):
        put(summary, r, 1, label)
        put(summary, r, 2, value)
    _style_body(summary, range(3, 3 + len(rows)), 2)
    _widths(summary, [24, 40])

    _gap_sheet(
        book.create_sheet(_("缺项清单")),
        _("{region}缺项清单").format(region=report.region.name),
        report.gaps,
        with_reason=False,
    )
    _gap_sheet(
        book.create_sheet(_("无此权力")),
        _("{region}无此权力事项").format(region=report.region.name),
        report.exempted,
        with_reason=True,
    )
    return _to_bytes(book)


def _display_width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def text_table(headers: list[str], rows: list[list], *, numeric_from: int = 0) -> str:
    """A plain-text table for the console, columns padded by display width; columns from
    `numeric_from` on are right-aligned (0: none)."""
    cells = [[str(h) for h in headers]] + [
        ["" if v is None else str(v) for v in row] for row in rows
    ]
    widths = [max(_display_width(row[c]) for row in cells) for c in range(len(headers))]

    def line(row: list[str]) -> str:
        out = []
        for c, value in enumerate(row):
            pad = " " * (widths[c] - _display_width(value))
            out.append(pad + value if numeric_from and c >= numeric_from else value + pad)
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])
