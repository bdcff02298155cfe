"""Import of a catalogue list: an xlsx "in the shape of a county list" (one row per handling
item, Chinese headers, domain.md §2) or the Guang'an portal csv shipped in `data/`.

The layout of the sheet is defined once, in `COLUMNS`, and `exporting.py` writes with the
same list, so a file exported and imported again changes nothing.

How an import runs (`catalogue.actions.import_catalogue`):
1. The file becomes a `Sheet`: rows of header → cell, whatever its format (xlsx or csv).
2. Every row is parsed and checked; rows are grouped by 基本编码 into items.
3. Inside one transaction the items are compared with each item's LATEST version (draft or
   published) — a row equal to the version in force on the import's date (`publish_on`, else
   today) is unchanged even when a later version is scheduled or drafted. Every problem found in steps 1–3 is collected; if there is any, nothing is
   written and `ImportRejected` carries them all (row as the spreadsheet shows it, column,
   message).
4. Otherwise the changes are written by `catalogue.actions.import_catalogue`: new items in
   bulk (with the audit rows `create_item` would record), changed items through the
   catalogue's actions (a published item gets a new draft by `start_adjustment`, kind
   "批量导入"; a draft is edited in place), and, with `publish_on`, every created or changed
   draft is published through `publish` (its rules, its audit row); one it refuses is reported.

The modules: `columns` (the layout, the problems, the `Sheet`), `readers` (xlsx, and the
choice of reader), `national_csv` (the national platform's csv), `plan` (parsing, checking
and comparing: reads only).

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
