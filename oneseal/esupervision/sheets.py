"""Every e-supervision table as an xlsx workbook: a title line, a bold header, the rows.

A table is `Table(title, headers, rows)`, the same object the page renders, so a download
always has the columns the reader saw. Cells are plain values (text, numbers, dates) or
`Cell(text, url)` links, written as their text."""

import csv
import io
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from oneseal import spreadsheets

# A download is for reading in a spreadsheet, not a backup: the first rows of a very long list.
MAX_ROWS = 50_000


@dataclass(frozen=True)
class Cell:
    text: str
    url: str = ""

    def __str__(self) -> str:
        return self.text


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    numeric: set[int] = field(default_factory=set)  # columns aligned right on the page
    footer: list | None = None

    @property
    def labelled_rows(self) -> list[list[tuple[str, object]]]:
        """Each row's cells with their column's heading: on a phone a row is a card, each
        value beside its heading (site.css, `table.stacked`)."""
        return [list(zip(self.headers, row, strict=False)) for row in self.rows]


def _plain(value: object) -> object:
    if isinstance(value, Cell):
        return value.text
    if value is None:
        return ""
    return value


def workbook(*tables: Table) -> bytes:
    """One sheet per table; write-only, so memory stays flat for a long list."""
    book = Workbook(write_only=True)
    bold, title_font = Font(bold=True), Font(bold=True, size=14)
    fill = PatternFill("solid", fgColor="EEEEEE")
    for i, table in enumerate(tables):
        sheet = book.create_sheet(title=(table.title[:28] or f"Sheet{i + 1}").replace("/", "／"))
        title = spreadsheets.cell(sheet, table.title)
        title.font = title_font
        sheet.append([title])
        header = []
        for text in table.headers:
            cell = spreadsheets.cell(sheet, str(text))
            cell.font, cell.fill = bold, fill
            header.append(cell)
        sheet.append(header)
        for row in table.rows[:MAX_ROWS]:
            spreadsheets.append(sheet, [_plain(v) for v in row])
        if table.footer:
            spreadsheets.append(sheet, [_plain(v) for v in table.footer])
    return spreadsheets.to_bytes(book)


def _csv_value(value: object) -> object:
    value = _plain(value)
    # A spreadsheet opening the csv would evaluate these: the same rule as the xlsx, written
    # the way csv can (a leading apostrophe, which spreadsheets show as text).
    if isinstance(value, str) and spreadsheets.looks_like_formula(value):
        return "'" + value
    return value


def csv_bytes(*tables: Table) -> bytes:
    """The same tables as CSV, one after another (title, header, rows, a blank line), UTF-8
    with a byte-order mark so spreadsheet programs read the Chinese."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for table in tables:
        writer.writerow([_csv_value(table.title)])
        writer.writerow([_csv_value(str(h)) for h in table.headers])
        for row in table.rows[:MAX_ROWS]:
            writer.writerow([_csv_value(v) for v in row])
        if table.footer:
            writer.writerow([_csv_value(v) for v in table.footer])
        writer.writerow([])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
