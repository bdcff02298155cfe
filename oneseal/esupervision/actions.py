"""Writes of e-supervision: conflict declarations (回避申报) and the reform baselines.

Each is one transaction that checks the actor, validates, writes and records an audit row.
The statistics and rule hits themselves are derived data written only by `jobs.rollup`.
"""

import csv
import datetime
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oneseal.actors import User, stored_user
from oneseal.applicants import rules as applicant_rules
from oneseal.audit.actions import record
from oneseal.calendars.queries import today
from oneseal.catalogue.models import Catalogue, Item
from oneseal.errors import NotPermitted, ValidationFailed, fail_fields
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role, staff_of

from .models import ConflictDeclaration, ReformBaseline


def _number(text: str) -> str:
    """An ID number (18 characters with a birth date) or a credit code, checked and normalised."""
    normalised = applicant_rules.normalise(text)
    errors = []
    for check in (applicant_rules.validate_id_number, applicant_rules.validate_credit_code):
        try:
            return check(normalised)
        except ValueError as exc:
            errors.append(str(exc))
    msg = _("请填写有效的居民身份证号码或统一社会信用代码（{why}）").format(why="；".join(errors))
    raise ValidationFailed(msg, fields={"number": [msg]})


@transaction.atomic
def declare_conflict(
    *,
    actor: "User",
    relative_name: str,
    relation: str,
    number: str,
    on: datetime.date | None = None,
) -> ConflictDeclaration:
    """A staff member declares a relative, or an organisation they or a relative invest in or
    work for, whose cases they must not handle (回避). Only for oneself."""
    staff = staff_of(actor)
    if staff is None or not actor.is_active:
        raise NotPermitted()
    errors = {}
    if not relative_name.strip():
        errors["relative_name"] = [_("请填写亲属姓名或单位名称")]
    if relation not in ConflictDeclaration.Relation.values:
        errors["relation"] = [_("请选择与申报人的关系")]
    try:
        number = _number(number)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    fail_fields(errors)
    if ConflictDeclaration.objects.filter(
        staff=staff, number=number, withdrawn_on__isnull=True
    ).exists():
        msg = _("已申报过该号码")
        raise ValidationFailed(msg, fields={"number": [msg]})
    declaration = ConflictDeclaration.objects.create(
        staff=staff,
        relative_name=relative_name.strip(),
        relation=relation,
        number=number,
        declared_on=on or today(),
        created_by=stored_user(actor),
    )
    record(
        "esupervision.declare_conflict",
        actor=actor,
        subject=declaration,
        region_code=staff.region.code,
        summary=f"{staff.display_name} 申报回避：{declaration.relative_name}（{declaration.get_relation_display()}）",
    )
    return declaration


@transaction.atomic
def withdraw_declaration(
    declaration: ConflictDeclaration, *, actor: "User", on: datetime.date | None = None
) -> ConflictDeclaration:
    """Withdraw one's own declaration (declared in error, relationship ended). Hits already
    found stay: they describe what happened while it stood."""
    declaration = (
        ConflictDeclaration.objects.select_for_update()
        .select_related("staff__region")
        .get(pk=declaration.pk)
    )
    staff = staff_of(actor)
    if staff is None or declaration.staff_id != staff.pk:
        raise NotPermitted()
    if declaration.withdrawn_on is not None:
        msg = _("该申报已撤销")
        raise ValidationFailed(msg, fields={"declaration": [msg]})
    declaration.withdrawn_on = on or today()
    declaration.save(update_fields=["withdrawn_on"])
    record(
        "esupervision.withdraw_declaration",
        actor=actor,
        subject=declaration,
        region_code=declaration.staff.region.code,
        summary=f"{staff.display_name} 撤销回避申报：{declaration.relative_name}",
    )
    return declaration


# --- reform baselines ---------------------------------------------------------------------


def baseline_blockers(actor: "User", item: Item) -> list[str]:
    if not has_role(actor, Role.CATALOGUE_ADMIN, item.catalogue.region):
        return [_("只有该事项目录所在地区的事项目录管理员可以录入改革前基数")]
    return []


def _count(value: object, field: str, label: str, *, minimum: int = 0) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationFailed(
            _("{label}应为整数").format(label=label),
            fields={field: [_("{label}应为整数").format(label=label)]},
        ) from None
    if n < minimum or n > 32767:
        msg = _("{label}应在{low}到32767之间").format(label=label, low=minimum)
        raise ValidationFailed(msg, fields={field: [msg]})
    return n


@transaction.atomic
def set_baseline(
    item: Item, *, actor: "User", materials: object, steps: object, days: object, source: str = ""
) -> ReformBaseline:
    """Enter (or correct) the item's pre-reform materials, steps and working days."""
    if baseline_blockers(actor, item):
        raise NotPermitted()
    values = {
        "materials": _count(materials, "materials", _("改革前申请材料件数")),
        "steps": _count(steps, "steps", _("改革前办理环节数"), minimum=1),
        "days": _count(days, "days", _("改革前办理时限（工作日）")),
    }
    baseline, created = ReformBaseline.objects.update_or_create(
        item=item, defaults={**values, "source": (source or "").strip()[:300], "entered_by": actor}
    )
    record(
        "esupervision.set_baseline",
        actor=actor,
        subject=baseline,
        region_code=item.catalogue.region.code,
        summary=f"{item.basic_code} 改革前：材料{values['materials']}件，环节{values['steps']}个，时限{values['days']}个工作日",
        data={**values, "created": created},
    )
    return baseline


@dataclass(frozen=True)
class ImportProblem:
    row: int
    field: str
    message: str


BASELINE_COLUMNS = ("basic_code", "materials", "steps", "days", "source")
HEADER_NAMES = {
    "事项基本编码": "basic_code",
    "基本编码": "basic_code",
    "改革前材料": "materials",
    "改革前环节": "steps",
    "改革前时限": "days",
    "数据来源": "source",
}


# What a problem names a column by: the heading a sheet uses for it, never the field's name.
COLUMN_LABELS = {
    "basic_code": gettext_lazy("基本编码"),
    "materials": gettext_lazy("改革前材料"),
    "steps": gettext_lazy("改革前环节"),
    "days": gettext_lazy("改革前时限"),
    "source": gettext_lazy("数据来源"),
}


def column_label(name: str) -> str:
    return str(COLUMN_LABELS.get(name, name))


def baseline_rows(content: bytes, filename: str) -> list[dict]:
    """The rows of a baseline sheet (xlsx or UTF-8 csv) with the columns of BASELINE_COLUMNS
    (English or the Chinese headings of `HEADER_NAMES`) in the first row."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook
        from openpyxl.worksheet._read_only import ReadOnlyWorksheet

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
            if not isinstance(sheet, ReadOnlyWorksheet):  # no sheet, or a chart sheet
                raise TypeError("no worksheet")
        except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
            msg = _("无法读取该 Excel 文件：{error}").format(error=exc)
            raise ValidationFailed(msg, fields={"file": [msg]}) from None
        table = [
            ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
        ]
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            msg = _("CSV 文件须为 UTF-8 编码")
            raise ValidationFailed(msg, fields={"file": [msg]}) from None
        table = list(csv.reader(io.StringIO(text)))
    if not table:
        msg = _("文件是空的")
        raise ValidationFailed(msg, fields={"file": [msg]})
    header = [HEADER_NAMES.get(h.strip(), h.strip()) for h in table[0]]
    missing = [c for c in BASELINE_COLUMNS[:4] if c not in header]
    if missing:
        msg = _("第一行缺少列：{columns}").format(
            columns="、".join(column_label(c) for c in missing)
        )
        raise ValidationFailed(msg, fields={"file": [msg]})
    return [
        dict(zip(header, row, strict=False))
        for row in table[1:]
        if any(cell.strip() for cell in row)
    ]


@transaction.atomic
def import_baselines(catalogue: Catalogue, *, actor: "User", content: bytes, filename: str) -> int:
    """All or nothing: every row names an item of `catalogue` by its basic code; a file with
    any problem changes nothing and every problem is reported with its row. Returns the
    number of baselines written."""
    if not has_role(actor, Role.CATALOGUE_ADMIN, catalogue.region):
        raise NotPermitted()
    rows = baseline_rows(content, filename)
    items = {
        i.basic_code: i
        for i in Item.objects.filter(catalogue=catalogue).select_related("catalogue__region")
    }
    problems, ready = [], []
    for n, row in enumerate(rows, start=2):
        item = items.get((row.get("basic_code") or "").strip())
        if item is None:
            problems.append(
                ImportProblem(
                    n,
                    "basic_code",
                    _("本目录中没有基本编码为“{code}”的事项").format(
                        code=row.get("basic_code", "")
                    ),
                )
            )
            continue
        ready.append((n, item, row))
    for n, item, row in ready:
        try:
            with transaction.atomic():
                set_baseline(
                    item,
                    actor=actor,
                    materials=row.get("materials"),
                    steps=row.get("steps"),
                    days=row.get("days"),
                    source=row.get("source", ""),
                )
        except ValidationFailed as exc:
            for field_name, messages in exc.fields.items():
                problems.extend(ImportProblem(n, field_name, str(m)) for m in messages)
    if problems:
        lines = [
            _("第{row}行 {field}：{message}").format(
                row=p.row, field=column_label(p.field), message=p.message
            )
            for p in problems
        ]
        raise ValidationFailed(lines[0], reasons=lines, fields={"file": lines})
    return len(ready)
