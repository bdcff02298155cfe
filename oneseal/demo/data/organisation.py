"""The Pingluo approval bureau, its sections, township centres, departments and demo accounts.

The bureau's name and the twelve departments are those of the Pingluo plan (seed 000). Phone
numbers, addresses and people are DEMO DATA.
"""

from dataclasses import dataclass

from .applicants import credit_code

COUNTY_CODE = "640221"  # 平罗县
CITY_CODE = "640200"  # 石嘴山市
PROVINCE_CODE = "640000"  # 宁夏回族自治区

HALL = "平罗县政务服务中心"
HALL_ADDRESS = "宁夏回族自治区石嘴山市平罗县城关镇"  # demo address
ENQUIRY_PHONE = "0952-6012345"  # demo number
COMPLAINT_PHONE = "0952-12345"  # the county's 12345 government-service hotline (demo form)
OFFICE_HOURS = "法定工作日 上午9:00—12:00，下午13:30—17:30（可预约延时、错时服务）"

# A 机关 (authority 1, type 1) of the county: DEMO DATA. Given when the bureau is created, so
# every licence the demo issues gets its e-licence (the 证照标识 carries the issuer's code).
BUREAU_CREDIT_CODE = credit_code("11", "MB0A0001", COUNTY_CODE)

BUREAU = {
    "name": "平罗县审批服务管理局",
    "credit_code": BUREAU_CREDIT_CODE,
    "address": f"{HALL_ADDRESS}{HALL}",
    "phone": ENQUIRY_PHONE,
    "complaint_phone": COMPLAINT_PHONE,
}

# The front office accepts everything (一窗受理); back-office sections review by domain.
ACCEPTANCE_SECTION = "综合受理科"
SECTIONS = [
    ACCEPTANCE_SECTION,
    "投资建设审批科",
    "市场准入审批科",
    "社会事务审批科",
    "交通文旅审批科",
]

# Township service centres that take cases under delegation (seed 001), by township code.
SERVICE_CENTRES = {
    "640221100": "平罗县城关镇便民服务中心",
    "640221101": "平罗县黄渠桥镇便民服务中心",
    "640221102": "平罗县宝丰镇便民服务中心",
    "640221104": "平罗县姚伏镇便民服务中心",
    "640221106": "平罗县陶乐镇便民服务中心",
}


@dataclass(frozen=True)
class DepartmentRow:
    code: str  # the department number used in basic codes: 64-<code>-<nnn>
    name: str
    short_name: str
    section: str | None  # the bureau section that reviews its transferred items
    topic: str  # the default public topic of its items
    phone: str


# The twelve departments of the plan in its order (seed 000 三(一)), then departments whose
# items stay with them (stationed in the hall or retained), in the spirit of seed 001.
DEPARTMENTS = [
    DepartmentRow(
        "01", "平罗县发展和改革局", "县发改局", "投资建设审批科", "工程建设", "0952-6011201"
    ),
    DepartmentRow(
        "02", "平罗县自然资源局", "自然资源局", "投资建设审批科", "工程建设", "0952-6011202"
    ),
    DepartmentRow(
        "03", "平罗县住房和城乡建设局", "住建局", "投资建设审批科", "工程建设", "0952-6011203"
    ),
    DepartmentRow(
        "04",
        "石嘴山市生态环境局平罗分局",
        "生态环境平罗分局",
        "投资建设审批科",
        "工程建设",
        "0952-6011204",
    ),
    DepartmentRow("05", "平罗县水务局", "水务局", "投资建设审批科", "农业水利", "0952-6011205"),
    DepartmentRow(
        "06", "平罗县市场监督管理局", "市场监管局", "市场准入审批科", "市场准入", "0952-6011206"
    ),
    DepartmentRow("07", "平罗县民政局", "民政局", "社会事务审批科", "社会事务", "0952-6011207"),
    DepartmentRow(
        "08", "平罗县人力资源和社会保障局", "人社局", "社会事务审批科", "劳动就业", "0952-6011208"
    ),
    DepartmentRow("09", "平罗县教育体育局", "教体局", "社会事务审批科", "教育卫生", "0952-6011209"),
    DepartmentRow("10", "平罗县卫生健康局", "卫健局", "社会事务审批科", "教育卫生", "0952-6011210"),
    DepartmentRow("11", "平罗县交通运输局", "交通局", "交通文旅审批科", "交通运输", "0952-6011211"),
    DepartmentRow(
        "12", "平罗县文化旅游广电局", "文广局", "交通文旅审批科", "文化旅游", "0952-6011212"
    ),
    DepartmentRow("13", "平罗县公安局", "公安局", None, "社会事务", "0952-6011213"),
    DepartmentRow("14", "国家税务总局平罗县税务局", "税务局", None, "市场准入", "0952-6011214"),
    DepartmentRow("15", "平罗县烟草专卖局", "烟草专卖局", None, "市场准入", "0952-6011215"),
    DepartmentRow("16", "平罗县消防救援大队", "消防救援大队", None, "市场准入", "0952-6011216"),
    DepartmentRow("17", "平罗县气象局", "气象局", None, "工程建设", "0952-6011217"),
    DepartmentRow("18", "平罗县医疗保障局", "医保局", None, "教育卫生", "0952-6011218"),
]

TOPICS = [
    "市场准入",
    "工程建设",
    "社会事务",
    "交通运输",
    "文化旅游",
    "农业水利",
    "劳动就业",
    "教育卫生",
]


DEMO_PASSWORD = "oneseal-demo"  # shared by every demo account; printed by `oneseal load-demo`
SUPERUSER = "superuser"  # the role column of the superuser row (not an organisation Role)


@dataclass(frozen=True)
class AccountRow:
    username: str
    role: str  # an organisation.models.Role value, or SUPERUSER
    display_name: str
    region_code: str
    in_bureau: bool = False
    section: str | None = None
    department: str | None = None  # full department name
    title: str = ""


# DEMO DATA: invented people, one per role, plus the installation's superuser. The window has
# two clerks, and each back-office section one reviewer (the market section two): a review step
# is worked only by a reviewer of its own section, and a site inspection needs two or more staff
# (《行政许可法》第三十四条第三款).
ACCOUNTS = [
    AccountRow("admin", SUPERUSER, "系统管理员", PROVINCE_CODE, title="系统管理员"),
    AccountRow(
        "clerk",
        "clerk",
        "王晓燕",
        COUNTY_CODE,
        True,
        ACCEPTANCE_SECTION,
        title="综合受理窗口工作人员",
    ),
    AccountRow(
        "clerk2",
        "clerk",
        "马晓梅",
        COUNTY_CODE,
        True,
        ACCEPTANCE_SECTION,
        title="综合受理窗口工作人员",
    ),
    AccountRow(
        "reviewer",
        "reviewer",
        "马建军",
        COUNTY_CODE,
        True,
        "市场准入审批科",
        title="市场准入审批科科长",
    ),
    AccountRow(
        "reviewer2",
        "reviewer",
        "杨占林",
        COUNTY_CODE,
        True,
        "市场准入审批科",
        title="市场准入审批科审查员",
    ),
    AccountRow(
        "reviewer_build",
        "reviewer",
        "丁建华",
        COUNTY_CODE,
        True,
        "投资建设审批科",
        title="投资建设审批科科长",
    ),
    AccountRow(
        "reviewer_social",
        "reviewer",
        "海丽娟",
        COUNTY_CODE,
        True,
        "社会事务审批科",
        title="社会事务审批科科长",
    ),
    AccountRow(
        "reviewer_culture",
        "reviewer",
        "白振宇",
        COUNTY_CODE,
        True,
        "交通文旅审批科",
        title="交通文旅审批科科长",
    ),
    AccountRow("signatory", "signatory", "李志刚", COUNTY_CODE, True, title="分管副局长"),
    AccountRow(
        "supervisor",
        "supervisor",
        "张丽",
        COUNTY_CODE,
        department="平罗县市场监督管理局",
        title="市场监管局食品安全监管股股长",
    ),
    AccountRow(
        "catadmin",
        "catalogue_admin",
        "杨帆",
        COUNTY_CODE,
        True,
        ACCEPTANCE_SECTION,
        title="事项目录管理员",
    ),
    AccountRow(
        "orgadmin", "administrator", "韩立新", COUNTY_CODE, True, title="办公室（机构与人员管理）"
    ),
    AccountRow("overseer", "overseer", "刘文华", COUNTY_CODE, title="县改革办（纪委监委派驻监督）"),
    AccountRow(
        "city_overseer", "overseer", "周海涛", CITY_CODE, title="石嘴山市审批服务管理局督查人员"
    ),
]
