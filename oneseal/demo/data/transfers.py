"""DEMO DATA for the running of the reform in 平罗县: the heads who sign each department's
transfer agreement, the approval staff each department had, who moved, the hand-over lists and
the quotas. Names and figures are invented, in the proportions of seeds 000, 001 and 004."""

import datetime

from .organisation import DEPARTMENTS

SIGNED_ON = datetime.date(2021, 3, 26)  # the agreements signed the Friday before the transfer
STAFF_MOVED_ON = datetime.date(2021, 3, 15)
TRAINING_DAYS = (datetime.date(2021, 3, 16), datetime.date(2021, 3, 23))
CLEARED_ON = datetime.date(2021, 3, 31)

# Seed 001 二(一) in the county's own figures: the bureau's 行政编制, its centre's 事业编制 and
# the posts bought from a service company for the one-window front office (seed 000 三(二)).
QUOTAS = [
    ("bureau", "administrative", 20, "平罗县委编委〔2021〕3号（演示）"),
    ("centre", "institution", 40, "平罗县委编委〔2021〕3号（演示）"),
    ("centre", "purchased", 15, "政府购买服务合同（演示）"),
]

# department short name → (head's username, head, title, approval staff before, staff moved
# as (username, name, quota body, quota kind))
PEOPLE = {
    "县发改局": (
        "head01",
        "杨立军",
        "县发改局副局长",
        4,
        [
            ("moved0101", "李向东", "bureau", "administrative"),
            ("moved0102", "王佳", "bureau", "administrative"),
        ],
    ),
    "自然资源局": (
        "head02",
        "田永福",
        "自然资源局副局长",
        5,
        [
            ("moved0201", "马国庆", "centre", "institution"),
            ("moved0202", "冯丽", "centre", "institution"),
        ],
    ),
    "住建局": (
        "head03",
        "吴海军",
        "住建局副局长",
        8,
        [
            ("moved0301", "张建平", "centre", "institution"),
            ("moved0302", "丁娟", "centre", "institution"),
            ("moved0303", "马腾", "bureau", "administrative"),
        ],
    ),
    "生态环境平罗分局": (
        "head04",
        "苏红梅",
        "平罗分局副局长",
        2,
        [("moved0401", "何静", "bureau", "administrative")],
    ),
    "水务局": (
        "head05",
        "纳成",
        "水务局副局长",
        3,
        [("moved0501", "沙志刚", "bureau", "administrative")],
    ),
    "市场监管局": (
        "head06",
        "周建国",
        "市场监管局副局长",
        12,
        [
            ("moved0601", "马小兰", "bureau", "administrative"),
            ("moved0602", "杨静", "bureau", "administrative"),
            ("moved0603", "罗浩", "bureau", "administrative"),
            ("moved0604", "韩梅", "bureau", "administrative"),
            ("moved0605", "金鹏", "bureau", "administrative"),
        ],
    ),
    "民政局": (
        "head07",
        "郭秀英",
        "民政局副局长",
        4,
        [("moved0701", "白雪", "bureau", "administrative")],
    ),
    "人社局": (
        "head08",
        "赵学文",
        "人社局副局长",
        4,
        [
            ("moved0801", "刘宁", "bureau", "administrative"),
            ("moved0802", "马晓东", "bureau", "administrative"),
        ],
    ),
    "教体局": (
        "head09",
        "李春燕",
        "教体局副局长",
        2,
        [("moved0901", "陈曦", "bureau", "administrative")],
    ),
    "卫健局": (
        "head10",
        "王志强",
        "卫健局副局长",
        3,
        [("moved1001", "虎艳", "bureau", "administrative")],
    ),
    "交通局": (
        "head11",
        "孙宏伟",
        "交通局副局长",
        6,
        [
            ("moved1101", "高飞", "centre", "institution"),
            ("moved1102", "田甜", "centre", "institution"),
        ],
    ),
    "文广局": (
        "head12",
        "海燕",
        "文广局副局长",
        3,
        [("moved1201", "常乐", "bureau", "administrative")],
    ),
}

# The second batch: the meteorological office's lightning-protection item, stationed in the hall
# until the county moves it (the transition still running on the demo's today).
SECOND_BATCH = {
    "department": "平罗县气象局",
    "item": "雷电防护装置设计审核和竣工验收",
    "head": ("head17", "邵光明", "县气象局副局长"),
    "approval_staff": 2,
    "moved": ("moved1701", "宋雨桐", "bureau", "administrative"),
    "days_ago": 21,
}

BUREAU_DUTIES = (
    "自划转之日起集中行使所列事项的审批权，负责受理、审查、决定、证照制发和送达，对审批行为及后果"
    "承担法律责任，审批结果推送原审批部门。"
)
DEPARTMENT_DUTIES = (
    "不再行使所列事项的审批权，负责事中事后监管和行业规划、标准制定；对需要现场勘察、专家评审的"
    "事项提供技术支撑；收到涉及所列事项的上级文件及时转送审批局。"
)
TRANSITION_DUTIES = (
    "过渡期内到县审批服务管理局现场办公，指导办理原审批业务，协调解决划转初期出现的矛盾和问题，"
    "办理本部门的技术支撑请求。"
)


def handovers(short_name: str, items: int) -> list[dict]:
    """The hand-over list of a department: its licensing system accounts and keys, the
    dedicated computers, and the licence files (a few dozen volumes per item)."""
    return [
        {
            "kind": "system",
            "name": f"{short_name}行业审批系统账号及权限",
            "quantity": 2,
            "unit": "个",
        },
        {"kind": "equipment", "name": "专用电脑及数字证书密钥", "quantity": 1, "unit": "套"},
        {"kind": "archive", "name": "已办结许可案卷", "quantity": 30 * items + 12, "unit": "卷"},
        {"kind": "archive", "name": "制式证书、证照空白文本", "quantity": 5 * items, "unit": "本"},
    ]


def department_row(short_name: str):
    return next(row for row in DEPARTMENTS if row.short_name == short_name)
