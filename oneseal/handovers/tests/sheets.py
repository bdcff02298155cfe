"""A department's register as the hand-over tests write it."""

import io

from openpyxl import Workbook

from oneseal.handovers.importing import HEADERS

CODE = "640221-XK-001-01"  # the handling_item fixture's 食品经营许可（新办）
SWITCH = "2025-10-09"  # the first working day after the 2025 National Day holiday (10-1 … 10-8)


def register(*rows, headers=HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["平罗县市场监督管理局在办件台账"])  # a title row above the header
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(h, "") for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row(**cells) -> dict:
    base = {
        "原办件编号": "SJ2025-0901",
        "申请人": "平罗县𠮷祥餐饮有限公司",
        "证件号码": "91350100M000100Y43",
        "联系电话": "0952-6012345",
        "办理项编码": CODE,
        "事项名称": "食品经营许可（新办）",
        "收件日期": "2025-09-26",
        "受理日期": "",
        "办理状态": "已收件",
        "移交材料": "食品经营许可申请书×2；食品安全管理制度×1",
        "未办结说明": "",
    }
    base.update(cells)
    return base
