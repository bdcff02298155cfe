"""Ningxia's county-level guidance catalogue (指导目录, seed 002) for the demo.

DEMO DATA: the real autonomous-region list is not reproduced here. The demo guidance list
holds every licensing item Pingluo transferred (same basic codes, so they match) plus six
real licensing items that Pingluo's list lacks (names from the Guang'an csv). Two of those
six are powers Pingluo does not have and get a "no such power" exemption; the other four are
the gaps `guidance_gaps` shows.
"""

import datetime
from dataclasses import dataclass

NAME = "宁夏回族自治区县级行政许可事项指导目录"
EFFECTIVE = datetime.date(2021, 1, 1)
COMPLAINT_PHONE = "12345"  # the autonomous region's government-service hotline


@dataclass(frozen=True)
class GuidanceRow:
    basic_code: str  # 64-90-nnn: guidance-only items, no Pingluo department code
    name: str
    legal_basis: str
    statutory: int = 20
    no_such_power: str = ""  # the reason Pingluo declares, when it has no such power


MISSING_FROM_PINGLUO = [
    GuidanceRow("64-90-001", "校车使用许可", "《校车安全管理条例》"),
    GuidanceRow("64-90-002", "烟花爆竹经营（零售）许可证核发", "《烟花爆竹安全管理条例》"),
    GuidanceRow("64-90-003", "医疗机构执业登记（人体器官移植除外）", "《医疗机构管理条例》"),
    GuidanceRow("64-90-004", "护士执业注册", "《护士条例》"),
    GuidanceRow(
        "64-90-005",
        "港口内进行危险货物的装卸、过驳作业许可",
        "《中华人民共和国港口法》；《港口危险货物安全管理规定》",
        no_such_power="本县未设港口行政管理部门，辖区内无港口及港口危险货物作业区",
    ),
    GuidanceRow(
        "64-90-006",
        "蚕种生产、经营许可证核发",
        "《中华人民共和国畜牧法》；《蚕种管理办法》",
        no_such_power="本县不属于蚕桑生产区域，无蚕种生产经营单位，不承担该项审批",
    ),
]
