"""Pingluo's catalogue as a reviewable table: department → items → handling items.

Counts follow the Pingluo plan (seed 000 三(一)): 12 departments, 100 items, 258 handling
items, per department exactly as the plan lists them. Items that stay with their department
(stationed in the hall, or retained) follow seed 001's categories.

Names. Every item and handling-item name is a name from the real Guang'an catalogue csv
(`oneseal/catalogue/data/guang_an_district_511602_service_items.csv`, columns main_item and
name), with two documented kinds of change:

1. Qualifiers dropped. A trailing bracketed qualifier of the Sichuan portal may be dropped —
   its exercise level ("（县级）", "（市级）", "（县级行使）") or a sub-category
   ("固定资产投资项目节能审查（企业技术改造项目除外）" → "固定资产投资项目节能审查"): Pingluo's
   own list states the level elsewhere.
2. Variants added. Where the csv has fewer handling items than Pingluo's count needs, a
   handling item may be `<csv name>（<suffix>）` with a suffix from `VARIANT_SUFFIXES` (the
   kinds of application the statutes provide: change, renewal, deregistration, reissue …), or
   `变更<particular>` / `<particular>` after a 变更 name, the particular being a registered
   item listed in `CHANGED_PARTICULARS` (real portals split a change of registration by the
   particular that changes).

`oneseal/demo/tests/test_demo.py` checks every name against these rules.

Codes. An item's basic code is province-wide, so that the guidance catalogue of Ningxia and
Pingluo's list share it: "64-<department code>-<nnn>". Pingluo's implementing code is
"640221-<department code>-<nnn>" and a handling item's code adds "-<nn>".
"""

from dataclasses import dataclass

# Item types (catalogue.models.ItemType values); the csv's taskType: 1 → licensing,
# 7 → confirmation, 9 → ruling, 10 → other power, 20 → public service.
LICENSING = "licensing"
CONFIRMATION = "confirmation"
RULING = "ruling"
OTHER_POWER = "other_power"
PUBLIC_SERVICE = "public_service"

PERSON = "person"
ORGANISATION = "organisation"
BOTH = "both"

TRANSFERRED = "transferred"
STATIONED = "stationed"
RETAINED = "retained"

VARIANT_SUFFIXES = {
    "新办",
    "变更",
    "延续",
    "延期",
    "注销",
    "补证",
    "告知承诺",  # commitment approval of the same licence (domain.md §5)
    "简易注销",  # simplified deregistration, 《优化营商环境条例》第三十三条
    "重新报批",  # 《环境影响评价法》第二十四条第一款
    "重新审查",  # 《固定资产投资项目节能审查办法》: a lapsed opinion is reviewed again
}
CHANGED_PARTICULARS = {
    "名称",
    "住所",
    "活动地域",
    "业务范围",
    "宗旨和业务范围",
    "法定代表人",
    "活动资金",
    "开办资金",
    "业务主管单位",
    "项目单位",
    "建设地点",
    "建设规模和内容",
    "年综合能源消费量",
}


@dataclass(frozen=True)
class ItemRow:
    name: str
    item_type: str
    handling_items: tuple[str, ...]
    legal_basis: str
    statutory: int | None = None  # working days; None: 20 for a licence, none otherwise
    promised: int | None = None  # None: half the statutory limit (seed 004), or 5
    instant: bool = False
    applicant: str = ORGANISATION
    result: str = ""
    validity: str = ""
    keywords: str = ""
    topic: str | None = None  # None: the department's topic


def item(name, item_type, handling_items, legal_basis, **kw) -> ItemRow:
    return ItemRow(name, item_type, tuple(handling_items), legal_basis, **kw)


ROAD = "《中华人民共和国道路运输条例》；《道路货物运输及站场管理规定》"
PASSENGER = "《中华人民共和国道路运输条例》；《道路旅客运输及客运站管理规定》"
TAXI = "《国务院对确需保留的行政审批项目设定行政许可的决定》（国务院令第412号）；《巡游出租汽车经营服务管理规定》"
RIDE_HAILING = "《国务院对确需保留的行政审批项目设定行政许可的决定》（国务院令第412号）；《网络预约出租汽车经营服务管理暂行办法》"
REGISTRATION = "《中华人民共和国市场主体登记管理条例》（国务院令第746号）"
SOCIAL_GROUPS = "《社会团体登记管理条例》"
PRIVATE_NON_ENTERPRISE = "《民办非企业单位登记管理暂行条例》"
EMPLOYMENT_FUNDS = "《中华人民共和国就业促进法》；《就业补助资金管理办法》（财社〔2017〕164号）"
ENTERTAINMENT = "《娱乐场所管理条例》第九条、第十一条；《娱乐场所管理办法》"
FOOD = "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）"
TOXIC_DRUGS = "《医疗用毒性药品管理办法》（国务院令第23号）第十条"
METROLOGY_AUTH = "《中华人民共和国计量法》第二十条；《计量授权管理办法》"


# ---- Transferred to the bureau (划转): department full name → items -----------------------

TRANSFERRED_ITEMS: dict[str, list[ItemRow]] = {
    # 县发改局: 3 items, 19 handling items
    "平罗县发展和改革局": [
        item(
            "企业投资项目备案",
            OTHER_POWER,
            [
                "企业投资项目备案",
                "企业投资项目备案（变更项目单位）",
                "企业投资项目备案（变更建设地点）",
                "企业投资项目备案（变更建设规模和内容）",
                "企业投资项目备案（注销）",
                "企业投资项目备案（技术改造）",
                "企业投资项目备案（技术改造）（变更）",
                "企业投资项目备案（技术改造）（注销）",
            ],
            "《企业投资项目核准和备案管理条例》（国务院令第673号）第三条、第十三条、第十四条；"
            "《企业投资项目核准和备案管理办法》（国家发展改革委令2017年第2号）",
            instant=True,
            result="企业投资项目备案证明",
            keywords="项目备案 投资备案 上项目 建厂",
        ),
        item(
            "固定资产投资项目节能审查",
            LICENSING,
            [
                "固定资产投资项目节能审查（企业技术改造项目除外）",
                "固定资产投资项目节能审查（企业技术改造项目除外）（变更建设规模和内容）",
                "固定资产投资项目节能审查（企业技术改造项目除外）（变更年综合能源消费量）",
                "固定资产投资项目节能审查（企业技术改造项目除外）（重新审查）",
                "固定资产投资项目节能审查（企业技术改造项目）",
                "固定资产投资项目节能审查（企业技术改造项目）（变更建设规模和内容）",
                "固定资产投资项目节能审查（企业技术改造项目）（变更年综合能源消费量）",
                "固定资产投资项目节能审查（企业技术改造项目）（重新审查）",
            ],
            "《中华人民共和国节约能源法》第十五条；《固定资产投资项目节能审查办法》（国家发展改革委令2023年第2号）",
            promised=7,
            result="节能审查意见",
            keywords="节能评估 能评 节能报告",
        ),
        item(
            "粮食收购资格备案",
            OTHER_POWER,
            [
                "粮食收购资格备案",
                "粮食收购资格备案（变更）",
                "粮食收购资格备案（注销）",
            ],
            "《粮食流通管理条例》第九条",
            instant=True,
            applicant=BOTH,
            keywords="收粮食 收玉米 收小麦 粮食收购",
        ),
    ],
    # 自然资源局: 8 items, 8 handling items
    "平罗县自然资源局": [
        item(
            "建设项目用地预审与选址意见书",
            LICENSING,
            ["建设项目用地预审与选址意见书"],
            "《中华人民共和国土地管理法》第五十二条；《中华人民共和国城乡规划法》第三十六条",
            result="建设项目用地预审与选址意见书",
            keywords="项目选址 用地预审",
        ),
        item(
            "建设工程（含临时建设）规划许可证核发",
            LICENSING,
            ["建设工程（含临时建设）规划许可证核发"],
            "《中华人民共和国城乡规划法》第四十条、第四十四条",
            result="建设工程规划许可证",
            keywords="规划许可 盖楼 建厂房 工程规划证",
        ),
        item(
            "乡村建设规划许可证核发",
            LICENSING,
            ["乡村建设规划许可证核发"],
            "《中华人民共和国城乡规划法》第四十一条",
            applicant=BOTH,
            result="乡村建设规划许可证",
            keywords="农村盖房 村里建房 乡村规划证",
        ),
        item(
            "临时用地审批",
            LICENSING,
            ["临时用地审批"],
            "《中华人民共和国土地管理法》第五十七条；《中华人民共和国土地管理法实施条例》",
            keywords="临时用地 施工占地",
        ),
        item(
            "乡（镇）村企业使用集体建设用地审批",
            LICENSING,
            ["乡（镇）村企业使用集体建设用地审批"],
            "《中华人民共和国土地管理法》第六十条",
        ),
        item(
            "乡（镇）村公共设施、公益事业使用集体建设用地审批",
            LICENSING,
            ["乡（镇）村公共设施、公益事业使用集体建设用地审批"],
            "《中华人民共和国土地管理法》第六十一条",
        ),
        item(
            "国有建设用地使用权出让后土地使用权分割转让批准",
            LICENSING,
            ["国有建设用地使用权出让后土地使用权分割转让批准"],
            "《中华人民共和国城镇国有土地使用权出让和转让暂行条例》第二十五条",
        ),
        item(
            "开发未确定使用权的国有荒山、荒地、荒滩从事生产审查",
            LICENSING,
            ["开发未确定使用权的国有荒山、荒地、荒滩从事生产审查"],
            "《中华人民共和国土地管理法》第四十一条",
            applicant=BOTH,
            keywords="开荒 承包荒地",
        ),
    ],
    # 住建局: 12 items, 27 handling items
    "平罗县住房和城乡建设局": [
        item(
            "建筑工程施工许可证核发",
            LICENSING,
            [
                "建筑工程施工许可证核发",
                "建筑工程施工许可证变更",
                "建筑工程施工许可证核发（延期）",
                "建筑工程施工许可证核发（补证）",
            ],
            "《中华人民共和国建筑法》第七条、第八条、第九条；《建筑工程施工许可管理办法》（住房和城乡建设部令第18号）",
            statutory=7,
            promised=3,
            result="建筑工程施工许可证",
            keywords="施工许可 开工 盖房子 工程开工",
        ),
        item(
            "燃气经营许可证核发",
            LICENSING,
            [
                "燃气经营许可证新办",
                "燃气经营许可证变更",
                "燃气经营许可证延续",
                "燃气经营许可证注销",
            ],
            "《城镇燃气管理条例》第十五条；《燃气经营许可管理办法》",
            promised=10,
            result="燃气经营许可证",
            keywords="卖液化气 开加气站 燃气公司",
        ),
        item(
            "商品房预售许可",
            LICENSING,
            ["商品房预售许可", "商品房预售许可（变更）"],
            "《中华人民共和国城市房地产管理法》第四十五条；《城市商品房预售管理办法》第六条、第七条",
            statutory=10,
            promised=5,
            result="商品房预售许可证",
            keywords="卖期房 预售证 楼盘预售",
        ),
        item(
            "城镇污水排入排水管网许可",
            LICENSING,
            [
                "城镇污水排入排水管网许可",
                "城镇污水排入排水管网许可（延续）",
                "城镇污水排入排水管网许可（变更）",
            ],
            "《城镇排水与污水处理条例》第二十一条；《城镇污水排入排水管网许可管理办法》（住房和城乡建设部令第21号）",
            promised=7,
            result="城镇污水排入排水管网许可证",
            validity="5年",
            keywords="排水许可 排污水 接管网",
        ),
        item(
            "特殊建设工程消防设计审查",
            LICENSING,
            ["特殊建设工程消防设计审查"],
            "《中华人民共和国消防法》第十一条；《建设工程消防设计审查验收管理暂行规定》（住房和城乡建设部令第51号）",
            statutory=15,
            promised=7,
            result="特殊建设工程消防设计审查意见书",
            keywords="消防审图 消防设计",
        ),
        item(
            "特殊建设工程消防验收",
            LICENSING,
            ["特殊建设工程消防验收"],
            "《中华人民共和国消防法》第十三条；《建设工程消防设计审查验收管理暂行规定》（住房和城乡建设部令第51号）",
            statutory=15,
            promised=7,
            result="特殊建设工程消防验收意见书",
            keywords="消防验收",
        ),
        item(
            "工程建设涉及城市绿地、树木审批",
            LICENSING,
            ["工程建设涉及城市绿地、树木审批", "古树名木移植审批"],
            "《城市绿化条例》第十九条、第二十条、第二十四条",
            keywords="砍树 移树 占绿地",
        ),
        item(
            "市政设施建设类审批",
            LICENSING,
            [
                "市政设施建设类审批",
                "城市桥梁上架设各类市政管线审批",
                "依附于城市道路建设各种管线、杆线等设施审批",
            ],
            "《城市道路管理条例》第二十九条",
        ),
        item(
            "占用、挖掘城市道路审批",
            LICENSING,
            ["占用、挖掘城市道路审批"],
            "《城市道路管理条例》第三十条、第三十一条、第三十三条",
            keywords="挖马路 占道 开挖道路",
        ),
        item(
            "设置大型户外广告及在城市建筑物、设施上悬挂、张贴宣传品审批",
            LICENSING,
            ["设置大型户外广告的审批", "城市建筑物、设施上张挂、张贴宣传品审批"],
            "《城市市容和环境卫生管理条例》第十一条、第十七条",
            keywords="挂广告牌 户外广告 挂横幅",
        ),
        item(
            "从事生活垃圾（含粪便）经营性清扫、收集、运输、处理服务审批",
            LICENSING,
            ["城乡生活垃圾经营性清扫、收集、运输许可", "城乡生活垃圾经营性处置许可"],
            "《国务院对确需保留的行政审批项目设定行政许可的决定》（国务院令第412号）；《城市生活垃圾管理办法》（建设部令第157号）",
            keywords="拉垃圾 保洁公司 垃圾清运",
        ),
        item(
            "因工程建设需要拆除、改动、迁移供水、排水与污水处理设施审核",
            LICENSING,
            [
                "拆除、移动城镇排水与污水处理设施方案审核",
                "因工程建设确需改装、拆除或者迁移城市公共供水设施审批",
            ],
            "《城镇排水与污水处理条例》第四十三条；《城市供水条例》第三十条",
        ),
    ],
    # 市生态环境局平罗分局: 1 item, 2 handling items
    "石嘴山市生态环境局平罗分局": [
        item(
            "一般建设项目环境影响报告表审批",
            LICENSING,
            [
                "一般建设项目环境影响报告表审批（新办）",
                "一般建设项目环境影响报告表审批（重新报批）",
            ],
            "《中华人民共和国环境影响评价法》第二十二条、第二十四条；《建设项目环境保护管理条例》第九条",
            statutory=30,
            promised=10,
            result="建设项目环境影响报告表审批意见",
            keywords="环评 环境影响评价 环评批复",
        ),
    ],
    # 水务局: 5 items, 6 handling items
    "平罗县水务局": [
        item(
            "取水许可",
            LICENSING,
            ["取水许可证新办审批", "取水许可证延续审批"],
            "《中华人民共和国水法》第七条、第四十八条；《取水许可和水资源费征收管理条例》",
            statutory=45,
            promised=20,
            applicant=BOTH,
            result="取水许可证",
            validity="5年（最长不超过10年）",
            keywords="打井 抽水 取水证 用黄河水",
        ),
        item(
            "河道管理范围内有关活动（不含河道采砂）审批",
            LICENSING,
            ["河道管理范围内有关活动（不含河道采砂）审批"],
            "《中华人民共和国河道管理条例》第二十五条",
            applicant=BOTH,
            keywords="河边施工 河道取土",
        ),
        item(
            "河道采砂许可",
            LICENSING,
            ["河道采砂许可"],
            "《中华人民共和国水法》第三十九条；《中华人民共和国河道管理条例》第二十五条",
            result="河道采砂许可证",
            keywords="挖沙 采砂",
        ),
        item(
            "生产建设项目水土保持方案审批",
            LICENSING,
            ["生产建设项目水土保持方案审批"],
            "《中华人民共和国水土保持法》第二十五条",
            keywords="水保方案 水土保持",
        ),
        item(
            "水利工程管理范围内建设项目审批",
            LICENSING,
            ["水利工程管理范围内建设项目审批"],
            "《中华人民共和国水法》第三十八条；《中华人民共和国防洪法》第二十七条",
            keywords="渠道边施工 涉水工程",
        ),
    ],
    # 市场监管局: 22 items, 101 handling items
    "平罗县市场监督管理局": [
        item(
            "企业设立、变更、注销登记",
            LICENSING,
            [
                "公司设立登记",
                "公司变更登记",
                "公司备案",
                "公司注销登记",
                "公司注销登记（简易注销）",
                "分公司设立登记",
                "分公司变更登记（备案）",
                "分公司注销登记",
                "因公司合并（分立）申请设立、变更或注销登记",
                "因公司的股东发生合并（分立），公司申请变更登记",
                "非公司企业法人设立登记",
                "非公司企业法人变更登记",
                "非公司企业法人备案",
                "非公司企业法人注销登记",
                "非公司企业法人注销登记（简易注销）",
                "非公司企业法人按《公司法》改制登记",
                "非公司企业法人分支机构设立登记",
                "非公司企业法人分支机构变更登记（备案）",
                "非公司企业法人分支机构注销登记",
                "合伙企业设立登记",
                "合伙企业变更登记",
                "合伙企业备案",
                "合伙企业注销登记",
                "合伙企业注销登记（简易注销）",
                "合伙企业分支机构设立登记",
                "合伙企业分支机构变更登记（备案）",
                "合伙企业分支机构注销登记",
                "个人独资企业设立登记",
                "个人独资企业变更登记（备案）",
                "个人独资企业注销登记",
                "个人独资企业注销登记（简易注销）",
                "个人独资企业分支机构设立登记",
                "个人独资企业分支机构变更登记（备案）",
                "个人独资企业分支机构注销登记",
                "撤销变更登记",
                "申请增加、减少证照",
            ],
            "《中华人民共和国公司法》；《中华人民共和国合伙企业法》；《中华人民共和国个人独资企业法》；"
            + REGISTRATION,
            statutory=3,
            promised=1,
            applicant=BOTH,
            result="营业执照",
            validity="长期（营业期限以执照载明为准）",
            keywords="开公司 注册公司 办营业执照 企业开办 公司注销",
        ),
        item(
            "个体工商户注册、变更、注销登记",
            LICENSING,
            [
                "个体工商户设立登记",
                "个体工商户变更登记（备案）",
                "个体工商户注销登记",
                "个体工商户注销登记（简易注销）",
            ],
            "《促进个体工商户发展条例》（国务院令第755号）；" + REGISTRATION,
            statutory=3,
            instant=True,
            applicant=PERSON,
            result="营业执照",
            validity="长期",
            keywords="个体户 开小店 办执照 摆摊 卖菜 开店",
        ),
        item(
            "农民专业合作社设立、变更、注销登记",
            LICENSING,
            [
                "农民专业合作社（联合社）设立登记",
                "农民专业合作社（联合社）变更登记",
                "农民专业合作社（联合社）备案登记",
                "农民专业合作社（联合社）注销登记",
                "农民专业合作社（联合社）注销登记（简易注销）",
                "农民专业合作社（联合社）分支机构设立登记",
                "农民专业合作社（联合社）分支机构变更登记（备案）",
                "农民专业合作社（联合社）分支机构注销登记",
            ],
            "《中华人民共和国农民专业合作社法》第十六条；" + REGISTRATION,
            statutory=3,
            promised=1,
            applicant=BOTH,
            result="营业执照",
            keywords="合作社 种植合作社 养殖合作社 办合作社",
        ),
        item(
            "食品（含保健食品）经营许可",
            LICENSING,
            [
                "食品(含保健食品)经营许可核发",
                "食品(含保健食品)经营许可核发（告知承诺）",
                "食品(含保健食品)经营许可变更经营项目",
                "食品(含保健食品)经营许可变更主体业态",
                "食品(含保健食品)经营许可变更经营场所（同址变更）",
                "食品(含保健食品)经营许可变更经营者名称",
                "食品(含保健食品)经营许可变更法定代表人（负责人）",
                "食品(含保健食品)经营许可变更住所",
                "食品(含保健食品)经营许可延续",
                "食品(含保健食品)经营许可换发",
                "食品(含保健食品)经营许可补办",
                "食品(含保健食品)经营许可注销",
            ],
            FOOD,
            statutory=20,
            promised=7,
            applicant=BOTH,
            result="食品经营许可证",
            validity="5年",
            keywords="开饭店 开餐馆 开超市 开小卖部 卖熟食 开奶茶店 食品经营许可证",
        ),
        item(
            "股权出质登记",
            CONFIRMATION,
            ["股权出质设立登记", "股权出质变更登记", "股权出质注销/撤销登记"],
            "《中华人民共和国民法典》第四百四十三条；《股权出质登记办法》",
            instant=True,
            applicant=BOTH,
            result="股权出质登记通知书",
            keywords="股权质押 股权出质",
        ),
        item(
            "特种设备作业人员资格认定",
            LICENSING,
            [
                "特种设备作业人员资格认定取证",
                "特种设备作业人员资格认定复审",
                "特种设备作业人员资格认定补发",
            ],
            "《中华人民共和国特种设备安全法》第十四条；《特种设备作业人员监督管理办法》",
            promised=10,
            applicant=PERSON,
            result="特种设备安全管理和作业人员证",
            validity="4年",
            keywords="电梯证 锅炉证 叉车证 压力容器证",
        ),
        item(
            "计量标准器具核准",
            LICENSING,
            [
                "计量标准器具核准新建",
                "计量标准器具核准复查",
                "计量标准变更",
                "计量标准器具核准证书变更",
                "计量标准器具核准证书补办",
                "计量标准封存或撤销",
            ],
            "《中华人民共和国计量法》第六条、第八条；《计量标准考核办法》",
            result="计量标准考核证书",
        ),
        item(
            "仅销售预包装食品的食品经营者备案",
            OTHER_POWER,
            [
                "仅销售预包装食品经营者备案信息采集",
                "仅销售预包装食品经营者备案信息变更",
                "仅销售预包装食品经营者备案注销",
            ],
            FOOD,
            instant=True,
            applicant=BOTH,
            keywords="卖零食 卖饮料 卖包装食品 小卖部备案",
        ),
        item(
            "对食品生产经营者自建网站交易进行备案",
            OTHER_POWER,
            [
                "对食品生产经营者自建网站交易进行备案",
                "对食品生产者自建网站交易进行备案",
                "对食品生产经营者自建网站交易备案进行发放",
                "对食品生产经营者自建网站交易备案进行补办",
                "对食品生产经营者自建网站交易备案进行注销",
            ],
            "《网络食品安全违法行为查处办法》第八条",
            instant=True,
            keywords="网上卖食品 网店备案",
        ),
        item(
            "对食品小作坊、小经营店进行备案",
            OTHER_POWER,
            [
                "食品小作坊备案发放",
                "食品小作坊备案变更",
                "食品小作坊备案续期",
                "食品小作坊备案注销",
                "食品小经营店备案发放",
                "食品小经营店备案变更",
                "食品小经营店备案续期",
                "食品小经营店备案注销",
            ],
            "《中华人民共和国食品安全法》第三十六条",
            promised=5,
            applicant=BOTH,
            keywords="小作坊 做馍馍 做豆腐 凉皮店 小吃店",
        ),
        item(
            "承担国家法定计量检定机构任务授权",
            LICENSING,
            ["承担国家法定计量检定机构任务授权"],
            METROLOGY_AUTH,
        ),
        item("医疗用毒性药品购用审批", LICENSING, ["医疗用毒性药品购用审批"], TOXIC_DRUGS),
        item(
            "企事业单位计量器具检定授权",
            OTHER_POWER,
            ["企事业单位计量器具检定授权"],
            METROLOGY_AUTH,
            promised=10,
        ),
        item(
            "特殊标志使用人书面使用合同存查",
            OTHER_POWER,
            ["特殊标志使用人书面使用合同存查"],
            "《特殊标志管理条例》",
            instant=True,
        ),
        item(
            "企业登记档案资料查询",
            PUBLIC_SERVICE,
            ["企业登记档案资料查询"],
            REGISTRATION,
            instant=True,
            applicant=BOTH,
            keywords="查档案 调企业档案",
        ),
        item(
            "科研和教学所需毒性药品购用审批",
            LICENSING,
            ["科研和教学所需毒性药品购用审批"],
            TOXIC_DRUGS,
        ),
        item(
            "企业名称争议裁决",
            RULING,
            ["企业名称争议裁决"],
            "《企业名称登记管理规定》（国务院令第734号）",
            promised=30,
            keywords="名称纠纷 企业重名",
        ),
        item(
            "对计量纠纷进行调解及仲裁检定",
            RULING,
            ["对计量纠纷进行调解及仲裁检定"],
            "《中华人民共和国计量法》第二十一条；《仲裁检定和计量调解办法》",
            promised=20,
            applicant=BOTH,
            keywords="缺斤短两 秤不准",
        ),
        item(
            "企业监管信息核查",
            PUBLIC_SERVICE,
            ["企业经营异常名录信息核查", "企业严重违法失信名单信息核查"],
            "《企业信息公示暂行条例》（国务院令第654号）",
            promised=5,
            applicant=BOTH,
            keywords="经营异常 失信名单",
        ),
        item(
            "市场主体歇业备案",
            OTHER_POWER,
            ["市场主体歇业备案"],
            REGISTRATION + "第三十条",
            instant=True,
            applicant=BOTH,
            keywords="歇业 暂停营业",
        ),
        item(
            "市场主体迁移调档",
            OTHER_POWER,
            ["市场主体迁移调档"],
            "《中华人民共和国公司登记管理条例》（2016年修订）第二十九条",
            promised=3,
            keywords="迁址 调档案 搬迁",
        ),
        item(
            "证照遗失补领、换发申请",
            OTHER_POWER,
            ["证照遗失补领、换发申请"],
            REGISTRATION,
            instant=True,
            applicant=BOTH,
            keywords="执照丢了 补执照 换执照",
        ),
    ],
    # 民政局: 13 items, 31 handling items
    "平罗县民政局": [
        item(
            "社会团体成立登记",
            LICENSING,
            [
                "社会团体成立登记",
                "出具社会团体开立验资账户通知书",
                "社会团体成立登记（补证）",
            ],
            SOCIAL_GROUPS + "第三条、第九条、第十二条",
            statutory=30,
            promised=10,
            applicant=BOTH,
            result="社会团体法人登记证书",
            keywords="成立协会 成立商会 办社团",
        ),
        item(
            "社会团体变更登记",
            LICENSING,
            [
                "社会团体变更登记（名称）",
                "社会团体变更登记（住所）",
                "社会团体变更登记（活动地域）",
                "社会团体变更登记（业务范围）",
                "社会团体变更登记（法定代表人）",
                "社会团体变更登记（活动资金）",
                "社会团体变更登记（业务主管单位）",
            ],
            SOCIAL_GROUPS + "第十八条",
            promised=5,
            result="社会团体法人登记证书",
            keywords="协会换会长 社团变更",
        ),
        item(
            "社会团体注销登记",
            LICENSING,
            ["社会团体注销登记"],
            SOCIAL_GROUPS + "第十九条",
            promised=5,
        ),
        item(
            "社会团体修改章程核准",
            LICENSING,
            ["社会团体修改章程核准"],
            SOCIAL_GROUPS + "第十八条",
            promised=5,
        ),
        item(
            "民办非企业单位成立登记",
            LICENSING,
            [
                "民办非企业单位成立登记",
                "出具民办非企业单位开立验资账户通知书",
                "民办非企业单位成立登记（补证）",
            ],
            PRIVATE_NON_ENTERPRISE + "第三条、第八条、第十一条",
            statutory=60,
            promised=15,
            applicant=BOTH,
            result="民办非企业单位（法人）登记证书",
            keywords="办民办学校 办培训机构 办养老院 社会服务机构",
        ),
        item(
            "民办非企业单位变更登记",
            LICENSING,
            [
                "民办非企业单位变更登记（名称）",
                "民办非企业单位变更登记（住所）",
                "民办非企业单位变更登记（宗旨和业务范围）",
                "民办非企业单位变更登记（法定代表人）",
                "民办非企业单位变更登记（开办资金）",
                "民办非企业单位变更登记（业务主管单位）",
            ],
            PRIVATE_NON_ENTERPRISE + "第十五条",
            promised=5,
        ),
        item(
            "民办非企业单位注销登记",
            LICENSING,
            ["民办非企业单位注销登记"],
            PRIVATE_NON_ENTERPRISE + "第十六条",
            promised=5,
        ),
        item(
            "民办非企业单位修改章程核准",
            LICENSING,
            ["民办非企业单位修改章程核准"],
            PRIVATE_NON_ENTERPRISE + "第十五条",
            promised=5,
        ),
        item(
            "慈善组织公开募捐资格审批",
            LICENSING,
            ["慈善组织公开募捐资格审批", "《慈善组织公开募捐资格证书》补发、换发"],
            "《中华人民共和国慈善法》第二十二条；《慈善组织公开募捐管理办法》",
            promised=10,
            result="公开募捐资格证书",
            keywords="募捐 公开募捐",
        ),
        item(
            "慈善组织认定",
            CONFIRMATION,
            ["慈善组织认定"],
            "《中华人民共和国慈善法》第十条；《慈善组织认定办法》",
            statutory=20,
            promised=10,
        ),
        item(
            "建设社会公共墓地审批",
            LICENSING,
            ["建设社会公共墓地审批"],
            "《殡葬管理条例》第八条",
            keywords="建公墓",
        ),
        item(
            "设置农村公益性墓地审批",
            LICENSING,
            ["设置农村公益性墓地审批"],
            "《殡葬管理条例》第八条",
            keywords="村里公墓 公益性墓地",
        ),
        item(
            "养老机构设立备案",
            OTHER_POWER,
            ["养老机构设立备案", "养老机构设立备案（变更）", "养老机构设立备案（注销）"],
            "《中华人民共和国老年人权益保障法》第四十三条；《养老机构管理办法》（民政部令第66号）",
            instant=True,
            keywords="开养老院 办敬老院",
        ),
    ],
    # 人社局: 7 items, 27 handling items
    "平罗县人力资源和社会保障局": [
        item(
            "人力资源服务许可",
            LICENSING,
            [
                "经营性人力资源服务机构从事职业中介活动许可",
                "经营性人力资源服务机构设立分支机构、变更名称、住所、法定代表人、终止经营活动书面报告",
                "经营性人力资源服务机构开展人力资源服务业务备案",
            ],
            "《中华人民共和国就业促进法》第四十条；《人力资源市场暂行条例》第十八条、第十九条",
            promised=5,
            result="人力资源服务许可证",
            keywords="职业中介 人才中介 人力资源公司",
        ),
        item(
            "劳务派遣经营许可",
            LICENSING,
            [
                "经营劳务派遣业务（含新增业务、新设公司、分立、合并）许可",
                "劳务派遣经营单位名称、住所、法定代表人、注册资本等变更审批",
                "劳务派遣经营许可证延续审批",
                "劳务派遣经营许可注销",
                "劳务派遣单位设立分公司书面报告",
                "劳务派遣单位设立分公司异地备案",
            ],
            "《中华人民共和国劳动合同法》第五十七条；《劳务派遣行政许可实施办法》（人力资源和社会保障部令第19号）",
            promised=10,
            result="劳务派遣经营许可证",
            validity="3年",
            keywords="劳务派遣 派遣公司",
        ),
        item(
            "民办职业培训学校设立、分立、合并、变更及终止审批",
            LICENSING,
            [
                "民办职业培训学校设立审批",
                "民办职业培训学校名称、地址、层次、类别、举办者（负责人）等变更审批",
                "民办职业培训学校分立、合并审批",
                "民办职业培训学校办学许可证延续审批",
                "民办职业培训学校终止审批",
            ],
            "《中华人民共和国民办教育促进法》第十二条；《中华人民共和国民办教育促进法实施条例》",
            statutory=60,
            promised=20,
            result="民办学校办学许可证",
            keywords="办技校 职业培训学校 技能培训",
        ),
        item(
            "企业实行不定时工作制和综合计算工时制审批",
            LICENSING,
            [
                "企业实行不定时工作制和综合计算工时制审批",
                "企业实行不定时工作制和综合计算工时制审批（延续）",
                "企业实行不定时工作制和综合计算工时工作制审批意见和制度方案异地备案",
            ],
            "《中华人民共和国劳动法》第三十九条；《关于企业实行不定时工作制和综合计算工时工作制的审批办法》（劳部发〔1994〕503号）",
            promised=10,
            keywords="综合工时 不定时工作制 特殊工时",
        ),
        item(
            "职业培训补贴申领",
            PUBLIC_SERVICE,
            [
                "就业技能培训开班（含报名）",
                "创业培训开班（含报名）",
                "就业技能培训补贴申请",
                "创业培训补贴申请",
            ],
            EMPLOYMENT_FUNDS,
            promised=15,
            applicant=BOTH,
            keywords="培训补贴 学技术补贴 创业培训",
        ),
        item(
            "就业见习补贴申领",
            PUBLIC_SERVICE,
            ["就业见习岗位申报", "就业见习申请", "就业见习补贴申领"],
            EMPLOYMENT_FUNDS,
            promised=15,
            applicant=BOTH,
            keywords="见习补贴 大学生见习",
        ),
        item(
            "公益性岗位补贴申领",
            PUBLIC_SERVICE,
            ["公益性岗位申报", "公益性岗位申请", "公益性岗位补贴申请"],
            EMPLOYMENT_FUNDS,
            promised=15,
            applicant=BOTH,
            keywords="公益岗 公益性岗位",
        ),
    ],
    # 教体局: 4 items, 5 handling items
    "平罗县教育体育局": [
        item(
            "实施中等及中等以下学历教育、学前教育、自学考试助学及其他文化教育的学校设立、变更和终止审批",
            LICENSING,
            ["幼儿园设立审批", "幼儿园变更审批"],
            "《中华人民共和国教育法》；《中华人民共和国民办教育促进法》第十二条；《幼儿园管理条例》第十一条",
            statutory=60,
            promised=20,
            result="办学许可证",
            keywords="办幼儿园 开幼儿园 民办幼儿园",
        ),
        item(
            "教师资格认定",
            LICENSING,
            ["教师资格认定"],
            "《中华人民共和国教师法》第十三条；《教师资格条例》",
            statutory=30,
            promised=15,
            applicant=PERSON,
            result="教师资格证书",
            validity="长期",
            keywords="教师资格证 考教师证 认定教资",
        ),
        item(
            "经营高危险性体育项目许可",
            LICENSING,
            ["经营游泳许可"],
            "《全民健身条例》第三十二条、第三十三条；《经营高危险性体育项目许可管理办法》",
            statutory=30,
            promised=10,
            result="高危险性体育项目经营许可证",
            keywords="开游泳馆 游泳池",
        ),
        item(
            "举办高危险性体育赛事活动许可",
            LICENSING,
            ["举办高危险性体育赛事活动许可"],
            "《中华人民共和国体育法》；《高危险性体育赛事活动许可管理办法》（国家体育总局令第26号）",
            promised=10,
            keywords="办比赛 马拉松 攀岩比赛",
        ),
    ],
    # 卫健局: 1 item, 6 handling items
    "平罗县卫生健康局": [
        item(
            "公共场所卫生许可",
            LICENSING,
            [
                "公共场所卫生许可新办审批",
                "公共场所卫生许可新办审批（告知承诺）",
                "公共场所卫生许可变更",
                "公共场所卫生许可延续",
                "公共场所卫生许可遗失补办",
                "公共场所卫生许可证注销",
            ],
            "《公共场所卫生管理条例》第八条；《公共场所卫生管理条例实施细则》第二十二条",
            promised=7,
            result="公共场所卫生许可证",
            validity="4年",
            keywords="开宾馆 开旅店 开澡堂 开理发店 开美容院 卫生许可证",
        ),
    ],
    # 交通局: 18 items, 20 handling items
    "平罗县交通运输局": [
        item(
            "道路货物运输经营许可",
            LICENSING,
            ["道路货物运输经营许可", "道路货运经营许可（注销）"],
            ROAD,
            promised=5,
            applicant=BOTH,
            result="道路运输经营许可证",
            keywords="跑货运 拉货 物流公司 货车",
        ),
        item(
            "道路旅客运输经营许可",
            LICENSING,
            ["道路旅客运输经营许可（新增）"],
            PASSENGER,
            promised=10,
            result="道路运输经营许可证",
            keywords="客运公司 跑客运",
        ),
        item(
            "客运站经营许可",
            LICENSING,
            ["客运站经营许可"],
            PASSENGER,
            promised=10,
            result="道路运输经营许可证",
            keywords="汽车站 客运站",
        ),
        item(
            "客运线路许可",
            LICENSING,
            ["客运线路许可（新增）"],
            PASSENGER,
            promised=10,
            result="道路客运班线经营许可证明",
            keywords="开班车 客运班线",
        ),
        item(
            "巡游出租汽车道路运输经营许可",
            LICENSING,
            ["巡游出租汽车经营许可"],
            TAXI,
            promised=10,
            result="道路运输经营许可证",
            keywords="出租车公司 开出租 的士",
        ),
        item(
            "巡游出租汽车道路运输证核发",
            LICENSING,
            ["巡游出租汽车道路运输证核发（新增）"],
            TAXI,
            promised=5,
            result="道路运输证",
            keywords="出租车运输证",
        ),
        item(
            "网络预约出租汽车经营许可",
            LICENSING,
            ["网络预约出租汽车经营许可"],
            RIDE_HAILING,
            promised=10,
            result="网络预约出租汽车经营许可证",
            keywords="网约车平台 网约车公司",
        ),
        item(
            "网络预约出租汽车运输证发放",
            LICENSING,
            ["网络预约出租汽车运输证发放（新增）"],
            RIDE_HAILING,
            promised=5,
            applicant=BOTH,
            result="网络预约出租汽车运输证",
            keywords="跑网约车 网约车证 滴滴",
        ),
        item(
            "道路货物运输车辆道路运输证办理",
            LICENSING,
            ["道路货物运输车辆道路运输证配发", "货物运输车辆道路运输证办理（变更）"],
            ROAD,
            promised=3,
            applicant=BOTH,
            result="道路运输证",
            keywords="货车运输证 营运证",
        ),
        item(
            "客运车辆道路运输证办理",
            LICENSING,
            ["客运车辆道路运输证办理（配发）"],
            PASSENGER,
            promised=3,
            result="道路运输证",
            keywords="客车营运证",
        ),
        item(
            "公路超限运输许可",
            LICENSING,
            ["公路超限运输许可"],
            "《中华人民共和国公路法》第五十条；《公路安全保护条例》第三十五条；《超限运输车辆行驶公路管理规定》",
            statutory=5,
            promised=2,
            applicant=BOTH,
            result="超限运输车辆通行证",
            keywords="大件运输 超限 超重车",
        ),
        item(
            "占用、挖掘普通公路、普通公路用地或者使公路改线审批",
            LICENSING,
            ["占用、挖掘普通公路、普通公路用地或者使公路改线审批"],
            "《中华人民共和国公路法》第四十四条；《公路安全保护条例》第二十七条",
        ),
        item(
            "跨越、穿越普通公路修建桥梁、渡槽或者架设、埋设管线等设施的，以及在普通公路用地范围内架设、埋设管线、"
            "电缆等设施，或者利用普通公路桥梁、普通公路隧道、涵洞铺设电缆等设施的许可",
            LICENSING,
            [
                "跨越、穿越普通公路修建桥梁、渡槽或者架设、埋设管线等设施的，以及在普通公路用地范围内架设、埋设管线、"
                "电缆等设施，或者利用普通公路桥梁、普通公路隧道、涵洞铺设电缆等设施的许可"
            ],
            "《中华人民共和国公路法》第四十五条；《公路安全保护条例》第二十七条",
        ),
        item(
            "在公路增设或改造平面交叉道口审批",
            LICENSING,
            ["在公路增设或改造平面交叉道口审批"],
            "《中华人民共和国公路法》第五十五条；《公路安全保护条例》第二十七条",
            keywords="开路口 接公路",
        ),
        item(
            "设置非公路标志审批",
            LICENSING,
            ["设置非公路标志审批"],
            "《中华人民共和国公路法》第五十四条",
            keywords="路边广告牌 公路边立牌子",
        ),
        item(
            "更新采伐护路林审批",
            LICENSING,
            ["更新采伐护路林审批"],
            "《中华人民共和国公路法》第四十二条",
        ),
        item(
            "在普通公路建筑控制区内埋设管线、电缆等设施许可",
            LICENSING,
            ["在普通公路建筑控制区内埋设管线、电缆等设施许可"],
            "《中华人民共和国公路法》第五十六条",
        ),
        item(
            "农村公路建设项目施工图设计审批",
            LICENSING,
            ["农村公路建设项目施工图设计审批"],
            "《农村公路建设管理办法》（交通运输部令2018年第4号）；《建设工程质量管理条例》第十一条",
        ),
    ],
    # 文广局: 6 items, 6 handling items
    "平罗县文化旅游广电局": [
        item(
            "歌舞娱乐场所《娱乐经营许可证》核发及改扩建审批（含中外合资）",
            LICENSING,
            ["设立歌舞娱乐场所《娱乐经营许可证》核发"],
            ENTERTAINMENT,
            promised=8,
            result="娱乐经营许可证",
            validity="2年",
            keywords="开KTV 开歌厅 开酒吧 开夜总会",
        ),
        item(
            "游艺娱乐场所《娱乐经营许可证》核发及改扩建审批（含中外合资）",
            LICENSING,
            ["设立游艺娱乐场所《娱乐经营许可证》核发"],
            ENTERTAINMENT,
            promised=8,
            result="娱乐经营许可证",
            validity="2年",
            keywords="开游戏厅 电玩城 游艺厅",
        ),
        item(
            "营业性演出审批",
            LICENSING,
            ["举办营业性演出审批"],
            "《营业性演出管理条例》；《营业性演出管理条例实施细则》",
            statutory=3,
            promised=1,
            result="营业性演出批准文件",
            keywords="办演出 演唱会 商业演出",
        ),
        item(
            "文艺表演团体《营业性演出许可证》登记",
            LICENSING,
            ["设立文艺表演团体《营业性演出许可证》核发"],
            "《营业性演出管理条例》第六条",
            promised=10,
            result="营业性演出许可证",
            keywords="演出团 剧团 文艺队",
        ),
        item(
            "出版物零售单位和个体工商户设立、变更审批",
            LICENSING,
            ["出版物零售单位和个体工商户设立审批"],
            "《出版管理条例》第三十七条；《出版物市场管理规定》",
            promised=5,
            applicant=BOTH,
            result="出版物经营许可证",
            keywords="开书店 卖书 卖报刊",
        ),
        item(
            "互联网上网服务营业场所经营单位设立审批",
            LICENSING,
            ["内资设立互联网上网服务营业场所经营活动终审审批"],
            "《互联网上网服务营业场所管理条例》",
            promised=10,
            result="网络文化经营许可证",
            keywords="开网吧 网咖",
        ),
    ],
}


# ---- Not transferred (seed 001): stationed in the hall, or retained ---------------------

OTHER_ITEMS: dict[str, list[tuple[str, ItemRow]]] = {
    "平罗县公安局": [
        (
            STATIONED,
            item(
                "旅馆业特种行业许可证核发",
                LICENSING,
                ["旅馆业特种行业许可证核发"],
                "《旅馆业治安管理办法》第四条；《国务院对确需保留的行政审批项目设定行政许可的决定》（国务院令第412号）",
                promised=10,
                result="特种行业许可证",
                keywords="开旅馆 开宾馆 特行证",
            ),
        ),
        (
            STATIONED,
            item(
                "公章刻制业特种行业许可证核发",
                LICENSING,
                ["公章刻制业特种行业许可证核发"],
                "《国务院对确需保留的行政审批项目设定行政许可的决定》（国务院令第412号）",
                promised=10,
                result="特种行业许可证",
                keywords="刻章店",
            ),
        ),
        (
            STATIONED,
            item(
                "户口迁移审批",
                LICENSING,
                ["户口迁移审批"],
                "《中华人民共和国户口登记条例》第十条",
                promised=5,
                applicant=PERSON,
                keywords="迁户口 落户",
            ),
        ),
        (
            STATIONED,
            item(
                "预计参加人数在1000人以上5000人以下的大型群众性活动安全许可或变更",
                LICENSING,
                ["预计参加人数在1000人以上5000人以下的大型群众性活动安全许可或变更"],
                "《大型群众性活动安全管理条例》第十一条、第十二条",
                promised=10,
                keywords="大型活动 演唱会安保",
            ),
        ),
        (
            RETAINED,
            item(
                "民用爆炸物品购买许可",
                LICENSING,
                ["民用爆炸物品购买许可"],
                "《民用爆炸物品安全管理条例》第二十一条",
                promised=3,
            ),
        ),
        (
            RETAINED,
            item(
                "烟花爆竹道路运输许可",
                LICENSING,
                ["烟花爆竹道路运输许可"],
                "《烟花爆竹安全管理条例》第二十二条",
                promised=1,
            ),
        ),
    ],
    "国家税务总局平罗县税务局": [
        (
            STATIONED,
            item(
                "增值税专用发票（增值税税控系统）最高开票限额审批",
                LICENSING,
                ["增值税专用发票（增值税税控系统）最高开票限额审批"],
                "《国务院对确需保留的行政审批项目设定行政许可的决定》（国务院令第412号）；《中华人民共和国发票管理办法》",
                promised=5,
                keywords="专票限额 开票限额",
            ),
        ),
    ],
    "平罗县烟草专卖局": [
        (
            STATIONED,
            item(
                "烟草专卖零售许可证核发",
                LICENSING,
                [
                    "烟草专卖零售许可证新办",
                    "烟草专卖零售许可证变更",
                    "烟草专卖零售许可证延续",
                    "烟草专卖零售许可证补办",
                    "烟草专卖零售许可证停业",
                    "烟草专卖零售许可证歇业",
                    "烟草专卖零售许可证恢复营业",
                ],
                "《中华人民共和国烟草专卖法》第十六条；《中华人民共和国烟草专卖法实施条例》",
                promised=10,
                applicant=BOTH,
                result="烟草专卖零售许可证",
                keywords="卖烟 烟草证 烟草零售",
            ),
        ),
    ],
    "平罗县消防救援大队": [
        (
            STATIONED,
            item(
                "公众聚集场所投入使用、营业前消防安全检查",
                LICENSING,
                ["公众聚集场所投入使用、营业前消防安全检查"],
                "《中华人民共和国消防法》第十五条",
                statutory=10,
                promised=5,
                keywords="消防检查 开业消防",
            ),
        ),
    ],
    "平罗县气象局": [
        (
            STATIONED,
            item(
                "雷电防护装置设计审核和竣工验收",
                LICENSING,
                ["雷电防护装置设计审核", "雷电防护装置竣工验收"],
                "《中华人民共和国气象法》；《气象灾害防御条例》；《雷电防护装置设计审核和竣工验收规定》",
                promised=7,
                keywords="防雷 避雷针",
            ),
        ),
        (
            RETAINED,
            item(
                "升放无人驾驶自由气球或者系留气球活动审批",
                LICENSING,
                ["升放无人驾驶自由气球或者系留气球活动审批"],
                "《通用航空飞行管制条例》；《升放气球管理办法》",
                promised=3,
                keywords="放气球 庆典气球",
            ),
        ),
    ],
    "平罗县医疗保障局": [
        (
            STATIONED,
            item(
                "医疗机构申请定点协议管理",
                PUBLIC_SERVICE,
                ["医疗机构申请定点协议管理"],
                "《中华人民共和国社会保险法》第三十一条；《医疗机构医疗保障定点管理暂行办法》（国家医疗保障局令第2号）",
                promised=20,
                keywords="医保定点 诊所定点",
            ),
        ),
        (
            STATIONED,
            item(
                "零售药店申请定点协议管理",
                PUBLIC_SERVICE,
                ["零售药店申请定点协议管理"],
                "《中华人民共和国社会保险法》第三十一条；《零售药店医疗保障定点管理暂行办法》（国家医疗保障局令第3号）",
                promised=20,
                keywords="药店医保 药店定点",
            ),
        ),
    ],
}

# The plan's figures (seed 000 三(一)): full department name → (items, handling items).
PLAN_COUNTS = {
    "平罗县发展和改革局": (3, 19),
    "平罗县自然资源局": (8, 8),
    "平罗县住房和城乡建设局": (12, 27),
    "石嘴山市生态环境局平罗分局": (1, 2),
    "平罗县水务局": (5, 6),
    "平罗县市场监督管理局": (22, 101),
    "平罗县民政局": (13, 31),
    "平罗县人力资源和社会保障局": (7, 27),
    "平罗县教育体育局": (4, 5),
    "平罗县卫生健康局": (1, 6),
    "平罗县交通运输局": (18, 20),
    "平罗县文化旅游广电局": (6, 6),
}

CATALOGUE_NAME = "平罗县审批服务事项目录"
TRANSFER_REASON = "相对集中行政许可权改革，审批服务事项划转至县审批服务管理局"
TRANSFER_BASIS = "《平罗县推进相对集中行政许可权改革开展审批服务事项划转工作实施方案》"
STATUS_REASON = {
    TRANSFERRED: TRANSFER_REASON,
    STATIONED: "暂不划转，按“应进必进”进驻县政务服务中心办理",
    RETAINED: "暂不划转、不进驻大厅，由原部门办理",
}
