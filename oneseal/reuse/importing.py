"""Reading e-licences of the provincial library (GB/T 36903 metadata) from an xlsx, a JSON
document (a file, the library's push, or its answer to a pull) into checked rows. Reading
writes nothing: every row's every problem is collected, named by its row and field, and the
import (`actions.import_licences`) writes only when there is none."""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oneseal.catalogue.importing.columns import Problem, _norm_text
from oneseal.catalogue.importing.readers import Layout, read_xlsx

from . import rules
from .models import ImportedLicence

# (header, JSON key and other spellings, required)
COLUMNS: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("证照标识", ("identifier", "zzbs", "证照标识码"), True),
    ("证照类型代码", ("type_code", "zzlxdm"), True),
    ("证照类型名称", ("type_name", "zzlxmc", "证照类型", "证照名称"), True),
    ("证照编号", ("number", "zzbh"), False),
    ("持证主体", ("holder_name", "czzt", "持证主体名称"), True),
    ("持证主体代码", ("holder_code", "czztdm", "统一社会信用代码", "身份证件号码"), True),
    ("发证机构", ("issuer", "fzjg", "颁发机构"), True),
    ("发证机构代码", ("issuer_code", "fzjgdm"), False),
    ("发证日期", ("issued_on", "fzrq", "颁证日期"), True),
    ("有效期起始", ("valid_from", "yxqqsrq", "有效期起始日期", "有效期自"), True),
    ("有效期截止", ("valid_until", "yxqjzrq", "有效期截止日期", "有效期至"), False),
    ("证照状态", ("status", "zzzt", "状态"), True),
)
LAYOUT = Layout.of(COLUMNS, empty=gettext_lazy("文件中只有表头，没有证照数据"))
FIELD_OF = {
    "证照标识": "identifier",
    "证照类型代码": "type_code",
    "证照类型名称": "type_name",
    "证照编号": "number",
    "持证主体": "holder_name",
    "持证主体代码": "holder_code",
    "发证机构": "issuer",
    "发证机构代码": "issuer_code",
    "发证日期": "issued_on",
    "有效期起始": "valid_from",
    "有效期截止": "valid_until",
    "证照状态": "status",
}
LENGTHS = {
    f.name: f.max_length
    for f in ImportedLicence._meta.concrete_fields
    if f.max_length and f.name in FIELD_OF.values()
}
# The library's status words (and GB/T 36903's codes) → ours.
STATUSES = {
    "有效": ImportedLicence.Status.VALID,
    "正常": ImportedLicence.Status.VALID,
    "valid": ImportedLicence.Status.VALID,
    "1": ImportedLicence.Status.VALID,
    "注销": ImportedLicence.Status.CANCELLED,
    "已注销": ImportedLicence.Status.CANCELLED,
    "cancelled": ImportedLicence.Status.CANCELLED,
    "2": ImportedLicence.Status.CANCELLED,
    "撤销": ImportedLicence.Status.REVOKED,
    "已撤销": ImportedLicence.Status.REVOKED,
    "revoked": ImportedLicence.Status.REVOKED,
    "3": ImportedLicence.Status.REVOKED,
    "吊销": ImportedLicence.Status.WITHDRAWN,
    "已吊销": ImportedLicence.Status.WITHDRAWN,
    "withdrawn": ImportedLicence.Status.WITHDRAWN,
    "4": ImportedLicence.Status.WITHDRAWN,
    "作废": ImportedLicence.Status.VOID,
    "已作废": ImportedLicence.Status.VOID,
    "void": ImportedLicence.Status.VOID,
    "5": ImportedLicence.Status.VOID,
}
LONG_TERM = {"长期", "长期有效", "永久", "无固定期限"}
DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
MAX_ROWS = 5000


@dataclass
class LicenceRow:
    row: int
    values: dict[str, Any]  # ImportedLicence field → value
    file: bytes | None = None
    file_type: str = ""
    file_suffix: str = ""


@dataclass
class Read:
    rows: list[LicenceRow]
    problems: list[Problem]


def parse_date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _norm_text(value)
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    m = DATE_RE.match(text)
    if not m:
        raise ValueError(_("日期“{v}”无法识别，请写作2025-01-27或2025年1月27日").format(v=text))
    try:
        return datetime.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise ValueError(_("日期“{v}”不存在").format(v=text)) from None


def _file_of(data: dict[str, Any]) -> tuple[bytes | None, str, str, str]:
    """The e-licence's file a JSON row carries (`file_base64`): (bytes, content type, suffix,
    problem). PDF or OFD (a zip holding OFD.xml), by content."""
    raw = data.get("file_base64")
    if raw in (None, ""):
        return None, "", "", ""
    try:
        content = base64.b64decode(str(raw), validate=True)
    except (binascii.Error, ValueError):
        return None, "", "", _("file_base64 不是有效的 Base64 编码")
    if len(content) > settings.UPLOAD_MAX_BYTES:
        return (
            None,
            "",
            "",
            _("文件过大，上限为{mb} MB").format(mb=settings.UPLOAD_MAX_BYTES // 1048576),
        )
    if content.startswith(b"%PDF-"):
        return content, "application/pdf", "pdf", ""
    if content.startswith(b"PK\x03\x04") and b"OFD.xml" in content[:4096]:
        return content, "application/ofd", "ofd", ""
    return None, "", "", _("证照文件只接受 PDF 或 OFD")


def check_row(n: int, cells: dict[str, Any], problems: list[Problem]) -> LicenceRow | None:
    """One row by header → cell: its values, or None after adding its problems."""
    before = len(problems)
    values: dict[str, Any] = {}

    def bad(header: str, message: str) -> None:
        problems.append(Problem(n, header, message))

    for header, _aliases, required in COLUMNS:
        field = FIELD_OF[header]
        cell = cells.get(header)
        text = _norm_text(cell)
        if not text:
            if required:
                bad(header, _("“{h}”必填").format(h=header))
            values[field] = None if field in ("valid_until",) else ""
            continue
        if field in ("issued_on", "valid_from", "valid_until"):
            if field == "valid_until" and text in LONG_TERM:
                values[field] = None
                continue
            try:
                values[field] = parse_date(cell)
            except ValueError as exc:
                bad(header, str(exc))
            continue
        if field == "status":
            status = STATUSES.get(text.lower()) or STATUSES.get(text)
            if status is None:
                bad(
                    header,
                    _("证照状态“{v}”无法识别（有效、注销、撤销、吊销、作废）").format(v=text),
                )
            values[field] = status
            continue
        if field == "holder_code":
            try:
                values["holder_kind"], values[field] = rules.holder_of(text)
            except ValueError as exc:
                bad(header, str(exc))
            continue
        if len(text) > LENGTHS.get(field, 200):
            bad(header, _("超过{n}个字符").format(n=LENGTHS.get(field, 200)))
        values[field] = text
    frm, until, issued = (
        values.get("valid_from"),
        values.get("valid_until"),
        values.get("issued_on"),
    )
    if isinstance(frm, datetime.date) and isinstance(until, datetime.date) and until < frm:
        bad("有效期截止", _("有效期截止日期早于起始日期"))
    if isinstance(issued, datetime.date) and issued > datetime.date.today() + datetime.timedelta(1):  # noqa: DTZ011
        bad("发证日期", _("发证日期晚于今天"))
    if len(problems) > before:
        return None
    return LicenceRow(row=n, values=values)


def _checked(raw_rows: list[tuple[int, dict[str, Any]]], problems: list[Problem]) -> Read:
    rows: list[LicenceRow] = []
    seen: dict[str, int] = {}
    if len(raw_rows) > MAX_ROWS:
        problems.append(Problem(0, "", _("行数超过上限 {n} 行，请分批导入").format(n=MAX_ROWS)))
        return Read([], problems)
    for n, cells in raw_rows:
        row = check_row(n, cells, problems)
        if row is None:
            continue
        ident = row.values["identifier"]
        if ident in seen:
            problems.append(
                Problem(n, "证照标识", _("与第{m}行的证照标识重复").format(m=seen[ident]))
            )
            continue
        seen[ident] = n
        rows.append(row)
    return Read(rows, problems)


def read_xlsx_file(source: Any) -> Read:
    sheet = read_xlsx(source, LAYOUT)
    if sheet.problems:
        return Read([], list(sheet.problems))
    return _checked(sheet.rows, list(sheet.row_problems))


def _by_header(item: dict[str, Any]) -> dict[str, Any]:
    names = {n.lower(): h for h, aliases, _r in COLUMNS for n in (h, *aliases)}
    out: dict[str, Any] = {}
    for key, value in item.items():
        header = names.get(str(key).strip().lower())
        if header is not None:
            out[header] = value
    return out


def read_json(data: Any) -> Read:
    """A JSON document: a list of e-licences, or {"licences": [...]} (the library's envelope),
    each by the Chinese headers or the English keys; a row may carry `file_base64`."""
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            return Read([], [Problem(0, "", _("文件不是有效的 JSON"))])
    if isinstance(data, dict):
        data = data.get("licences", data.get("data"))
    if not isinstance(data, list):
        return Read([], [Problem(0, "", _("JSON 应为证照列表，或含 licences 列表的对象"))])
    if not data:
        return Read([], [Problem(0, "", _("没有证照数据"))])
    problems: list[Problem] = []
    raw: list[tuple[int, dict[str, Any]]] = []
    files: dict[int, tuple[bytes | None, str, str]] = {}
    for n, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            problems.append(Problem(n, "", _("每条证照应为一个对象")))
            continue
        content, ctype, suffix, problem = _file_of(item)
        if problem:
            problems.append(Problem(n, "file_base64", problem))
        files[n] = (content, ctype, suffix)
        raw.append((n, _by_header(item)))
    read = _checked(raw, problems)
    for row in read.rows:
        row.file, row.file_type, row.file_suffix = files.get(row.row, (None, "", ""))
    return read


def read_file(content: bytes, name: str = "") -> Read:
    """An uploaded or local file: xlsx by its content (a zip), else JSON."""
    if content[:4] == b"PK\x03\x04":
        return read_xlsx_file(content)
    if name.lower().endswith((".xlsx", ".xls")):
        return read_xlsx_file(content)
    return read_json(content)


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
