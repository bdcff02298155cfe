"""The duty boundary list as an xlsx workbook in the shape offices pass around: a title line,
a bold header, one row per item."""

from collections.abc import Sequence
from typing import cast

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from oneseal.catalogue.report_sheets import _style_body, _style_header, _title, _to_bytes, _widths
from oneseal.regions.models import Region
from oneseal.spreadsheets import put

from .models import DutyBoundary, SupportKind

WRAP = Alignment(wrap_text=True, vertical="top")


def duty_boundaries_xlsx(region: Region, rows: Sequence[DutyBoundary]) -> bytes:
    """`rows`: DutyBoundary with `item_name` set and support duties prefetched."""
    kinds = SupportKind.choices
    header = [
        _("序号"),
        _("事项编码"),
        _("事项名称"),
        _("监管部门"),
        _("审批局职责"),
        _("监管部门职责"),
        _("衔接机制"),
    ]
    header += [_("{kind}（时限）").format(kind=label) for _value, label in kinds]
    book = Workbook()
    sheet = cast(Worksheet, book.active)  # a new workbook's one sheet
    sheet.title = _("职责边界清单")
    _title(sheet, _("{region}审管职责边界清单").format(region=region.name), len(header))
    for c, text in enumerate(header, start=1):
        put(sheet, 2, c, text)
    _style_header(sheet, range(2, 3), len(header))
    for r, row in enumerate(rows, start=3):
        duties = {d.kind: d for d in row.support_duties.all()}
        values = [
            r - 2,
            row.item.basic_code,
            vars(row)["item_name"],  # set by the page (`interface.rows.shown_with`)
            str(row.supervising_department),
            row.bureau_duties,
            row.department_duties,
            row.coordination,
        ]
        for kind, _label in kinds:
            duty = duties.get(kind)
            values.append(
                _("{text}（{days}个工作日）").format(text=duty.description, days=duty.limit_days)
                if duty
                else ""
            )
        for c, value in enumerate(values, start=1):
            put(sheet, r, c, value).alignment = WRAP
    _style_body(sheet, range(3, 3 + len(rows)), len(header))
    _widths(sheet, [6, 22, 30, 18, 40, 40, 30] + [28] * len(kinds))
    sheet.freeze_panes = "A3"
    return _to_bytes(book)
