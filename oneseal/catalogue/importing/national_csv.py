"""The csv of the national government-service platform (the Guang'an portal export shipped
in `data/`, data/README.md): one row per handling item, read into the county list's columns."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import OrderedDict
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext as _

from ..models import (
    ExerciseLevel,
    ItemType,
    TransferStatus,
    Variant,
)
from .columns import HEADERS, Problem, Sheet, _cap, _is_bureau_name, _norm_text

# The Guang'an portal csv (data/README.md) --------------------------------------------------

CSV_REQUIRED = ("department", "main_item", "name", "itemCode", "taskType")
UNGROUPED = "未分类"
# taskType codes of the portal (the national code list of 政务服务事项 types). 2 行政处罚,
# 3 行政强制 and 6 行政检查 are powers but not service items; a csv listing them is refused.
TASK_TYPES = {
    "1": ItemType.LICENSING,
    "4": ItemType.LEVY,
    "5": ItemType.PAYMENT,
    "7": ItemType.CONFIRMATION,
    "8": ItemType.REWARD,
    "9": ItemType.RULING,
    "10": ItemType.OTHER_POWER,
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


def _capped_csv_records(reader, columns: int) -> tuple[list[tuple[int, dict]], Problem | None]:
    max_rows, max_chars = _cap("ONESEAL_IMPORT_MAX_ROWS"), _cap("ONESEAL_IMPORT_MAX_CELL_CHARS")
    if columns > _cap("ONESEAL_IMPORT_MAX_COLUMNS"):
        return [], Problem(
            1, "", _("列数超过上限 {limit} 列").format(limit=_cap("ONESEAL_IMPORT_MAX_COLUMNS"))
        )
    records = []
    try:
        for number, raw in enumerate(reader, start=2):
            if number - 1 > max_rows:
                return [], Problem(
                    0, "", _("行数超过上限 {limit} 行，请分批导入").format(limit=max_rows)
                )
            row = {k: _norm_text(v) for k, v in raw.items() if k is not None}
            long = next((k for k, v in row.items() if len(v) > max_chars), None)
            if long is not None:
                return [], Problem(
                    number,
                    long,
                    _("单元格内容有 {n} 个字符，超过上限 {limit} 个").format(
                        n=len(row[long]), limit=max_chars
                    ),
                )
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
        return Sheet(
            problems=[
                Problem(
                    0,
                    "",
                    _("csv 文件为 {size} MB，超过上限 {limit} MB").format(
                        size=len(source) // (1024 * 1024), limit=limit // (1024 * 1024)
                    ),
                )
            ]
        )
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
    columns = {
        "实施部门": "department",
        "事项名称": "main_item",
        "基本编码": "main_item",
        "事项类型": "taskType",
        "实施编码": "itemCode",
        "行使层级": "areaCode",
        "划转情况": "department",
        "办理项名称": "name",
        "办理项编码": "itemCode",
        "业务类型": "name",
    }
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
        key = (
            row["main_item"]
            if row["main_item"] and row["main_item"] != UNGROUPED
            else f"\x00{number}"
        )
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
                    "基本编码": grouped_basic_code(area, key)
                    if grouped
                    else ungrouped_basic_code(r["itemCode"], area),
                    "事项类型": str(task.label) if task else None,
                    "实施编码": "" if grouped else r["itemCode"],
                    "行使层级": str(ExerciseLevel(_exercise_level(area)).label),
                    "划转情况": status,
                    "办理项名称": r["name"],
                    "办理项编码": r["itemCode"],
                    "业务类型": str(Variant(variant_from_name(r["name"])).label),
                }
                if task is None:
                    sheet.row_problems.append(
                        Problem(
                            number,
                            "taskType",
                            _("事项类型代码“{v}”不受支持（可导入：{codes}）").format(
                                v=r["taskType"], codes="、".join(sorted(TASK_TYPES, key=int))
                            ),
                        )
                    )
                sheet.rows.append((number, cells))
    sheet.headers = [h for h in HEADERS if h in columns]
    return sheet
