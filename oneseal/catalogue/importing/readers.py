"""Reading an uploaded or local file into a `Sheet`: an xlsx in the shape of a county list, or
the national platform's csv (`national_csv`), told apart by content and name."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from .columns import (
    _BY_HEADER,
    _HEADER_NAMES,
    HEADER_SCAN_ROWS,
    HEADERS,
    MAX_ZIP_ENTRIES,
    REQUIRED_HEADERS,
    SERIAL,
    Problem,
    Sheet,
    _cap,
    _norm_header,
    _norm_text,
)
from .national_csv import read_service_items_csv


@dataclass(frozen=True)
class Layout:
    """What a sheet's header row may name: the headers in their order, every accepted spelling
    (normalised by `_norm_header`) of each, the required ones, the ones whose cells make a row
    count as data, and what to say when a file has only its header. The county list is one;
    other imports (the hand-over of pending cases) read their own through the same reader."""

    headers: tuple[str, ...]
    names: dict[str, str]
    required: tuple[str, ...]
    counted: frozenset[str]
    empty: str | Promise  # a lazy translation: the message is read in the request's language

    @classmethod
    def of(
        cls, columns: tuple[tuple[str, tuple[str, ...], bool], ...], *, empty: str | Promise
    ) -> Layout:
        """A layout from (header, aliases, required) triples; every column counts as data."""
        return cls(
            headers=tuple(h for h, _aliases, _req in columns),
            names={_norm_header(n): h for h, aliases, _req in columns for n in (h, *aliases)},
            required=tuple(h for h, _aliases, req in columns if req),
            counted=frozenset(h for h, _aliases, _req in columns),
            empty=empty,
        )


# A row counts when a known column other than 序号 has something in it: templates often come
# with numbered empty rows, and notes under the table sit in the 序号 column.
COUNTY_LIST = Layout(
    headers=HEADERS,
    names=_HEADER_NAMES,
    required=REQUIRED_HEADERS,
    counted=frozenset(h for h in HEADERS if _BY_HEADER[h].level != SERIAL),
    empty=gettext_lazy("文件中只有表头，没有事项数据"),
)


def _bad_file(message=None) -> Sheet:
    return Sheet(
        problems=[
            Problem(
                0,
                "",
                message
                or _(
                    "文件不是有效的 Excel（.xlsx）文件，无法读取；如为 .xls 或其他格式，请另存为 .xlsx 后再导入"
                ),
            )
        ]
    )


def _zip_problem(data: bytes) -> str:
    """Why the archive is refused before openpyxl opens it, or "". The sizes are those the
    zip's directory declares: zipfile never expands an entry beyond its declared size (it
    stops, and the CRC check fails), so their sum bounds what reading can cost."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return ""  # not a readable zip: read_xlsx reports it as such
    if len(entries) > MAX_ZIP_ENTRIES:
        return _(
            "文件包含 {n} 个压缩条目，超过上限 {limit} 个，不是正常的 Excel 文件，已拒绝"
        ).format(n=len(entries), limit=MAX_ZIP_ENTRIES)
    unpacked = sum(e.file_size for e in entries)
    limit = _cap("ONESEAL_IMPORT_MAX_UNPACKED_MB") * 1024 * 1024
    if unpacked > limit:
        return _("文件解压后为 {size} MB，超过上限 {limit} MB（可能是“压缩炸弹”），已拒绝").format(
            size=unpacked // (1024 * 1024), limit=limit // (1024 * 1024)
        )
    return ""


def _capped_rows(worksheet) -> tuple[list[tuple], list[Problem]]:
    """The sheet's rows, refusing more rows or columns or longer cells than the caps."""
    max_rows, max_columns = _cap("ONESEAL_IMPORT_MAX_ROWS"), _cap("ONESEAL_IMPORT_MAX_COLUMNS")
    max_chars = _cap("ONESEAL_IMPORT_MAX_CELL_CHARS")
    rows: list[tuple] = []
    for n, row in enumerate(
        worksheet.iter_rows(values_only=True, max_col=max_columns + 1), start=1
    ):
        if len(row) > max_columns and any(v not in (None, "") for v in row[max_columns:]):
            return [], [Problem(n, "", _("列数超过上限 {limit} 列").format(limit=max_columns))]
        for i, value in enumerate(row):
            if isinstance(value, str) and len(value) > max_chars:
                return [], [
                    Problem(
                        n,
                        get_column_letter(i + 1),
                        _("单元格内容有 {n} 个字符，超过上限 {limit} 个").format(
                            n=len(value), limit=max_chars
                        ),
                    )
                ]
        if n > max_rows:
            if any(v not in (None, "") for v in row):
                return [], [
                    Problem(0, "", _("行数超过上限 {limit} 行，请分批导入").format(limit=max_rows))
                ]
            continue
        rows.append(tuple(row[:max_columns]))
    return rows, []


def read_xlsx(source, layout: Layout = COUNTY_LIST) -> Sheet:
    """Read the first worksheet of an xlsx (bytes, a path or a file object) in `layout` (the
    county list unless said otherwise). The header row is the first of the top rows that names
    at least two known columns. A file beyond the caps (ONESEAL_IMPORT_MAX_*) is refused with a
    problem naming the cap."""
    if isinstance(source, str | Path):
        source = Path(source).read_bytes()
    elif not isinstance(source, bytes | bytearray):
        source = source.read()
    problem = _zip_problem(bytes(source))
    if problem:
        return Sheet(problems=[Problem(0, "", problem)])
    try:
        workbook = load_workbook(io.BytesIO(source), read_only=True, data_only=True)
        try:
            if not workbook.worksheets:
                return Sheet(problems=[Problem(0, "", _("文件中没有工作表"))])
            worksheet = workbook.worksheets[0]
            worksheet.reset_dimensions()  # some writers record a wrong sheet size
            raw_rows, problems = _capped_rows(worksheet)
        finally:
            workbook.close()
    except (
        zipfile.BadZipFile,
        InvalidFileException,
        KeyError,
        ValueError,
        OSError,
        SyntaxError,
        EOFError,
        TypeError,
    ):
        return _bad_file()
    if problems:
        return Sheet(problems=problems)
    return _sheet_from_rows(raw_rows, layout)


def _sheet_from_rows(raw_rows: list[tuple], layout: Layout = COUNTY_LIST) -> Sheet:
    non_empty = [(n, r) for n, r in enumerate(raw_rows, start=1) if any(_norm_text(c) for c in r)]
    if not non_empty:
        return Sheet(problems=[Problem(0, "", _("文件中没有数据"))])
    header_row, header_cells = non_empty[0]
    for n, row in non_empty[:HEADER_SCAN_ROWS]:
        if sum(1 for c in row if _norm_header(c) in layout.names) >= 2:
            header_row, header_cells = n, row
            break
    sheet = Sheet(header_row=header_row)
    positions: dict[str, int] = {}
    for index, cell in enumerate(header_cells):
        header = layout.names.get(_norm_header(cell))
        if header is None:
            continue  # a column the layout does not know: ignored
        if header in positions:
            sheet.problems.append(
                Problem(
                    header_row,
                    header,
                    _("列名重复（第 {a} 列和第 {b} 列）").format(
                        a=positions[header] + 1, b=index + 1
                    ),
                )
            )
            continue
        positions[header] = index
    for header in layout.required:
        if header not in positions:
            sheet.problems.append(
                Problem(header_row, header, _("缺少必填列“{h}”").format(h=header))
            )
    sheet.headers = [h for h in layout.headers if h in positions]
    data_positions = [i for h, i in positions.items() if h in layout.counted]
    for n, row in enumerate(raw_rows[header_row:], start=header_row + 1):
        if not any(_norm_text(row[i]) for i in data_positions if i < len(row)):
            continue
        sheet.rows.append((n, {h: row[i] if i < len(row) else None for h, i in positions.items()}))
    if not sheet.rows and not sheet.problems:
        sheet.problems.append(Problem(0, "", str(layout.empty)))
    return sheet


def read_rows(
    source, *, name: str = "", stationed: bool | set[str] | frozenset[str] = False
) -> Sheet:
    """Read an uploaded or local file as a sheet: xlsx by its content (a zip), csv by its
    name or by its header line; anything else is read as xlsx and reported as unreadable."""
    if isinstance(source, str | Path):
        name = name or str(source)
        data = Path(source).read_bytes()
    elif isinstance(source, bytes | bytearray):
        data = bytes(source)
    else:
        name = name or getattr(source, "name", "") or ""
        data = source.read()
    if data[:4] == b"PK\x03\x04":
        return read_xlsx(data)
    head = data[:2048]
    if name.lower().endswith(".csv") or (b"main_item" in head and b"itemCode" in head):
        return read_service_items_csv(data, stationed=stationed)
    return read_xlsx(data)
