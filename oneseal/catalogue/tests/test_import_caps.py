"""The importer's caps (issue 12, finding 6): a zip bomb, too many rows or columns and an
oversized cell are refused quickly with a message naming the cap; nothing is parsed first."""

import copy
import io
import time
import zipfile

from openpyxl import Workbook

from oneseal.catalogue.importing.columns import HEADERS
from oneseal.catalogue.importing.readers import read_rows


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def bomb() -> bytes:
    """A real xlsx plus 250 directory entries over one compressed 5.2 MB kernel: about 52 KB on
    disk, 1.3 GB unpacked (the overlapping-entry construction of a non-recursive zip bomb)."""
    good = zipfile.ZipFile(io.BytesIO(xlsx([list(HEADERS)])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for info in good.infolist():
            z.writestr(info.filename, good.read(info))
        z.writestr("xl/media/kernel.bin", b"\0" * 5_200_000)
        kernel = z.getinfo("xl/media/kernel.bin")
        for n in range(250):
            copied = copy.copy(kernel)
            copied.filename = copied.orig_filename = f"xl/media/image{n}.bin"
            z.filelist.append(copied)  # written to the central directory on close
    return out.getvalue()


def test_a_zip_bomb_is_refused_in_well_under_a_second_naming_the_unpacked_size():
    data = bomb()
    unpacked = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert len(data) < 60_000 and unpacked > 1_300_000_000
    started = time.perf_counter()
    sheet = read_rows(data, name="bomb.xlsx")
    assert time.perf_counter() - started < 0.5
    [problem] = sheet.problems
    assert (
        "解压后为 1244 MB" in problem.message
        and "超过上限 50 MB" in problem.message
        and "压缩炸弹" in problem.message
    )
    assert sheet.rows == []


def test_too_many_entries_are_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for n in range(2001):
            z.writestr(f"x/{n}", b"")
    [problem] = read_rows(out.getvalue()).problems
    assert "2001 个压缩条目" in problem.message


def test_rows_columns_and_cell_size_are_capped(settings):
    settings.ONESEAL_IMPORT_MAX_ROWS = 5
    settings.ONESEAL_IMPORT_MAX_COLUMNS = len(HEADERS) + 2
    settings.ONESEAL_IMPORT_MAX_CELL_CHARS = 100
    header = list(HEADERS)
    row = ["x"] * len(HEADERS)
    assert "行数超过上限 5 行" in read_rows(xlsx([header] + [row] * 5)).problems[0].message
    assert not any("上限" in p.message for p in read_rows(xlsx([header] + [row] * 4)).problems)
    wide = read_rows(xlsx([header, row + [None, None, "多出的列"]])).problems
    assert wide[0].message == f"列数超过上限 {len(HEADERS) + 2} 列" and wide[0].row == 2
    [long] = read_rows(xlsx([header, ["y" * 101] + row[1:]])).problems
    assert (long.row, long.column) == (2, "A") and "101 个字符，超过上限 100 个" in long.message


def test_a_csv_is_capped_too(settings):
    settings.ONESEAL_IMPORT_MAX_ROWS = 3
    head = "department,main_item,name,itemCode,taskType\n"
    line = "某局,未分类,某事项,1,1\n"
    [problem] = read_rows((head + line * 4).encode(), name="a.csv").problems
    assert "行数超过上限 3 行" in problem.message
    long = (head + "某局,未分类," + "长" * 40_000 + ",1,1\n").encode()
    [problem] = read_rows(long, name="b.csv").problems
    assert (problem.row, problem.column) == (
        2,
        "name",
    ) and "40000 个字符，超过上限 32767 个" in problem.message
    huge = (
        head + "某局,未分类," + "长" * 200_000 + ",1,1\n"
    ).encode()  # beyond the csv module's own limit
    assert read_rows(huge, name="c.csv").problems[0].message.startswith("csv 文件格式有误")
