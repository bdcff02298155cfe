"""The demo county's applicants: people and organisations of Pingluo who have cases at the bureau.

DEMO DATA: every name, phone number and address is invented. The numbers are built the way the
real ones are, so that they pass the checks of `oneseal.applicants.rules`:
- 居民身份证号码 (GB 11643-1999): the address code where the person was first registered
  (mostly 640221 平罗县; some 640202 大武口区, 640205 惠农区, 640104 兴庆区), the birth date, a
  sequence number (odd for men, even for women) and the check character;
- 统一社会信用代码 (GB 32100-2015): the registering authority and type (91 enterprise, 92
  individual business, 93 farmers' cooperative, 51 social organisation), the county's region
  code, a nine-character organisation code (GB 11714-1997: eight characters and their own check
  character; "MA…" is the form given since 2015, an all-digit code is an older organisation's)
  and the check character.
"""

from dataclasses import dataclass

from oneseal.applicants.rules import CREDIT_ALPHABET, credit_check_char, id_check_char

COUNTY = "640221"

# GB 11714-1997: weights of the eight characters of an organisation code, check mod 11.
ORGANISATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def id_number(region: str, born: str, sequence: str) -> str:
    """A 居民身份证号码 from its address code, birth date (YYYYMMDD) and three-digit sequence."""
    first17 = f"{region}{born}{sequence}"
    return first17 + id_check_char(first17)


def organisation_code(body: str) -> str:
    """The nine-character organisation code: eight characters and their GB 11714 check
    character (11 − Σ value × weight mod 11; 10 is X, 11 is 0; a letter's value is 10 for A on)."""
    if len(body) != 8 or any(c not in CREDIT_ALPHABET for c in body):
        raise ValueError(
            f"organisation code body {body!r}: eight characters of the credit-code alphabet"
        )
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w
        for c, w in zip(body, ORGANISATION_CODE_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def credit_code(kind: str, body: str, region: str = COUNTY) -> str:
    """A 统一社会信用代码: authority and type (two characters), region code, organisation code,
    check character."""
    first17 = f"{kind}{region}{organisation_code(body)}"
    return first17 + credit_check_char(first17)


@dataclass(frozen=True)
class PersonRow:
    key: str  # how `demo/cases.py` names the applicant
    name: str
    region: str
    born: str
    sequence: str
    phone: str
    address: str

    @property
    def number(self) -> str:
        return id_number(self.region, self.born, self.sequence)


@dataclass(frozen=True)
class OrganisationRow:
    key: str
    name: str
    kind: str  # the first two characters of the credit code
    body: str  # the eight characters of the organisation code before its check character
    representative: str
    phone: str
    address: str

    @property
    def number(self) -> str:
        return credit_code(self.kind, self.body)


PEOPLE = [
    PersonRow(
        "zhang_shan", "张珊", COUNTY, "19960518", "042", "13995210418", "平罗县城关镇鼓楼南街17号"
    ),
    # A name with a character outside the Basic Multilingual Plane (𠮷, U+20BB7).
    PersonRow(
        "na_jiying",
        "纳𠮷英",
        COUNTY,
        "19880923",
        "026",
        "13709524867",
        "平罗县黄渠桥镇黄渠桥村三队",
    ),
    PersonRow(
        "ma_wenke", "马文科", COUNTY, "19750306", "013", "13895236071", "平罗县姚伏镇姚伏村五队"
    ),
    PersonRow(
        "ding_haijun",
        "丁海军",
        "640202",
        "19810711",
        "057",
        "15109521932",
        "平罗县城关镇南大街39号",
    ),
    PersonRow(
        "yang_xiumei",
        "杨秀梅",
        COUNTY,
        "19900127",
        "084",
        "18209527716",
        "平罗县城关镇团结西路52号",
    ),
    PersonRow(
        "bai_yongfu", "白永福", COUNTY, "19670902", "031", "13639524428", "平罗县陶乐镇马兰滩村二队"
    ),
    PersonRow(
        "wang_lei", "王磊", COUNTY, "19930415", "015", "17795230915", "平罗县城关镇唐徕东路8号"
    ),
    PersonRow(
        "ma_zhiqiang", "马志强", COUNTY, "19620214", "019", "13309523318", "平罗县城关镇鼓楼北街5号"
    ),
    PersonRow(
        "ding_xiulan", "丁秀兰", COUNTY, "19700612", "046", "13519528834", "平罗县城关镇永丰路21号"
    ),
    PersonRow(
        "hai_yan", "海燕", "640205", "19970304", "028", "18695213307", "平罗县城关镇文化南路11号"
    ),
    # 平罗县沙湖人家餐饮有限公司's legal representative, who applies online for the company.
    PersonRow(
        "ma_yulan", "马玉兰", COUNTY, "19820315", "002", "13995210001", "平罗县城关镇沙湖大道88号"
    ),
]

ORGANISATIONS = [
    OrganisationRow(
        "shahu_renjia",
        "平罗县沙湖人家餐饮有限公司",
        "91",
        "MA75Y3L8",
        "马玉兰",
        "0952-6021835",
        "平罗县城关镇沙湖大道88号",
    ),
    OrganisationRow(
        "xinyuan",
        "平罗县鑫源清真餐饮有限公司",
        "91",
        "MA76B2K1",
        "丁学军",
        "0952-6023417",
        "平罗县城关镇鼓楼东街126号",
    ),
    OrganisationRow(
        "lao_ma_noodles",
        "平罗县城关镇老马家牛肉面馆",
        "92",
        "MA77C4D9",
        "马福林",
        "13895230472",
        "平罗县城关镇南大街17号",
    ),
    OrganisationRow(
        "fushun_market",
        "平罗县宝丰镇福顺超市",
        "92",
        "MA75P8R3",
        "杨福顺",
        "13709529985",
        "平罗县宝丰镇宝丰街43号",
    ),
    OrganisationRow(
        "jinshawan",
        "宁夏平罗县金沙湾商贸有限公司",
        "91",
        "MA761K2D",
        "李金花",
        "0952-6018826",
        "平罗县城关镇沙湖大道206号",
    ),
    OrganisationRow(
        "huimin_store",
        "平罗县姚伏镇惠民便利店",
        "92",
        "MA77DW4R",
        "纳志刚",
        "15009523361",
        "平罗县姚伏镇姚伏街12号",
    ),
    OrganisationRow(
        "yaofu_restaurant",
        "平罗县姚伏镇马家清真饭庄",
        "92",
        "MA77F5G2",
        "马学礼",
        "13995217760",
        "平罗县姚伏镇109国道东侧",
    ),
    OrganisationRow(
        "huangqu_lamb",
        "平罗县黄渠桥镇老杨家羊羔肉馆",
        "92",
        "MA75N4P6",
        "杨建民",
        "13639526613",
        "平罗县黄渠桥镇黄渠桥街66号",
    ),
    OrganisationRow(
        "saishang_grain",
        "宁夏塞上粮油食品有限公司",
        "91",
        "22768437",
        "王德明",
        "0952-6035512",
        "平罗县太沙工业园区纬二路9号",
    ),
    OrganisationRow(
        "xinghaihu_ktv",
        "平罗县星海湖歌舞娱乐有限公司",
        "91",
        "MA76H5N2",
        "白晓东",
        "0952-6027730",
        "平罗县城关镇星海湖路16号二层",
    ),
    OrganisationRow(
        "jinse_nianhua",
        "平罗县金色年华娱乐有限公司",
        "91",
        "MA75T9Q6",
        "刘建平",
        "0952-6029945",
        "平罗县城关镇团结东路77号",
    ),
    OrganisationRow(
        "shahu_zhiye",
        "宁夏沙湖置业有限公司",
        "91",
        "MA75K3M7",
        "张国强",
        "0952-6016688",
        "平罗县城关镇沙湖大道198号",
    ),
    OrganisationRow(
        "chengxiang",
        "平罗县城乡建设开发有限公司",
        "91",
        "71065932",
        "丁卫东",
        "0952-6012266",
        "平罗县城关镇鼓楼西街2号",
    ),
    OrganisationRow(
        "park_development",
        "平罗县工业园区开发建设有限公司",
        "91",
        "MA76D8E3",
        "何振华",
        "0952-6051108",
        "平罗县太沙工业园区管委会办公楼",
    ),
    OrganisationRow(
        "hengda_logistics",
        "平罗县恒达物流有限公司",
        "91",
        "MA76E8F4",
        "马宏伟",
        "0952-6032271",
        "平罗县城关镇109国道西侧物流园",
    ),
    OrganisationRow(
        "hongda_transport",
        "平罗县宏达运输有限公司",
        "91",
        "MA75U1W3",
        "丁宏达",
        "0952-6032590",
        "平罗县城关镇物流园区B区7号",
    ),
    OrganisationRow(
        "shuntong_taxi",
        "平罗县顺通出租汽车有限公司",
        "91",
        "22769384",
        "杨顺",
        "0952-6019913",
        "平罗县城关镇南环路38号",
    ),
    OrganisationRow(
        "tongda_taxi",
        "平罗县通达出租汽车服务有限公司",
        "91",
        "MA76L7P5",
        "李通",
        "0952-6019287",
        "平罗县城关镇北环路12号",
    ),
    OrganisationRow(
        "shahu_hotel",
        "平罗县沙湖宾馆有限公司",
        "91",
        "22767651",
        "王丽",
        "0952-6011808",
        "平罗县城关镇鼓楼南街1号",
    ),
    OrganisationRow(
        "jinhua_hotel",
        "平罗县锦华酒店有限公司",
        "91",
        "MA75X2Y8",
        "赵锦华",
        "0952-6026618",
        "平罗县城关镇沙湖大道56号",
    ),
    OrganisationRow(
        "dingsheng_hr",
        "平罗县鼎盛人力资源服务有限公司",
        "91",
        "MA77A3B6",
        "马鼎",
        "0952-6028806",
        "平罗县城关镇唐徕西路19号",
    ),
    OrganisationRow(
        "zhongcheng_dispatch",
        "宁夏众诚劳务派遣有限公司",
        "91",
        "MA76R4T1",
        "海成",
        "0952-6028135",
        "平罗县城关镇唐徕西路31号",
    ),
    OrganisationRow(
        "qingquan_swim",
        "平罗县清泉游泳健身有限公司",
        "91",
        "MA75G6H8",
        "丁清泉",
        "0952-6024471",
        "平罗县城关镇文化北路88号",
    ),
    OrganisationRow(
        "bishuiwan_swim",
        "平罗县碧水湾游泳馆",
        "92",
        "MA77J2K5",
        "杨碧",
        "13909526602",
        "平罗县城关镇永丰路108号",
    ),
    OrganisationRow(
        "qihang_education",
        "平罗县启航教育咨询有限公司",
        "91",
        "MA76M9N3",
        "海启航",
        "0952-6037719",
        "平罗县城关镇文化南路45号",
    ),
    OrganisationRow(
        "shuxiang",
        "平罗县书香文化用品有限公司",
        "91",
        "MA75Q1R4",
        "李书香",
        "0952-6022204",
        "平罗县城关镇鼓楼北街28号",
    ),
    OrganisationRow(
        "fengyuan_agri",
        "宁夏平罗县丰源农业开发有限公司",
        "91",
        "MA76T5U7",
        "白丰源",
        "0952-6041150",
        "平罗县头闸镇西永惠村",
    ),
    OrganisationRow(
        "baofeng_recycling",
        "宁夏宝丰再生资源利用有限公司",
        "91",
        "MA75W8X2",
        "纳宝丰",
        "0952-6056632",
        "平罗县太沙工业园区经三路15号",
    ),
    OrganisationRow(
        "xingchen_chemical",
        "宁夏星辰精细化工有限公司",
        "91",
        "MA77K6L9",
        "何星辰",
        "0952-6057741",
        "平罗县太沙工业园区纬四路22号",
    ),
    OrganisationRow(
        "ecommerce_centre",
        "平罗县网商孵化中心有限公司",
        "91",
        "MA76C3D7",
        "杨帆远",
        "0952-6038820",
        "平罗县城关镇电子商务产业园3号楼",
    ),
]


@dataclass(frozen=True)
class AgentRow:
    """Someone who files for an applicant (代办人); not an applicant, so only the number."""

    key: str
    name: str
    region: str
    born: str
    sequence: str
    phone: str

    @property
    def number(self) -> str:
        return id_number(self.region, self.born, self.sequence)


AGENTS = [
    AgentRow("li_jianguo", "李建国", COUNTY, "19800815", "113", "13895216630"),
    AgentRow("ma_li", "马丽", COUNTY, "19950709", "062", "18795214408"),
]


@dataclass(frozen=True)
class ApplicantAccountRow:
    """An online-service account (网上办事账号) of an applicant; the password is the demo's."""

    username: str
    display_name: str
    applicant: str  # the key of a PersonRow or OrganisationRow


APPLICANT_ACCOUNTS = [
    ApplicantAccountRow("zhangshan", "张珊", "zhang_shan"),
    # The company's legal representative's own account; she acts for the company under the
    # authorisation below.
    ApplicantAccountRow("shahurenjia", "马玉兰", "ma_yulan"),
]


@dataclass(frozen=True)
class AuthorisationRow:
    """An authorisation a window clerk records after checking the papers: the person (a
    PersonRow key) acts online for the organisation (an OrganisationRow key)."""

    person: str
    organisation: str
    capacity: str  # "representative" or "agent"
    papers: str


AUTHORISATIONS = [
    AuthorisationRow(
        "ma_yulan", "shahu_renjia", "representative", "营业执照副本、法定代表人居民身份证"
    ),
]
