"""Import of a catalogue list: an xlsx "in the shape of a county list" (one row per handling
item, Chinese headers, domain.md §2) or the Guang'an portal csv shipped in `data/`.

The layout of the sheet is defined once, in `COLUMNS`, and `exporting.py` writes with the
same list, so a file exported and imported again changes nothing.

How an import runs (`import_catalogue`):
1. The file becomes a `Sheet`: rows of header → cell, whatever its format (xlsx or csv).
2. Every row is parsed and checked; rows are grouped by 基本编码 into items.
3. Inside one transaction the items are compared with each item's LATEST version (draft or
   published) — a row equal to the version in force on the import's date (`publish_on`, else
   today) is unchanged even when a later version is scheduled or drafted. Every problem found in steps 1–3 is collected; if there is any, nothing is
   written and `ImportRejected` carries them all (row as the spreadsheet shows it, column,
   message).
4. Otherwise the changes are written: new items in bulk, changed items through the
   catalogue's actions (a published item gets a new draft by `start_adjustment`, kind
   "批量导入"; a draft is edited in place), and, with `publish_on`, every created or changed
   draft that is complete is published.

Rules a user of the sheet should know:
- Headers are matched by name (order free, spaces ignored); unknown columns are ignored.
  A column that is absent leaves its field untouched on existing items (new items get the
  field's default). An empty cell clears a text, a limit or the topic and means "否" for a
  yes/no column; in a column that cannot be empty (事项类型, 行使层级, 划转情况, 业务类型,
  服务对象, 到现场次数, 网上办理深度) it leaves the field as it is, like an absent column.
- 法定时限 / 承诺时限 accept a whole number of working days: 20, "20", "20个工作日" or
  "20 工作日". "二十", "-1" and "3.5" are refused; empty means "not set".
- 实施部门 names a department of the catalogue's region (by full name, or by short name when
  that is unambiguous). The bureau's own name, or any name ending in 行政审批局, means the
  bureau itself: the original department is not recorded.
- Materials, review steps and special procedures are not in a county list: an import never
  touches them.
- Handling items of an item that the file does not list, and items that the file does not
  list at all, are left as they are and reported as "not in file": a partial list must not
  delete powers.
- A cancelled or merged item cannot be revived by an import (that is an adjustment with its
  own legal basis); a row naming one is a problem.
- Re-importing the same file writes nothing: no version, no audit row.
"""

from __future__ import annotations

import csv
import datetime
import functools
import hashlib
import io
import re
import zipfile
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from oneseal.audit.actions import record, record_many
from oneseal.errors import ValidationFailed
from oneseal.organisation.models import Bureau, Department, Role
from oneseal.organisation.rules import require_role
from oneseal.regions.models import Region

from . import actions, rules
from .models import (
    ApplicantType,
    Catalogue,
    ChangeKind,
    ExerciseLevel,
    HandlingItem,
    Item,
    ItemType,
    ItemVersion,
    Material,
    OnlineDepth,
    Topic,
    TransferStatus,
    Variant,
)

# A name in 实施部门 that ends so means the bureau itself, not a department (seed 000: the
# bureau is not one of the departments whose powers it took over).
BUREAU_SUFFIX = "行政审批局"
DEFAULT_BUREAU_NAME = "行政审批局"
MAX_DAYS = 32767  # the largest value the limit columns can store
HEADER_SCAN_ROWS = 10  # a title row or two may sit above the header row
BATCH = 1000

ITEM, HANDLING, SERIAL = "item", "handling", "serial"


# --------------------------------------------------------------------------------------------
# Problems


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the file: `row` as the spreadsheet shows it (0 for the file as a
    whole), the column's header, and a Chinese message."""

    row: int
    column: str
    message: str

    def __str__(self):
        parts = [_("第{n}行").format(n=self.row)] if self.row else []
        if self.column:
            parts.append(f"[{self.column}]")
        return " ".join([*parts, self.message])

    def as_dict(self):
        return {"row": self.row, "column": self.column, "message": self.message}


class ImportRejected(ValidationFailed):
    """The file has problems; nothing was written. `problems` lists every one of them."""

    code = "import_rejected"

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (p.row, _column_rank(p.column), p.message))
        super().__init__(
            _("导入文件有 {n} 处问题，未导入任何数据").format(n=len(self.problems)),
            reasons=[str(p) for p in self.problems],
        )


class CellError(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


# --------------------------------------------------------------------------------------------
# The county-list layout


def _norm_text(value: Any) -> str:
    """Text as the sheet carries it: trimmed, one kind of line break, no characters a
    spreadsheet cannot hold. Applied to stored values too when comparing, so that an export
    imported again is unchanged."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        value = value.isoformat()
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return ILLEGAL_CHARACTERS_RE.sub("", text).strip()


def _norm_label(value: str) -> str:
    """Labels compare without spaces and with either form of brackets, colons and slashes."""
    text = re.sub(r"\s+", "", value)
    return text.translate(str.maketrans({"(": "（", ")": "）", ":": "：", "/": "／"}))


def _norm_header(value: Any) -> str:
    return re.sub(r"\s+", "", _norm_text(value))


_DAYS_RE = re.compile(r"^(\d+)\s*(?:个?\s*工作日)?$")
_VISITS_RE = re.compile(r"^(\d+)\s*次?$")
_CHINESE_LEVELS = {"一级": 1, "二级": 2, "三级": 3, "四级": 4}
# Spellings of the exercise level seen in county lists besides the labels themselves.
_LEVEL_SYNONYMS = {"区级": ExerciseLevel.COUNTY, "县（区）级": ExerciseLevel.COUNTY,
                   "县（市、区）级": ExerciseLevel.COUNTY, "乡镇级": ExerciseLevel.TOWNSHIP,
                   "乡级": ExerciseLevel.TOWNSHIP, "省级部门": ExerciseLevel.PROVINCE}


# An empty cell of a column whose field cannot be empty (a choice, the number of visits):
# the field is left as it is, and a new item gets the field's default.
NOT_GIVEN = object()


@dataclass(frozen=True)
class PendingDepartment:
    """A department the file names that does not exist yet and will be created (csv)."""

    name: str


@dataclass(frozen=True)
class Column:
    """One column of the county list. `field` is the attribute on ItemVersion (level item),
    HandlingItem (level handling) or Item (`basic_code`); `kind` says how a cell is read,
    written and compared."""

    header: str
    level: str
    field: str
    kind: str  # text | days | flag | choice | visits | department | topic | serial
    required: bool = False
    choices: Any = None
    width: int = 14
    aliases: tuple[str, ...] = ()

    @functools.cached_property
    def max_length(self) -> int | None:
        model = {ITEM: ItemVersion, HANDLING: HandlingItem}.get(self.level)
        if model is None or self.kind != "text":
            return None
        if self.field == "basic_code":
            return Item._meta.get_field("basic_code").max_length
        return getattr(model._meta.get_field(self.field), "max_length", None)

    # Reading a cell ---------------------------------------------------------------------

    def parse(self, raw: Any, lookups: Lookups) -> Any:
        text = _norm_text(raw)
        if self.required and not text:
            raise CellError(_("“{h}”未填写").format(h=self.header))
        if self.kind == "text":
            limit = self.max_length
            if limit and len(text) > limit:
                raise CellError(_("超过 {n} 个字符").format(n=limit))
            return text
        if self.kind == "days":
            return _parse_days(raw, text)
        if self.kind == "flag":
            if isinstance(raw, bool):
                return raw
            if text in ("", "否", "N", "n", "无"):
                return False
            if text in ("是", "Y", "y", "有"):
                return True
            raise CellError(_("请填写“是”或“否”"))
        if self.kind == "visits":
            if not text:
                return NOT_GIVEN
            match = _VISITS_RE.match(text)
            if not match or int(match.group(1)) > 2:
                raise CellError(_("到现场次数只能是 0、1 或 2"))
            return int(match.group(1))
        if self.kind == "choice":
            if not text:
                return NOT_GIVEN
            value = _choice_map(self.choices).get(_norm_label(text))
            if value is None:
                raise CellError(_("“{v}”不是有效的{h}，可填：{options}").format(
                    v=text, h=self.header, options="、".join(_choice_labels(self.choices))))
            return value
        if self.kind == "department":
            return lookups.department(text)
        if self.kind == "topic":
            return lookups.topic(text) if text else None
        return text

    # Writing a cell ---------------------------------------------------------------------

    def cell(self, version: ItemVersion, hi: HandlingItem, *, bureau_name: str) -> Any:
        """The value of this column for one handling item of `version` in an export."""
        if self.kind == "department":
            dept = version.original_department
            return dept.name if dept is not None else bureau_name
        if self.kind == "topic":
            return version.topic.name if version.topic_id else ""
        obj = version.item if self.field == "basic_code" else version if self.level == ITEM else hi
        value = getattr(obj, self.field)
        if self.kind == "text":
            return _norm_text(value)
        if self.kind == "days":
            return value
        if self.kind == "flag":
            return "是" if value else "否"
        if self.kind == "visits":
            return value
        if self.kind == "choice":
            return _choice_labels(self.choices, value)[0]
        return value

    # Comparing ----------------------------------------------------------------------------

    def stored(self, obj) -> Any:
        """The value held in the database, in the form `parse` returns."""
        value = getattr(obj, self.field)
        return _norm_text(value) if self.kind == "text" else value


def _parse_days(raw: Any, text: str) -> int | None:
    if not text:
        return None
    message = _("时限须为不小于 0 的整数（工作日），如 20 或“20个工作日”")
    if isinstance(raw, bool):
        raise CellError(message)
    if isinstance(raw, int):
        number = raw
    elif isinstance(raw, float):
        if not raw.is_integer():
            raise CellError(message)
        number = int(raw)
    else:
        match = _DAYS_RE.match(text)
        if not match:
            raise CellError(message)
        number = int(match.group(1))
    if number < 0:
        raise CellError(message)
    if number > MAX_DAYS:
        raise CellError(_("时限过大（最多 {n} 个工作日）").format(n=MAX_DAYS))
    return number


@functools.cache
def _labels(choices) -> dict[Any, str]:
    """Value → Chinese label of a choices class (fixed Chinese: the sheet is a file format,
    not a page in the reader's language)."""
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in choices.choices}


def _choice_labels(choices, value=None) -> list[str]:
    labels = _labels(choices)
    return [labels[value]] if value is not None else list(labels.values())


@functools.cache
def _choice_map(choices) -> dict[str, Any]:
    """Normalised label (or stored value) → value, with the usual other spellings."""
    out: dict[str, Any] = {}
    for value, label in _labels(choices).items():
        out[_norm_label(label)] = value
        out[_norm_label(str(value))] = value
    if choices is OnlineDepth:
        out.update(_CHINESE_LEVELS)
    if choices is ExerciseLevel:
        out.update({_norm_label(k): v for k, v in _LEVEL_SYNONYMS.items()})
    return out


COLUMNS: tuple[Column, ...] = (
    Column("序号", SERIAL, "", "serial", width=6),
    Column("实施部门", ITEM, "original_department_id", "department", required=True, width=20,
           aliases=("原审批部门", "实施主体")),
    Column("事项名称", ITEM, "name", "text", required=True, width=32),
    Column("基本编码", ITEM, "basic_code", "text", required=True, width=20),
    Column("事项类型", ITEM, "item_type", "choice", choices=ItemType, width=12),
    Column("实施编码", ITEM, "implementing_code", "text", width=28),
    Column("设定和实施依据", ITEM, "legal_basis", "text", width=40, aliases=("设定依据", "实施依据")),
    Column("行使层级", ITEM, "exercise_level", "choice", choices=ExerciseLevel, width=10),
    Column("划转情况", ITEM, "transfer_status", "choice", choices=TransferStatus, width=16),
    Column("主题", ITEM, "topic_id", "topic", width=12),
    Column("办理项名称", HANDLING, "name", "text", required=True, width=36),
    Column("办理项编码", HANDLING, "code", "text", required=True, width=30),
    Column("业务类型", HANDLING, "variant", "choice", choices=Variant, width=10),
    Column("服务对象", HANDLING, "applicant_type", "choice", choices=ApplicantType, width=18),
    Column("法定时限", HANDLING, "statutory_limit_days", "days", width=10,
           aliases=("法定时限（工作日）", "法定办结时限")),
    Column("承诺时限", HANDLING, "promised_limit_days", "days", width=10,
           aliases=("承诺时限（工作日）", "承诺办结时限")),
    Column("即办件", HANDLING, "is_instant", "flag", width=8),
    Column("是否收费", HANDLING, "fee_charged", "flag", width=8),
    Column("收费标准", HANDLING, "fee_standard", "text", width=20),
    Column("收费依据", HANDLING, "fee_basis", "text", width=20),
    Column("到现场次数", HANDLING, "visits_required", "visits", width=10),
    Column("网上办理深度", HANDLING, "online_depth", "choice", choices=OnlineDepth, width=18),
    Column("咨询电话", HANDLING, "enquiry_phone", "text", width=16),
    Column("监督投诉电话", HANDLING, "complaint_phone", "text", width=16),
    Column("俗称与同义词", HANDLING, "keywords", "text", width=24),
)
HEADERS = tuple(c.header for c in COLUMNS)
REQUIRED_HEADERS = tuple(c.header for c in COLUMNS if c.required)
_BY_HEADER = {c.header: c for c in COLUMNS}
_HEADER_NAMES = {_norm_header(name): c.header for c in COLUMNS for name in (c.header, *c.aliases)}
ITEM_COLUMNS = tuple(c for c in COLUMNS if c.level == ITEM and c.field != "basic_code")
HANDLING_COLUMNS = tuple(c for c in COLUMNS if c.level == HANDLING)


def _column_rank(header: str) -> int:
    return HEADERS.index(header) if header in HEADERS else -1


# --------------------------------------------------------------------------------------------
# Reading files into sheets


@dataclass
class Sheet:
    """A list as rows of header → cell, whatever the file's format. `problems` holds what is
    wrong with the file as a whole (its rows are then not read); `row_problems` what the
    conversion of a row found (the other checks still run); `columns` maps a header to the
    file's own column name for messages; a csv may name departments to create
    (`departments`: name → code)."""

    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    row_problems: list[Problem] = field(default_factory=list)
    header_row: int = 1
    columns: dict[str, str] = field(default_factory=dict)
    departments: dict[str, str] = field(default_factory=dict)
    create_departments: bool = False

    def label(self, header: str) -> str:
        return self.columns.get(header, header)


def _bad_file(message=None) -> Sheet:
    return Sheet(problems=[Problem(0, "", message or _(
        "文件不是有效的 Excel（.xlsx）文件，无法读取；如为 .xls 或其他格式，请另存为 .xlsx 后再导入"))])


# How big an import may be. A county list is a few hundred rows of some 40 columns (well under
# a megabyte unpacked); the caps leave room for a whole province and refuse, before any parsing,
# a file made to exhaust the server ("zip bomb": 52 KB that unpacks to 1.3 GB).
MAX_ZIP_ENTRIES = 2000


def _cap(name: str) -> int:
    return int(getattr(settings, name))


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
        return _("文件包含 {n} 个压缩条目，超过上限 {limit} 个，不是正常的 Excel 文件，已拒绝").format(
            n=len(entries), limit=MAX_ZIP_ENTRIES)
    unpacked = sum(e.file_size for e in entries)
    limit = _cap("ONESEAL_IMPORT_MAX_UNPACKED_MB") * 1024 * 1024
    if unpacked > limit:
        return _("文件解压后为 {size} MB，超过上限 {limit} MB（可能是“压缩炸弹”），已拒绝").format(
            size=unpacked // (1024 * 1024), limit=limit // (1024 * 1024))
    return ""


def _capped_rows(worksheet) -> tuple[list[tuple], list[Problem]]:
    """The sheet's rows, refusing more rows or columns or longer cells than the caps."""
    max_rows, max_columns = _cap("ONESEAL_IMPORT_MAX_ROWS"), _cap("ONESEAL_IMPORT_MAX_COLUMNS")
    max_chars = _cap("ONESEAL_IMPORT_MAX_CELL_CHARS")
    rows: list[tuple] = []
    for n, row in enumerate(worksheet.iter_rows(values_only=True, max_col=max_columns + 1), start=1):
        if len(row) > max_columns and any(v not in (None, "") for v in row[max_columns:]):
            return [], [Problem(n, "", _("列数超过上限 {limit} 列").format(limit=max_columns))]
        for i, value in enumerate(row):
            if isinstance(value, str) and len(value) > max_chars:
                return [], [Problem(n, get_column_letter(i + 1), _("单元格内容有 {n} 个字符，超过上限 {limit} 个").format(
                    n=len(value), limit=max_chars))]
        if n > max_rows:
            if any(v not in (None, "") for v in row):
                return [], [Problem(0, "", _("行数超过上限 {limit} 行，请分批导入").format(limit=max_rows))]
            continue
        rows.append(tuple(row[:max_columns]))
    return rows, []


def read_xlsx(source) -> Sheet:
    """Read the first worksheet of an xlsx (bytes, a path or a file object). The header row
    is the first of the top rows that names at least two known columns. A file beyond the
    caps (ONESEAL_IMPORT_MAX_*) is refused with a problem naming the cap."""
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
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, SyntaxError,
            EOFError, TypeError):
        return _bad_file()
    if problems:
        return Sheet(problems=problems)
    return _sheet_from_rows(raw_rows)


def _sheet_from_rows(raw_rows: list[tuple]) -> Sheet:
    non_empty = [(n, r) for n, r in enumerate(raw_rows, start=1) if any(_norm_text(c) for c in r)]
    if not non_empty:
        return Sheet(problems=[Problem(0, "", _("文件中没有数据"))])
    header_row, header_cells = non_empty[0]
    for n, row in non_empty[:HEADER_SCAN_ROWS]:
        if sum(1 for c in row if _norm_header(c) in _HEADER_NAMES) >= 2:
            header_row, header_cells = n, row
            break
    sheet = Sheet(header_row=header_row)
    positions: dict[str, int] = {}
    for index, cell in enumerate(header_cells):
        header = _HEADER_NAMES.get(_norm_header(cell))
        if header is None:
            continue  # a column the layout does not know: ignored
        if header in positions:
            sheet.problems.append(Problem(header_row, header, _("列名重复（第 {a} 列和第 {b} 列）").format(
                a=positions[header] + 1, b=index + 1)))
            continue
        positions[header] = index
    for header in REQUIRED_HEADERS:
        if header not in positions:
            sheet.problems.append(Problem(header_row, header, _("缺少必填列“{h}”").format(h=header)))
    sheet.headers = [h for h in HEADERS if h in positions]
    # A row counts when a known column other than 序号 has something in it: templates often
    # come with numbered empty rows, and notes under the table sit in the 序号 column.
    data_positions = [i for h, i in positions.items() if _BY_HEADER[h].level != SERIAL]
    for n, row in enumerate(raw_rows[header_row:], start=header_row + 1):
        if not any(_norm_text(row[i]) for i in data_positions if i < len(row)):
            continue
        sheet.rows.append((n, {h: row[i] if i < len(row) else None for h, i in positions.items()}))
    if not sheet.rows and not sheet.problems:
        sheet.problems.append(Problem(0, "", _("文件中只有表头，没有事项数据")))
    return sheet


# The Guang'an portal csv (data/README.md) --------------------------------------------------

CSV_REQUIRED = ("department", "main_item", "name", "itemCode", "taskType")
UNGROUPED = "未分类"
# taskType codes of the portal (the national code list of 政务服务事项 types). 2 行政处罚,
# 3 行政强制 and 6 行政检查 are powers but not service items; a csv listing them is refused.
TASK_TYPES = {
    "1": ItemType.LICENSING, "4": ItemType.LEVY, "5": ItemType.PAYMENT, "7": ItemType.CONFIRMATION,
    "8": ItemType.REWARD, "9": ItemType.RULING, "10": ItemType.OTHER_POWER,
    "20": ItemType.PUBLIC_SERVICE,
}
# A handling item's kind read from its name: the last bracketed note first (…（注销）), else
# the whole name; a name with words of several kinds is "other", with none "new".
_VARIANT_WORDS = (
    (Variant.CANCELLATION, ("注销",)),
    (Variant.CHANGE, ("变更", "过户", "转出", "转入")),
    (Variant.RENEWAL, ("延续", "延期", "校验")),
    (Variant.REISSUE, ("补办", "补发", "换发", "补证", "换证", "遗失")),
    (Variant.NEW, ("首次", "新办", "配发")),
)


def variant_from_name(name: str) -> str:
    notes = re.findall(r"[（(]([^（）()]*)[)）]", name)
    for text in ([notes[-1]] if notes else []) + [name]:
        kinds = {v for v, words in _VARIANT_WORDS if any(w in text for w in words)}
        if len(kinds) == 1:
            return kinds.pop()
        if len(kinds) > 1:
            return Variant.OTHER
    return Variant.NEW


def grouped_basic_code(area_code: str, main_item: str) -> str:
    """The basic code of an item the portal groups under `main_item`: the handling items of
    such an item carry different code prefixes, so none of them names the item. The code is
    the region's six digits and the first 10 hex digits of SHA-1 of the item's name:
    deterministic whatever the row order, stable as long as the name is, and distinct from
    every code prefix of the portal (checked by the import itself: two names that met on one
    code would be reported as rows of one item with different names)."""
    digest = hashlib.sha1(main_item.encode("utf-8"), usedforsecurity=False).hexdigest()[:10].upper()
    return f"{area_code[:6]}-{digest}"


def ungrouped_basic_code(item_code: str, area_code: str) -> str:
    """The basic code of a row that is its own item: its implementing code up to the region
    segment (`511A0138000000` of `511A0138000000-511602000000-000-…`), or the whole code when
    the region segment is missing. Unique over the shipped csv."""
    marker = f"-{area_code}-"
    return item_code.split(marker)[0] if area_code and marker in item_code else item_code


def _exercise_level(area_code: str) -> str:
    code = (area_code or "").ljust(12, "0")
    if code[6:9] != "000":
        return ExerciseLevel.TOWNSHIP
    if code[4:6] != "00":
        return ExerciseLevel.COUNTY
    if code[2:4] != "00":
        return ExerciseLevel.CITY
    return ExerciseLevel.PROVINCE


def _is_bureau_name(name: str, bureau_name: str = "") -> bool:
    return bool(name) and (name == bureau_name or name.endswith(BUREAU_SUFFIX))


def _capped_csv_records(reader, columns: int) -> tuple[list[tuple[int, dict]], Problem | None]:
    max_rows, max_chars = _cap("ONESEAL_IMPORT_MAX_ROWS"), _cap("ONESEAL_IMPORT_MAX_CELL_CHARS")
    if columns > _cap("ONESEAL_IMPORT_MAX_COLUMNS"):
        return [], Problem(1, "", _("列数超过上限 {limit} 列").format(limit=_cap("ONESEAL_IMPORT_MAX_COLUMNS")))
    records = []
    try:
        for number, raw in enumerate(reader, start=2):
            if number - 1 > max_rows:
                return [], Problem(0, "", _("行数超过上限 {limit} 行，请分批导入").format(limit=max_rows))
            row = {k: _norm_text(v) for k, v in raw.items() if k is not None}
            long = next((k for k, v in row.items() if len(v) > max_chars), None)
            if long is not None:
                return [], Problem(number, long, _("单元格内容有 {n} 个字符，超过上限 {limit} 个").format(
                    n=len(row[long]), limit=max_chars))
            if any(row.values()):
                records.append((number, row))
    except csv.Error as error:  # e.g. a field beyond the csv module's own limit
        return [], Problem(reader.line_num, "", _("csv 文件格式有误：{error}").format(error=error))
    return records, None


def read_service_items_csv(source, *, stationed: bool | set[str] | frozenset[str] = False) -> Sheet:
    """Turn the portal csv into a `Sheet` of county-list rows.

    - main_item "未分类": the row is its own item (name = the row's name, basic code from its
      itemCode, implementing code = itemCode); otherwise the rows of one main_item are one
      item named main_item with the code of `grouped_basic_code`.
    - Rows of the bureau (区行政审批局) are transferred. An item whose rows are partly the
      bureau's and partly one department's is that department's item, transferred (the
      portal lists the department's remaining handling items under the same item). Other
      items are retained (不划转不进驻), or stationed when `stationed` is True or names the
      department.
    - taskType → item type by `TASK_TYPES`; the handling item's kind by `variant_from_name`.
    Departments the csv names are created for the region when missing (`create_departments`).
    """
    if isinstance(source, str | Path):
        source = Path(source).read_bytes()
    elif not isinstance(source, bytes | bytearray):
        source = source.read()
    limit = _cap("ONESEAL_IMPORT_MAX_UNPACKED_MB") * 1024 * 1024
    if len(source) > limit:
        return Sheet(problems=[Problem(0, "", _("csv 文件为 {size} MB，超过上限 {limit} MB").format(
            size=len(source) // (1024 * 1024), limit=limit // (1024 * 1024)))])
    text = None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = bytes(source).decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None or "\x00" in text:
        return Sheet(problems=[Problem(0, "", _("无法读取 csv 文件：编码不是 UTF-8 或 GB18030"))])
    reader = csv.DictReader(io.StringIO(text, newline=""))
    fieldnames = [f.strip() for f in (reader.fieldnames or [])]
    reader.fieldnames = fieldnames
    columns = {"实施部门": "department", "事项名称": "main_item", "基本编码": "main_item",
               "事项类型": "taskType", "实施编码": "itemCode", "行使层级": "areaCode",
               "划转情况": "department", "办理项名称": "name", "办理项编码": "itemCode",
               "业务类型": "name"}
    sheet = Sheet(columns=columns, create_departments=True)
    missing = [c for c in CSV_REQUIRED if c not in fieldnames]
    if missing:
        sheet.problems = [Problem(1, c, _("缺少必填列“{h}”").format(h=c)) for c in missing]
        return sheet
    records, problem = _capped_csv_records(reader, len(fieldnames))
    if problem:
        sheet.problems = [problem]
        return sheet
    if not records:
        sheet.problems = [Problem(0, "", _("文件中没有数据"))]
        return sheet

    groups: OrderedDict[str, list[tuple[int, dict]]] = OrderedDict()
    for number, row in records:
        key = row["main_item"] if row["main_item"] and row["main_item"] != UNGROUPED else f"\x00{number}"
        groups.setdefault(key, []).append((number, row))

    with translation.override("zh-hans"):
        transferred = str(TransferStatus.TRANSFERRED.label)
        stationed_label = str(TransferStatus.STATIONED.label)
        retained_label = str(TransferStatus.RETAINED.label)
        for key, members in groups.items():
            departments = list(OrderedDict.fromkeys(r["department"] for _n, r in members))
            others = [d for d in departments if not _is_bureau_name(d)]
            by_bureau = len(others) < len(departments)
            for _n, r in members:
                if r["department"] and not _is_bureau_name(r["department"]):
                    sheet.departments.setdefault(r["department"], r.get("deptCode", "")[:40])
            for number, r in members:
                # One non-bureau department names the whole item; several are a conflict the
                # shared checks report row by row.
                department = others[0] if len(others) == 1 else r["department"]
                if by_bureau:
                    status = transferred
                elif stationed is True or (stationed and department in stationed):
                    status = stationed_label
                else:
                    status = retained_label
                area = r.get("areaCode", "")
                grouped = not key.startswith("\x00")
                task = TASK_TYPES.get(r["taskType"])
                cells = {
                    "实施部门": department,
                    "事项名称": key if grouped else r["name"],
                    "基本编码": grouped_basic_code(area, key) if grouped else ungrouped_basic_code(r["itemCode"], area),
                    "事项类型": str(task.label) if task else None,
                    "实施编码": "" if grouped else r["itemCode"],
                    "行使层级": str(ExerciseLevel(_exercise_level(area)).label),
                    "划转情况": status,
                    "办理项名称": r["name"],
                    "办理项编码": r["itemCode"],
                    "业务类型": str(Variant(variant_from_name(r["name"])).label),
                }
                if task is None:
                    sheet.row_problems.append(Problem(number, "taskType", _(
                        "事项类型代码“{v}”不受支持（可导入：{codes}）").format(
                            v=r["taskType"], codes="、".join(sorted(TASK_TYPES, key=int)))))
                sheet.rows.append((number, cells))
    sheet.headers = [h for h in HEADERS if h in columns]
    return sheet


def read_rows(source, *, name: str = "", stationed: bool | set[str] | frozenset[str] = False) -> Sheet:
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


# --------------------------------------------------------------------------------------------
# Lookups of departments and topics


class Lookups:
    """Departments of the catalogue's region and the topics, loaded once per import."""

    def __init__(self, catalogue: Catalogue, *, create_departments: bool = False):
        self.region = catalogue.region
        self.create_departments = create_departments
        departments = list(Department.objects.filter(region=catalogue.region))
        self.by_name = {d.name: d.pk for d in departments}
        short: dict[str, list[int]] = defaultdict(list)
        for d in departments:
            if d.short_name:
                short[d.short_name].append(d.pk)
        self.by_short_name = {k: v[0] for k, v in short.items() if len(v) == 1}
        self.topics = dict(Topic.objects.values_list("name", "pk"))
        self.bureau_name = bureau_name_of(catalogue)

    def department(self, name: str) -> int | None | PendingDepartment:
        if _is_bureau_name(name, self.bureau_name):
            return None
        if name in self.by_name:
            return self.by_name[name]
        if name in self.by_short_name:
            return self.by_short_name[name]
        if self.create_departments:
            return PendingDepartment(name)
        raise CellError(_("部门“{name}”不在{region}的部门名录中，请先添加该部门或改正名称").format(
            name=name, region=self.region.name))

    def topic(self, name: str) -> int:
        if name not in self.topics:
            raise CellError(_("主题“{name}”不存在").format(name=name))
        return self.topics[name]


def bureau_name_of(catalogue: Catalogue) -> str:
    bureau = catalogue.bureau or Bureau.objects.filter(region_id=catalogue.region_id).first()
    return bureau.name if bureau else DEFAULT_BUREAU_NAME


# --------------------------------------------------------------------------------------------
# Parsing and checking the rows


@dataclass
class ParsedRow:
    number: int
    item: dict[str, Any]  # ItemVersion attribute → value, plus "basic_code"
    handling: dict[str, Any]  # HandlingItem attribute → value
    ok: bool = True


@dataclass
class ParsedItem:
    """The rows of one basic code and the item's values they give (each value from the
    first row that gives it; a later row giving another value is a problem)."""

    basic_code: str
    rows: list[ParsedRow] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    given_on: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.rows)


def _parse_rows(sheet: Sheet, lookups: Lookups) -> tuple[OrderedDict[str, ParsedItem], list[Problem]]:
    problems: list[Problem] = []
    items: OrderedDict[str, ParsedItem] = OrderedDict()
    codes_seen: dict[str, int] = {}
    implementing_seen: dict[str, tuple[str, int]] = {}
    present = [_BY_HEADER[h] for h in sheet.headers if _BY_HEADER[h].level != SERIAL]
    for number, cells in sheet.rows:
        parsed = ParsedRow(number, {}, {})
        for column in present:
            try:
                value = column.parse(cells.get(column.header), lookups)
            except CellError as error:
                problems.append(Problem(number, sheet.label(column.header), error.message))
                parsed.ok = False
                continue
            if value is not NOT_GIVEN:
                (parsed.item if column.level == ITEM else parsed.handling)[column.field] = value
        code = parsed.handling.get("code")
        if code:
            if code in codes_seen:
                problems.append(Problem(number, sheet.label("办理项编码"), _(
                    "办理项编码“{code}”与第 {n} 行重复").format(code=code, n=codes_seen[code])))
                parsed.ok = False
            else:
                codes_seen[code] = number
        promised, statutory = parsed.handling.get("promised_limit_days"), parsed.handling.get("statutory_limit_days")
        if promised is not None and statutory is not None and promised > statutory:
            # The publish rule, caught where the number was typed (《行政许可法》第四十二条).
            problems.append(Problem(number, sheet.label("承诺时限"), _(
                "承诺时限（{p}个工作日）超过法定时限（{s}个工作日）").format(p=promised, s=statutory)))
            parsed.ok = False
        basic_code = parsed.item.get("basic_code")
        if not basic_code:
            continue
        implementing = parsed.item.get("implementing_code")
        if implementing:
            owner = implementing_seen.setdefault(implementing, (basic_code, number))
            if owner[0] != basic_code:
                problems.append(Problem(number, sheet.label("实施编码"), _(
                    "实施编码“{code}”已用于第 {n} 行的事项（基本编码 {other}）").format(
                        code=implementing, n=owner[1], other=owner[0])))
                parsed.ok = False
        item = items.setdefault(basic_code, ParsedItem(basic_code))
        for column in ITEM_COLUMNS:
            if column.field not in parsed.item:
                continue
            value = parsed.item[column.field]
            if column.field not in item.values:
                item.values[column.field] = value
                item.given_on[column.field] = number
            elif item.values[column.field] != value:
                problems.append(Problem(number, sheet.label(column.header), _(
                    "同一事项（基本编码 {code}）各行的“{h}”须一致，本行与第 {n} 行不同").format(
                        code=basic_code, h=column.header, n=item.given_on[column.field])))
                parsed.ok = False
        item.rows.append(parsed)
    return items, problems


# --------------------------------------------------------------------------------------------
# Comparing with the catalogue and planning the writes


@dataclass
class ItemPlan:
    basic_code: str
    rows: list[ParsedRow]
    item_values: dict[str, Any]
    latest: ItemVersion | None = None
    item_changes: dict[str, Any] = field(default_factory=dict)
    handling_updates: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    handling_new: list[dict[str, Any]] = field(default_factory=list)
    not_in_file: list[str] = field(default_factory=list)

    @property
    def is_change(self) -> bool:
        return bool(self.item_changes or self.handling_updates or self.handling_new)


def _load_latest(catalogue: Catalogue, on: datetime.date):
    """The newest version of every item of the catalogue, the version in force on `on` where
    that is another one (a change or cancellation published for a later date, or a draft on
    top), and the handling items of both: two queries (one per thousand versions for the second)."""
    newest = ItemVersion.objects.filter(item=OuterRef("item")).order_by("-number").values("number")[:1]
    in_force = (Q(status=ItemVersion.Status.PUBLISHED, effective_from__lte=on, is_cancelled=False)
                & (Q(effective_until__isnull=True) | Q(effective_until__gt=on)))
    versions = (ItemVersion.objects.filter(item__catalogue=catalogue).annotate(newest=Subquery(newest))
                .filter(Q(number=F("newest")) | in_force).select_related("item"))
    latest, current = {}, {}
    for v in versions:
        (latest if v.number == v.newest else current)[v.item.basic_code] = v
    handling: dict[int, dict[str, HandlingItem]] = defaultdict(dict)
    wanted = [v.pk for v in (*latest.values(), *current.values())]
    for start in range(0, len(wanted), BATCH):  # none for an empty catalogue
        for hi in HandlingItem.objects.filter(item_version__in=wanted[start:start + BATCH]).order_by("order", "id"):
            handling[hi.item_version_id][hi.code] = hi
    return latest, current, handling


def _differences(columns, values: dict[str, Any], obj) -> dict[str, Any]:
    return {c.field: values[c.field] for c in columns if c.field in values and c.stored(obj) != values[c.field]}


def _compare(plan: ItemPlan, version: ItemVersion, existing: dict[str, HandlingItem]) -> ItemPlan:
    """`plan` filled with what the file changes on `version`."""
    plan.item_changes = _differences(ITEM_COLUMNS, plan.item_values, version)
    plan.handling_updates, plan.handling_new, listed = [], [], set()
    for row in plan.rows:
        code = row.handling["code"]
        listed.add(code)
        hi = existing.get(code)
        if hi is None:
            plan.handling_new.append(row.handling)
        else:
            diff = _differences(HANDLING_COLUMNS, row.handling, hi)
            if diff:
                plan.handling_updates.append((code, diff))
    plan.not_in_file = [code for code in existing if code not in listed]
    return plan


def _plan(groups, latest, in_force, handling, sheet: Sheet):
    """Creates, changes and unchanged items. A row that matches the version in force on the
    import's date is unchanged even when a later version exists (a change or cancellation
    published for a later date, or a draft): that is what an export of today's list holds,
    and importing it again must change nothing. A row that differs from both cannot be
    applied: against the later version it would quietly undo the scheduled adjustment."""
    creates, changes, unchanged = [], [], []
    problems: list[Problem] = []
    for basic_code, parsed in groups.items():
        if not parsed.ok:
            continue
        rows = parsed.rows
        plan = ItemPlan(basic_code, rows, parsed.values, latest.get(basic_code))
        if plan.latest is None:
            creates.append(plan)
            continue
        version = plan.latest
        current = in_force.get(basic_code)
        if current is not None:
            as_in_force = _compare(ItemPlan(basic_code, rows, parsed.values, current), current,
                                   handling.get(current.pk, {}))
            if not as_in_force.is_change:
                unchanged.append(as_in_force)
                continue
        if version.is_cancelled:
            state = _("已并入其他事项") if version.merged_into_id else _("已取消")
            draft = _("（待发布的草稿）") if version.is_draft else ""
            problems.append(Problem(rows[0].number, sheet.label("基本编码"), _(
                "事项“{name}”（{code}）{state}{draft}，导入不能恢复；请删除此行，或经调整程序办理").format(
                    name=version.name, code=basic_code, state=state, draft=draft)))
            continue
        _compare(plan, version, handling.get(version.pk, {}))
        if current is not None and plan.is_change and not version.is_draft:
            problems.append(Problem(rows[0].number, sheet.label("基本编码"), _(
                "事项“{name}”（{code}）已有定于{date}生效的调整，本行与现行版本和该调整均不一致，导入不能再作调整；"
                "请在该调整生效后再导入").format(name=version.name, code=basic_code,
                                                date=_chinese_date(version.effective_from))))
            continue
        (changes if plan.is_change else unchanged).append(plan)
    return creates, changes, unchanged, problems


def _chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --------------------------------------------------------------------------------------------
# The report


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    blocked: dict[str, list[str]] = field(default_factory=dict)
    items_not_in_file: list[str] = field(default_factory=list)
    handling_items_not_in_file: dict[str, list[str]] = field(default_factory=dict)
    departments_created: list[str] = field(default_factory=list)
    rows: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows, "created": len(self.created), "changed": len(self.changed),
            "unchanged": len(self.unchanged), "published": len(self.published),
            "blocked": len(self.blocked), "items_not_in_file": len(self.items_not_in_file),
            "handling_items_not_in_file": sum(len(v) for v in self.handling_items_not_in_file.values()),
            "departments_created": len(self.departments_created),
        }

    @property
    def wrote_anything(self) -> bool:
        return bool(self.created or self.changed or self.published or self.departments_created)

    def as_dict(self) -> dict:
        return {
            "counts": self.counts, "created": self.created, "changed": self.changed,
            "unchanged": self.unchanged, "published": self.published, "blocked": self.blocked,
            "items_not_in_file": self.items_not_in_file,
            "handling_items_not_in_file": self.handling_items_not_in_file,
            "departments_created": self.departments_created,
        }


# --------------------------------------------------------------------------------------------
# The import


def import_catalogue(catalogue: Catalogue, rows_source, *, actor, reason: str = "", basis: str = "",
                     publish_on: datetime.date | None = None) -> ImportReport:
    """Bring `catalogue` in line with a county list, all or nothing (see the module's
    docstring). `rows_source` is a `Sheet` (from `read_rows`, `read_xlsx` or
    `read_service_items_csv`) or an xlsx as bytes, a path or a file object. Raises
    `ImportRejected` with every problem, or `NotPermitted`."""
    require_role(actor, Role.CATALOGUE_ADMIN, catalogue.region)
    sheet = rows_source if isinstance(rows_source, Sheet) else read_xlsx(rows_source)
    reason, basis = (reason or "").strip(), (basis or "").strip()
    problems = list(sheet.problems)
    groups: OrderedDict[str, ParsedItem] = OrderedDict()
    if not problems:
        lookups = Lookups(catalogue, create_departments=sheet.create_departments)
        groups, row_problems = _parse_rows(sheet, lookups)
        problems += sheet.row_problems + row_problems
    with transaction.atomic():
        # One import at a time per catalogue: the comparison below must see what it writes over.
        Catalogue.objects.select_for_update().filter(pk=catalogue.pk).first()
        latest, in_force, handling = _load_latest(catalogue, publish_on or timezone.localdate())
        creates, changes, unchanged, plan_problems = _plan(groups, latest, in_force, handling, sheet)
        problems += plan_problems
        adjusting = [p for p in changes if not p.latest.is_draft]
        if adjusting and not (reason and basis):
            problems.append(Problem(0, "", _(
                "导入将调整 {n} 个已发布的事项（如 {code}），请填写调整原因和调整依据").format(
                    n=len(adjusting), code=adjusting[0].basic_code)))
        if problems:
            raise ImportRejected(problems)

        report = ImportReport(rows=len(sheet.rows))
        report.unchanged = [p.basic_code for p in unchanged]
        in_file = set(groups)
        report.items_not_in_file = sorted(
            code for code, v in latest.items() if code not in in_file and not v.is_cancelled)
        report.handling_items_not_in_file = {
            p.basic_code: p.not_in_file for p in (*changes, *unchanged) if p.not_in_file}

        # The rows the bulk writes stand for, one per department, item and publication, as
        # the actions would have recorded them; appended with the import's own row at the end.
        audit: list[dict] = []
        departments = _create_departments(catalogue, sheet, creates + changes, report, actor=actor, audit=audit)
        created_versions = _create_items(catalogue, creates, departments, actor=actor, reason=reason, basis=basis,
                                         audit=audit)
        report.created = [p.basic_code for p in creates]
        changed_versions = []
        for plan in changes:
            changed_versions.append(_apply_change(plan, departments, actor=actor, reason=reason, basis=basis))
            report.changed.append(plan.basic_code)
        if publish_on is not None and (created_versions or changed_versions):
            _publish(catalogue, created_versions, changed_versions, publish_on, actor=actor, report=report,
                     audit=audit)
        if report.wrote_anything:
            audit.append(dict(action="catalogue.import", actor=actor, subject=catalogue, region_code=catalogue.region.code,
                   summary=_("导入事项目录：新增 {c} 项，变更 {u} 项，未变 {s} 项，发布 {p} 项").format(
                       c=len(report.created), u=len(report.changed), s=len(report.unchanged),
                       p=len(report.published)),
                   data={"counts": report.counts, "reason": reason, "basis": basis,
                         "publish_on": publish_on.isoformat() if publish_on else None,
                         "created": report.created, "changed": report.changed,
                         "published": report.published,
                         "departments_created": report.departments_created}))
        record_many(audit)
    return report


def _resolve(values: dict[str, Any], departments: dict[str, int]) -> dict[str, Any]:
    return {k: departments[v.name] if isinstance(v, PendingDepartment) else v for k, v in values.items()}


def _create_departments(catalogue, sheet: Sheet, plans, report: ImportReport, *, actor, audit: list) -> dict[str, int]:
    """Create the departments a csv names that the region does not have yet, in the order
    the file names them, after the region's existing ones."""
    wanted = list(OrderedDict.fromkeys(
        v.name for p in plans for v in p.item_values.values() if isinstance(v, PendingDepartment)))
    if not wanted:
        return {}
    start = Department.objects.filter(region=catalogue.region).aggregate(m=Max("order"))["m"] or 0
    created = {}
    for offset, name in enumerate(wanted, start=1):
        dept = Department.objects.create(region=catalogue.region, name=name,
                                         code=sheet.departments.get(name, ""), order=start + offset)
        created[name] = dept.pk
        audit.append(dict(action="organisation.save_department", actor=actor, subject=dept,
                          region_code=catalogue.region.code, summary=dept.name,
                          data={"created": True, "by": "catalogue.import",
                                "fields": {"name": [None, dept.name], "code": [None, dept.code],
                                           "order": [None, dept.order]}}))
    report.departments_created = wanted
    return created


def _create_items(catalogue, plans: list[ItemPlan], departments, *, actor, reason, basis,
                  audit: list) -> list[ItemVersion]:
    """New items, as version-1 drafts, in bulk: the same rows `create_item` and
    `save_draft_part` would write, without a query per row (a county list has thousands),
    and the audit rows `create_item` would record (added to `audit`)."""
    if not plans:
        return []
    items = Item.objects.bulk_create(
        [Item(catalogue=catalogue, basic_code=p.basic_code) for p in plans], batch_size=BATCH)
    if any(i.pk is None for i in items):  # a database that does not return ids from a bulk insert
        ids = dict(Item.objects.filter(catalogue=catalogue).values_list("basic_code", "pk"))
        for i in items:
            i.pk = ids[i.basic_code]
    versions = ItemVersion.objects.bulk_create([
        ItemVersion(item=item, number=1, status=ItemVersion.Status.DRAFT, change_kind=ChangeKind.ADD,
                    change_reason=reason, change_basis=basis, created_by=actor,
                    **_resolve(plan.item_values, departments))
        for item, plan in zip(items, plans, strict=True)
    ], batch_size=BATCH)
    if any(v.pk is None for v in versions):
        ids = dict(ItemVersion.objects.filter(item__catalogue=catalogue, number=1).values_list("item_id", "pk"))
        for v in versions:
            v.pk = ids[v.item_id]
    HandlingItem.objects.bulk_create([
        HandlingItem(item_version=version, order=n, **row.handling)
        for version, plan in zip(versions, plans, strict=True)
        for n, row in enumerate(plan.rows, start=1)
    ], batch_size=BATCH)
    region_code = catalogue.region.code
    audit.extend(dict(action="catalogue.create_item", actor=actor, subject=version, region_code=region_code,
                      summary=version.name, data={"basic_code": plan.basic_code, "by": "catalogue.import",
                                                  "handling_items": [row.handling["code"] for row in plan.rows]})
                 for version, plan in zip(versions, plans, strict=True))
    return versions


def _apply_change(plan: ItemPlan, departments, *, actor, reason, basis) -> ItemVersion:
    """Change one existing item through the catalogue's actions: a draft is edited in place,
    a published version is first copied into a new draft (with its materials, steps and
    special procedures) by `start_adjustment`."""
    version = plan.latest
    if not version.is_draft:
        version = actions.start_adjustment(version.item, actor=actor, kind=ChangeKind.IMPORT,
                                           reason=reason, basis=basis)
    if plan.item_changes:
        version = actions.update_draft(version, actor=actor, **_resolve(plan.item_changes, departments))
    current = {hi.code: hi for hi in version.handling_items.all()}
    for code, changes in plan.handling_updates:
        hi = current[code]
        for name, value in changes.items():
            setattr(hi, name, value)
        actions.save_draft_part(hi, actor=actor)
    order = max((hi.order for hi in current.values()), default=0)
    for values in plan.handling_new:
        order += 1
        actions.save_draft_part(HandlingItem(item_version=version, order=order, **values), actor=actor)
    return version


def _publish(catalogue, created: list[ItemVersion], changed: list[ItemVersion], on: datetime.date, *,
             actor, report: ImportReport, audit: list) -> None:
    """Publish every created or changed draft that is complete on `on`; report the others
    with their reasons. The reasons are the same rules `publish` applies, computed for all
    drafts with four queries; new items (no earlier version to close) are published in bulk,
    changed ones through `publish`."""
    wanted = {v.pk for v in created} | {v.pk for v in changed}
    drafts = {v.pk: v for v in ItemVersion.objects.filter(item__catalogue=catalogue, status=ItemVersion.Status.DRAFT)
              .select_related("item") if v.pk in wanted}
    his: dict[int, list[HandlingItem]] = defaultdict(list)
    for hi in HandlingItem.objects.filter(item_version__item__catalogue=catalogue,
                                          item_version__status=ItemVersion.Status.DRAFT).order_by("order", "id"):
        if hi.item_version_id in wanted:
            his[hi.item_version_id].append(hi)
    materials: dict[int, list[Material]] = defaultdict(list)
    for m in Material.objects.filter(handling_item__item_version__item__catalogue=catalogue,
                                     handling_item__item_version__status=ItemVersion.Status.DRAFT).order_by("order", "id"):
        materials[m.handling_item_id].append(m)
    previous: dict[int, ItemVersion] = {}
    for v in (ItemVersion.objects.published().filter(item__catalogue=catalogue)
              .only("id", "item_id", "number", "effective_from").order_by("item_id", "number")):
        previous[v.item_id] = v  # the newest published one wins: drafts are always newer
    ready_new, ready_changed = [], []
    created_ids = {v.pk for v in created}
    for pk in sorted(wanted):
        version = drafts[pk]
        blockers = rules.version_blockers(version, his.get(pk, []), materials, previous.get(version.item_id), on)
        if blockers:
            report.blocked[version.item.basic_code] = [b.message for b in blockers]
        elif pk in created_ids:
            ready_new.append(version)
        else:
            ready_changed.append(version)
    now = timezone.now()
    ids = [v.pk for v in ready_new]
    for start in range(0, len(ids), BATCH):
        ItemVersion.objects.filter(pk__in=ids[start:start + BATCH]).update(
            status=ItemVersion.Status.PUBLISHED, effective_from=on, published_by=actor, published_at=now)
    report.published += [v.item.basic_code for v in ready_new]
    # What `publish` records for each, in bulk: a new item has no predecessor to close.
    audit.extend(dict(action="catalogue.publish", actor=actor, subject=v, region_code=catalogue.region.code,
                      summary=f"{v.get_change_kind_display()}：{v.name} 第{v.number}版",
                      data={"effective_from": on.isoformat(), "kind": v.change_kind, "reason": v.change_reason,
                            "basis": v.change_basis, "by": "catalogue.import"})
                 for v in ready_new)
    for version in ready_changed:
        try:
            actions.publish(version, actor=actor, effective_from=on)
        except ValidationFailed as error:  # not expected: the same rules as above
            report.blocked[version.item.basic_code] = [str(r) for r in error.reasons] or [str(error.message)]
            continue
        report.published.append(version.item.basic_code)
    report.published.sort()


# --------------------------------------------------------------------------------------------
# The catalogue an import fills


def ensure_local_catalogue(region: Region, *, actor) -> Catalogue:
    """The region's local catalogue, created when it has none yet ("<地区>政务服务事项目录").
    Callers run it in the import's transaction so that a rejected file leaves no empty
    catalogue behind."""
    require_role(actor, Role.CATALOGUE_ADMIN, region)
    catalogue = Catalogue.objects.filter(region=region, kind=Catalogue.Kind.LOCAL).select_related("region").first()
    if catalogue is not None:
        return catalogue
    catalogue = Catalogue.objects.create(
        region=region, kind=Catalogue.Kind.LOCAL, name=f"{region.name}政务服务事项目录",
        bureau=Bureau.objects.filter(region=region).first(),
    )
    record("catalogue.create_catalogue", actor=actor, subject=catalogue, region_code=region.code,
           summary=catalogue.name)
    return catalogue
