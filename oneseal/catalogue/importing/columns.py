"""The county list's layout (`COLUMNS`, which `exporting` writes with too), how a cell is
read, the problems a file can have, and the `Sheet` every reader turns a file into."""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from oneseal.errors import ValidationFailed

from ..models import (
    ApplicantType,
    ExerciseLevel,
    HandlingItem,
    Item,
    ItemType,
    ItemVersion,
    OnlineDepth,
    TransferStatus,
    Variant,
)

if TYPE_CHECKING:
    from .plan import Lookups  # the parse of a cell looks departments and topics up

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
        self.problems = sorted(
            set(problems), key=lambda p: (p.row, _column_rank(p.column), p.message)
        )
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
    return text.translate(str.maketrans("():/", "（）：／"))


def _norm_header(value: Any) -> str:
    return re.sub(r"\s+", "", _norm_text(value))


_DAYS_RE = re.compile(r"^(\d+)\s*(?:个?\s*工作日)?$")
_VISITS_RE = re.compile(r"^(\d+)\s*次?$")
_CHINESE_LEVELS = {"一级": 1, "二级": 2, "三级": 3, "四级": 4}
# Spellings of the exercise level seen in county lists besides the labels themselves.
_LEVEL_SYNONYMS = {
    "区级": ExerciseLevel.COUNTY,
    "县（区）级": ExerciseLevel.COUNTY,
    "县（市、区）级": ExerciseLevel.COUNTY,
    "乡镇级": ExerciseLevel.TOWNSHIP,
    "乡级": ExerciseLevel.TOWNSHIP,
    "省级部门": ExerciseLevel.PROVINCE,
}


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
                raise CellError(
                    _("“{v}”不是有效的{h}，可填：{options}").format(
                        v=text, h=self.header, options="、".join(_choice_labels(self.choices))
                    )
                )
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
            return version.topic.name if version.topic is not None else ""
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
    Column(
        "实施部门",
        ITEM,
        "original_department_id",
        "department",
        required=True,
        width=20,
        aliases=("原审批部门", "实施主体"),
    ),
    Column("事项名称", ITEM, "name", "text", required=True, width=32),
    Column("基本编码", ITEM, "basic_code", "text", required=True, width=20),
    Column("事项类型", ITEM, "item_type", "choice", choices=ItemType, width=12),
    Column("实施编码", ITEM, "implementing_code", "text", width=28),
    Column(
        "设定和实施依据", ITEM, "legal_basis", "text", width=40, aliases=("设定依据", "实施依据")
    ),
    Column("行使层级", ITEM, "exercise_level", "choice", choices=ExerciseLevel, width=10),
    Column("划转情况", ITEM, "transfer_status", "choice", choices=TransferStatus, width=16),
    Column("主题", ITEM, "topic_id", "topic", width=12),
    Column("办理项名称", HANDLING, "name", "text", required=True, width=36),
    Column("办理项编码", HANDLING, "code", "text", required=True, width=30),
    Column("业务类型", HANDLING, "variant", "choice", choices=Variant, width=10),
    Column("服务对象", HANDLING, "applicant_type", "choice", choices=ApplicantType, width=18),
    Column(
        "法定时限",
        HANDLING,
        "statutory_limit_days",
        "days",
        width=10,
        aliases=("法定时限（工作日）", "法定办结时限"),
    ),
    Column(
        "承诺时限",
        HANDLING,
        "promised_limit_days",
        "days",
        width=10,
        aliases=("承诺时限（工作日）", "承诺办结时限"),
    ),
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


def _is_bureau_name(name: str, bureau_name: str = "") -> bool:
    return bool(name) and (name == bureau_name or name.endswith(BUREAU_SUFFIX))


# How big an import may be. A county list is a few hundred rows of some 40 columns (well under
# a megabyte unpacked); the caps leave room for a whole province and refuse, before any parsing,
# a file made to exhaust the server ("zip bomb": 52 KB that unpacks to 1.3 GB).
MAX_ZIP_ENTRIES = 2000


def _cap(name: str) -> int:
    return int(getattr(settings, name))


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
