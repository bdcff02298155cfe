"""Export of a catalogue as an xlsx in the shape of a county list: one row per handling item,
with the columns `importing.COLUMNS` defines, so that the file imports back unchanged."""

import datetime

from django.db.models import F, Prefetch
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from oneseal import spreadsheets

from .importing.columns import COLUMNS, SERIAL
from .importing.plan import bureau_name_of
from .models import Catalogue, HandlingItem
from .queries import listed_versions

SHEET_TITLE = "事项目录"


def export_versions(
    catalogue: Catalogue, *, include_drafts: bool = False, on: datetime.date | None = None
):
    """The versions an export lists, ordered by department (the bureau's own items first,
    then the departments in their order) and then by basic code; two queries."""
    return (
        listed_versions(catalogue, on=on, include_drafts=include_drafts)
        .select_related("item", "original_department", "topic")
        .prefetch_related(
            Prefetch("handling_items", queryset=HandlingItem.objects.order_by("order", "id"))
        )
        .order_by(
            F("original_department__order").asc(nulls_first=True),
            "original_department__name",
            "item__basic_code",
        )
    )


def export_catalogue(
    catalogue: Catalogue, *, include_drafts: bool = False, on: datetime.date | None = None
) -> bytes:
    """The catalogue's list as xlsx bytes: the versions in force on `on` (today by default),
    or with `include_drafts` the newest version of every item. Cancelled items are left out."""
    bureau_name = bureau_name_of(catalogue)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in COLUMNS:
        cell = spreadsheets.cell(sheet, column.header)
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.append(cell)
    sheet.append(header)
    serial = 0
    for version in export_versions(catalogue, include_drafts=include_drafts, on=on):
        for hi in version.handling_items.all():
            serial += 1
            spreadsheets.append(
                sheet,
                [
                    serial if c.level == SERIAL else c.cell(version, hi, bureau_name=bureau_name)
                    for c in COLUMNS
                ],
            )
    return spreadsheets.to_bytes(workbook)
