"""Complete service guides (办事指南) for the handling items people ask for most.

DEMO DATA: the conditions and materials follow the governing statutes and rules named in each
item's legal basis, but the wording, time limits the law leaves open, site-inspection days,
windows and phone numbers are written for the demo, not copied from Pingluo's published
guides. Every other handling item gets the plain default guide that `builder.py` writes.

Keyed by handling-item name (names are unique within Pingluo's list).
"""

from dataclasses import dataclass

ACCEPT = "综合受理科"
BUILD = "投资建设审批科"
MARKET = "市场准入审批科"
SOCIAL = "社会事务审批科"
TRANSPORT = "交通文旅审批科"

ORIGINAL, COPY, BOTH_FORMS, ELECTRONIC = "original", "copy", "original_and_copy", "electronic"
APPLICANT, GOVERNMENT, SHARED = "applicant", "government", "shared"


@dataclass(frozen=True)
class MaterialRow:
    name: str
    form: str = ORIGINAL
    copies: int = 1
    core: bool = True
    tolerable: bool = False  # only a non-core material may be tolerated (容缺)
    source: str = APPLICANT
    notes: str = ""
    required: bool = True
    applies: str = (
        "all"  # catalogue.models.Material.AppliesTo value: in which situation it is needed
    )


@dataclass(frozen=True)
class StepRow:
    name: str
    role: str  # catalogue.models.ReviewStep.Role value
    section: str | None
    days: int | None


@dataclass(frozen=True)
class SpecialRow:
    kind: str  # catalogue.models.SpecialProcedure.Kind value
    days: int | None
    notes: str


@dataclass(frozen=True)
class Guide:
    conditions: str
    materials: tuple[MaterialRow, ...]
    steps: tuple[StepRow, ...]
    keywords: str
    special: tuple[SpecialRow, ...] = ()
    statutory: int | None = None  # None: the item's
    promised: int | None = None  # None: the item's
    instant: bool = False
    commitment: bool = False
    fee_charged: bool = False
    fee_standard: str = "不收费"
    fee_basis: str = ""
    visits: int = 0
    online_depth: int = 4
    result: str | None = None  # None: the item's
    validity: str | None = None
    post: bool = True
    electronic: bool = True
    intermediary: str = ""
    applicant: str | None = None


def M(
    name,
    form=ORIGINAL,
    copies=1,
    *,
    core=True,
    tolerable=False,
    source=APPLICANT,
    notes="",
    required=True,
    applies="all",
):
    return MaterialRow(name, form, copies, core, tolerable, source, notes, required, applies)


def steps(
    section: str,
    review_days: int | None,
    *,
    first: str = "审查",
    decision_days: int | None = 1,
    extra: tuple[StepRow, ...] = (),
) -> tuple[StepRow, ...]:
    return (
        StepRow("受理", "clerk", ACCEPT, None),
        StepRow(first, "reviewer", section, review_days),
        *extra,
        StepRow("决定", "signatory", section, decision_days),
    )


BUSINESS_LICENCE = M(
    "营业执照或其他主体资格证明文件",
    ELECTRONIC,
    source=SHARED,
    notes="通过电子证照库共享获取，申请人无需提交纸质件",
)
ID_CARD = M(
    "申请人居民身份证",
    BOTH_FORMS,
    source=SHARED,
    notes="现场核验原件，留存复印件1份；已领取电子身份证照的可共享核验",
)
PROXY = M(
    "授权委托书及受托人居民身份证",
    BOTH_FORMS,
    core=False,
    required=False,
    applies="agent",
    notes="委托他人办理的提交；授权委托书须载明委托事项和权限",
)
PREMISES = M(
    "经营场所使用证明（房屋产权证明或租赁合同）",
    COPY,
    core=False,
    tolerable=True,
    notes="容缺受理的，须在承诺期限内补交；自有房产可共享不动产登记信息",
)


GUIDES: dict[str, Guide] = {
    # ---- 市场监管 ---------------------------------------------------------------------
    "食品(含保健食品)经营许可核发": Guide(
        conditions=(
            "1. 已取得营业执照等合法主体资格；\n"
            "2. 具有与经营的食品品种、数量相适应的食品原料处理和食品加工、销售、贮存等场所，保持场所环境整洁，"
            "并与有毒、有害场所以及其他污染源保持规定的距离；\n"
            "3. 具有与经营的食品品种、数量相适应的经营设备或者设施，有相应的消毒、更衣、盥洗、采光、照明、通风、"
            "防腐、防尘、防蝇、防鼠、防虫、洗涤以及处理废水、存放垃圾和废弃物的设备或者设施；\n"
            "4. 有专职或者兼职的食品安全管理人员和保证食品安全的规章制度；\n"
            "5. 具有合理的设备布局和工艺流程，防止待加工食品与直接入口食品、原料与成品交叉污染"
            "（《中华人民共和国食品安全法》第三十三条）。"
        ),
        materials=(
            M(
                "食品经营许可申请书",
                notes="法定代表人（负责人）签字，单位申请的加盖公章；网上申请的在线填写",
            ),
            BUSINESS_LICENCE,
            M(
                "与食品经营相适应的主要设备设施、经营布局、操作流程等文件",
                notes="含经营场所平面布局图、设备设施清单",
            ),
            M(
                "食品安全自查、从业人员健康管理、进货查验记录、食品安全事故处置等保证食品安全的规章制度目录清单",
                core=False,
                tolerable=True,
                notes="容缺受理的，须在承诺的5个工作日内补交",
            ),
            M(
                "食品安全管理人员基本情况及培训考核证明",
                COPY,
                core=False,
                tolerable=True,
                notes="食品安全管理人员须经培训考核合格；可在承诺期限内补交",
            ),
            PREMISES,
            PROXY,
        ),
        steps=steps(MARKET, 5, first="材料审查", decision_days=1),
        special=(
            SpecialRow(
                "site_survey",
                5,
                "需要对经营场所进行现场核查的，由2名以上核查人员进行；核查时间不计入承诺时限，"
                "并书面告知申请人",
            ),
        ),
        keywords="开饭店 开餐馆 开超市 开小卖部 卖熟食 开奶茶店 开蛋糕店 食堂 外卖 食品经营许可证",
        visits=0,
        result="食品经营许可证",
        validity="5年",
    ),
    "食品(含保健食品)经营许可变更经营项目": Guide(
        conditions="已取得食品经营许可证，在有效期内需要增加或者减少经营项目；变更后的经营条件符合《中华人民共和国食品安全法》"
        "第三十三条的规定。",
        materials=(
            M("食品经营许可变更申请书", notes="法定代表人（负责人）签字，单位申请的加盖公章"),
            M("食品经营许可证正本、副本", notes="已取得电子证书的可不提交纸质证书"),
            M(
                "与变更经营项目相适应的主要设备设施、经营布局、操作流程等文件",
                notes="仅提交与新增经营项目有关的部分",
            ),
            M(
                "变更后保证食品安全的规章制度目录清单",
                core=False,
                tolerable=True,
                notes="容缺受理的，须在承诺期限内补交",
            ),
            PROXY,
        ),
        steps=steps(MARKET, 5, first="材料审查"),
        special=(
            SpecialRow(
                "site_survey", 5, "新增经营项目需核查设备设施的进行现场核查，时间不计入承诺时限"
            ),
        ),
        keywords="增加经营项目 加卖熟食 增加冷食 改经营范围 食品许可证变更",
        result="食品经营许可证",
        validity="原许可证有效期不变",
    ),
    "食品(含保健食品)经营许可延续": Guide(
        conditions="食品经营许可证有效期届满需要继续经营的，应当在有效期届满30日前提出延续申请"
        "（《中华人民共和国行政许可法》第五十条）；经营条件持续符合要求。",
        materials=(
            M("食品经营许可延续申请书", notes="法定代表人（负责人）签字，单位申请的加盖公章"),
            M("食品经营许可证正本、副本", notes="已取得电子证书的可不提交纸质证书"),
            M(
                "与延续食品经营许可事项相适应的主要设备设施、经营布局、操作流程等文件",
                core=False,
                tolerable=True,
                notes="经营条件未发生变化的，提交书面承诺即可",
            ),
            M(
                "保证食品安全的规章制度目录清单",
                core=False,
                tolerable=True,
                notes="制度未修订的，提交书面说明即可；容缺受理的在承诺期限内补交",
            ),
            PROXY,
        ),
        steps=steps(MARKET, 5, first="材料审查"),
        special=(
            SpecialRow("site_survey", 5, "经营条件发生变化的进行现场核查，时间不计入承诺时限"),
        ),
        keywords="食品许可证到期 许可证续期 延续食品经营许可",
        result="食品经营许可证",
        validity="5年",
    ),
    "个体工商户设立登记": Guide(
        conditions="有经营能力的自然人（或家庭）申请从事工商业经营；名称、经营场所、经营范围符合"
        "《中华人民共和国市场主体登记管理条例》和《促进个体工商户发展条例》的规定；经营范围涉及许可的，"
        "取得许可后方可开展相关经营。",
        materials=(
            M("个体工商户登记（备案）申请书", notes="经营者签字；网上申请的电子签名"),
            ID_CARD,
            M(
                "经营场所使用相关文件",
                COPY,
                notes="自有房产提交产权证明，租赁的提交租赁协议；可填写住所（经营场所）申报承诺",
            ),
            M(
                "家庭经营的，提交家庭成员关系证明",
                COPY,
                core=False,
                required=False,
                notes="户口簿或其他亲属关系证明",
            ),
            PROXY,
        ),
        steps=(
            StepRow("受理", "clerk", ACCEPT, None),
            StepRow("审核", "reviewer", MARKET, None),
            StepRow("核准", "signatory", MARKET, None),
        ),
        instant=True,
        statutory=3,
        keywords="个体户 开小店 办执照 摆摊 卖菜 开店 办营业执照 个体营业执照",
        visits=0,
        result="营业执照",
        validity="长期",
    ),
    "公司设立登记": Guide(
        conditions="有符合公司章程规定的全体股东认缴的出资额；有公司名称，建立符合公司要求的组织机构；有公司住所；"
        "股东共同制定公司章程（《中华人民共和国公司法》）；申请材料齐全、符合法定形式。",
        materials=(
            M("公司登记（备案）申请书", notes="法定代表人签字"),
            M("公司章程", notes="全体股东签字（盖章）"),
            M(
                "股东的主体资格证明或者自然人身份证明",
                COPY,
                source=SHARED,
                notes="可通过电子证照库共享获取",
            ),
            M(
                "法定代表人、董事、监事和高级管理人员的任职文件及身份证明",
                COPY,
                notes="依章程规定由股东会决议、董事会决议或股东签署的任职文件",
            ),
            M(
                "住所使用相关文件",
                COPY,
                core=False,
                tolerable=True,
                notes="可提交住所（经营场所）申报承诺书",
            ),
            M(
                "法律、行政法规和国务院决定规定设立公司必须报经批准的，提交有关批准文件",
                COPY,
                required=False,
                source=GOVERNMENT,
                notes="前置审批事项才需提交；可通过部门共享获取的不再提交",
            ),
            PROXY,
        ),
        steps=steps(MARKET, None, first="审核", decision_days=1),
        statutory=3,
        promised=1,
        keywords="开公司 注册公司 办营业执照 企业开办 成立公司 注册有限公司",
        visits=0,
        result="营业执照",
        validity="长期（营业期限以执照载明为准）",
    ),
    "农民专业合作社（联合社）设立登记": Guide(
        conditions="有五名以上符合规定的成员，农民至少应当占成员总数的百分之八十；有符合规定的章程；有符合规定的组织机构；"
        "有符合法律、行政法规规定的名称和章程确定的住所；有符合章程规定的成员出资"
        "（《中华人民共和国农民专业合作社法》）。",
        materials=(
            M("农民专业合作社登记（备案）申请书", notes="法定代表人签字"),
            M(
                "全体设立人签名、盖章的设立大会纪要",
                notes="载明设立时间、地点、到会设立人及通过的事项",
            ),
            M(
                "全体设立人签名、盖章的章程",
                notes="章程须载明《中华人民共和国农民专业合作社法》规定的事项",
            ),
            M("法定代表人、理事的任职文件及身份证明", COPY, notes="由设立大会选举产生的任职文件"),
            M("出资成员签名、盖章的出资清单", notes="载明成员出资方式、出资额"),
            M(
                "住所使用证明",
                COPY,
                core=False,
                tolerable=True,
                notes="可提交住所（经营场所）申报承诺书；容缺受理的在承诺期限内补交",
            ),
            M("成员名册及成员身份证明", COPY, notes="农民成员提交户口簿或身份证复印件"),
            PROXY,
        ),
        steps=steps(MARKET, None, first="审核", decision_days=1),
        statutory=3,
        promised=1,
        keywords="合作社 种植合作社 养殖合作社 办合作社 成立合作社",
        visits=1,
        result="营业执照",
        validity="长期",
    ),
    # ---- 卫健 ---------------------------------------------------------------------------
    "公共场所卫生许可新办审批": Guide(
        conditions="宾馆、旅店、公共浴室、理发店、美容店、游泳场（馆）、歌舞厅等公共场所经营者，场所选址、设计、装修和卫生设施"
        "符合卫生标准和要求，从业人员取得健康合格证明，建立卫生管理制度并配备专（兼）职卫生管理人员"
        "（《公共场所卫生管理条例》及其实施细则）。",
        materials=(
            M("公共场所卫生许可申请表", notes="法定代表人（负责人）签字并加盖公章"),
            BUSINESS_LICENCE,
            M(
                "公共场所地址方位示意图、平面图和卫生设施平面布局图",
                notes="标明场所面积、功能分区及卫生设施位置",
            ),
            M("公共场所卫生检测或者评价报告", notes="由具备资质的检测机构出具"),
            M(
                "公共场所卫生管理制度",
                core=False,
                tolerable=True,
                notes="容缺受理的，须在承诺期限内补交",
            ),
            M("从业人员健康合格证明", COPY, core=False, tolerable=True, notes="可在承诺期限内补交"),
            PROXY,
        ),
        steps=steps(SOCIAL, 6, first="材料审查"),
        special=(SpecialRow("site_survey", 3, "对场所卫生设施进行现场审查，时间不计入承诺时限"),),
        keywords="开宾馆 开旅店 开澡堂 开理发店 开美容院 开游泳馆 卫生许可证",
        visits=1,
        online_depth=3,
        result="公共场所卫生许可证",
        validity="4年",
        intermediary="公共场所卫生检测或者评价（由具备资质的检测机构提供，收费按机构公示标准）",
    ),
    # ---- 住建 ---------------------------------------------------------------------------
    "建筑工程施工许可证核发": Guide(
        conditions=(
            "1. 依法应当办理用地批准手续的，已经办理该建筑工程用地批准手续；\n"
            "2. 依法应当办理建设工程规划许可证的，已经取得建设工程规划许可证；\n"
            "3. 施工场地已经基本具备施工条件，需要征收房屋的，其进度符合施工要求；\n"
            "4. 已经确定施工企业；\n"
            "5. 有满足施工需要的资金安排、施工图纸及技术资料；\n"
            "6. 有保证工程质量和安全的具体措施（《中华人民共和国建筑法》第八条）。"
        ),
        materials=(
            M("建筑工程施工许可证申请表", notes="建设单位盖章"),
            M(
                "建设工程规划许可证",
                ELECTRONIC,
                source=SHARED,
                notes="通过工程建设项目审批管理系统共享获取",
            ),
            M(
                "用地批准手续",
                ELECTRONIC,
                source=SHARED,
                notes="不动产权证书或用地批准文件，共享获取",
            ),
            M(
                "中标通知书或直接发包证明及施工合同",
                COPY,
                notes="依法必须招标的提交中标通知书；可通过招投标平台共享核验",
            ),
            M(
                "施工图设计文件审查合格意见",
                ELECTRONIC,
                source=SHARED,
                notes="通过施工图审查系统共享获取，申请人无需提交",
            ),
            M("建设资金已经落实承诺书", notes="建设单位法定代表人签字并盖章"),
            M(
                "工程质量安全监督手续及保证工程质量和安全的具体措施",
                core=False,
                tolerable=True,
                notes="容缺受理的，须在领证前补齐",
            ),
            PROXY,
        ),
        steps=steps(BUILD, 2, first="审查"),
        keywords="施工许可 开工 盖房子 工程开工 建楼 施工证",
        visits=0,
        result="建筑工程施工许可证",
        validity="自领证之日起三个月内开工；因故不能按期开工的可申请延期，延期以两次为限，每次不超过三个月",
    ),
    "城镇污水排入排水管网许可": Guide(
        conditions="从事工业、建筑、餐饮、医疗等活动的企业事业单位、个体工商户向城镇排水设施排放污水的；排放的污水符合"
        "国家和地方排放标准，按规定建设预处理设施和检测井（《城镇排水与污水处理条例》第二十一条）。",
        materials=(
            M("城镇污水排入排水管网许可申请表", notes="排水户盖章"),
            BUSINESS_LICENCE,
            M(
                "排水户内部排水管网、专用检测井、污水排放口位置和口径的图纸及说明等材料",
                notes="图纸须标明与城镇排水管网的接驳点",
            ),
            M(
                "按规定建设污水预处理设施的有关材料",
                core=False,
                tolerable=True,
                notes="餐饮等需设隔油池、沉淀池的提交；容缺受理的在承诺期限内补交",
            ),
            M(
                "排水隐蔽工程竣工报告",
                core=False,
                tolerable=True,
                required=False,
                notes="新建、改建、扩建项目提交",
            ),
            M(
                "排放污水水质检测报告",
                notes="列入重点排污单位名录的提交由具备资质的检测机构出具的报告",
            ),
            PROXY,
        ),
        steps=steps(BUILD, 5),
        special=(
            SpecialRow("site_survey", 3, "对检测井、预处理设施进行现场核查，时间不计入承诺时限"),
        ),
        keywords="排水许可 排污水 接管网 饭店排水 洗车店排水",
        visits=1,
        online_depth=3,
        result="城镇污水排入排水管网许可证",
        validity="5年",
        intermediary="排放污水水质检测（具备资质的检测机构）",
    ),
    "一般建设项目环境影响报告表审批（新办）": Guide(
        conditions="依法应当编制环境影响报告表的建设项目，在开工建设前报批；项目符合生态环境保护法律法规和相关规划，"
        "环境影响报告表编制规范、结论明确（《中华人民共和国环境影响评价法》第二十二条）。",
        materials=(
            M("建设项目环境影响报告表审批申请书", notes="建设单位盖章"),
            M(
                "建设项目环境影响报告表（全本）",
                notes="由建设单位或其委托的技术单位编制，附编制单位和编制人员承诺",
            ),
            M(
                "删除涉及国家秘密、商业秘密内容的环境影响报告表公开版本及说明",
                ELECTRONIC,
                notes="用于依法公示，不涉及秘密的提交与全本一致的电子版本",
            ),
            M(
                "项目立项（核准、备案）文件",
                ELECTRONIC,
                source=SHARED,
                notes="通过投资项目在线审批监管平台共享获取",
            ),
            PROXY,
        ),
        steps=steps(BUILD, 9, first="技术审查与审查"),
        special=(SpecialRow("expert_review", 10, "组织专家技术评估，时间不计入审批时限"),),
        keywords="环评 环境影响评价 环评批复 环评报告表",
        visits=0,
        result="建设项目环境影响报告表审批意见",
        validity="自批准之日起超过五年方开工建设的，应报原审批部门重新审核",
        intermediary="环境影响报告表编制（建设单位可自行编制或委托技术单位）",
    ),
    "建设工程（含临时建设）规划许可证核发": Guide(
        conditions="在城镇规划区内进行建筑物、构筑物、道路、管线和其他工程建设；已取得土地使用权；建设工程设计方案符合"
        "控制性详细规划和规划条件（《中华人民共和国城乡规划法》第四十条）。",
        materials=(
            M("建设工程规划许可申请表", notes="建设单位盖章"),
            M("使用土地的有关证明文件", ELECTRONIC, source=SHARED, notes="不动产权证书，共享获取"),
            M(
                "建设工程设计方案（总平面图、建筑单体平面、立面、剖面图）",
                notes="纸质2套并附电子文件",
            ),
            M(
                "规划条件或建设用地规划许可证",
                ELECTRONIC,
                source=SHARED,
                notes="出让用地提交规划条件，划拨用地提交建设用地规划许可证；共享获取",
            ),
            M(
                "临时建设的，提交临时建设使用期限承诺书",
                required=False,
                core=False,
                notes="承诺到期自行拆除",
            ),
            PROXY,
        ),
        steps=steps(BUILD, 9, first="方案审查"),
        special=(SpecialRow("expert_review", 10, "重大项目组织专家论证，时间不计入审批时限"),),
        keywords="规划许可 盖楼 建厂房 工程规划证 规划证",
        visits=0,
        result="建设工程规划许可证",
        validity="以许可证载明的有效期为准",
    ),
    "取水许可证新办审批": Guide(
        conditions="直接从江河、湖泊或者地下取用水资源的单位和个人（家庭生活和零星散养、圈养畜禽饮用等少量取水除外）；"
        "取水符合水资源规划和用水总量控制指标，已完成建设项目水资源论证（《中华人民共和国水法》第四十八条）。",
        materials=(
            M("取水许可申请书", notes="载明取水水源、取水量、取水用途、退水地点和退水量"),
            M("建设项目水资源论证报告书（表）", notes="由建设单位自行或委托技术单位编制"),
            M(
                "与第三者利害关系的相关说明",
                core=False,
                tolerable=True,
                notes="取水涉及他人合法权益的提交，包括书面协议或意见",
            ),
            M(
                "项目立项（核准、备案）文件",
                ELECTRONIC,
                source=SHARED,
                notes="通过投资项目在线审批监管平台共享获取",
            ),
            M(
                "申请人居民身份证",
                ELECTRONIC,
                source=SHARED,
                applies="person",
                notes="个人申请的提交；通过电子证照库共享获取，无法获取的现场提交",
            ),
            M(
                "营业执照或法人登记证书",
                ELECTRONIC,
                source=SHARED,
                applies="organisation",
                notes="单位申请的提交；通过电子证照库共享获取，无法获取的现场提交",
            ),
            PROXY,
        ),
        steps=steps(BUILD, 19, first="技术审查与审查"),
        special=(
            SpecialRow("expert_review", 15, "水资源论证报告组织专家评审，时间不计入审批时限"),
            SpecialRow("site_survey", 3, "取水口、计量设施现场核查，时间不计入承诺时限"),
        ),
        keywords="打井 抽水 取水证 用黄河水 灌溉取水 企业用水 地下水",
        visits=1,
        online_depth=3,
        result="取水许可证",
        validity="5年（最长不超过10年）",
        fee_standard="取水许可不收费；取用水按规定缴纳水资源税",
        intermediary="建设项目水资源论证报告编制（建设单位可自行编制或委托技术单位）",
        applicant="both",
    ),
    # ---- 交通 ---------------------------------------------------------------------------
    "道路货物运输经营许可": Guide(
        conditions="有与其经营业务相适应并经检测合格的车辆；有符合规定条件的驾驶人员；有健全的安全生产管理制度"
        "（《中华人民共和国道路运输条例》）。使用总质量4500千克及以下普通货运车辆从事普通货运经营的，无需申请。",
        materials=(
            M("道路货物运输经营申请表", notes="申请人签字或盖章"),
            M(
                "申请人居民身份证",
                BOTH_FORMS,
                source=SHARED,
                applies="person",
                notes="个人申请的提交；现场核验原件，已领取电子身份证照的可共享核验",
            ),
            M(
                "营业执照",
                ELECTRONIC,
                source=SHARED,
                applies="organisation",
                notes="企业申请的提交；通过电子证照库共享获取，申请人无需提交纸质件",
            ),
            M(
                "机动车辆行驶证、车辆技术等级评定结论或拟投入车辆承诺书",
                COPY,
                source=SHARED,
                notes="车辆信息可通过部门共享核验",
            ),
            M(
                "聘用或者拟聘用驾驶员的机动车驾驶证、从业资格证",
                COPY,
                source=SHARED,
                notes="通过道路运输从业人员信息系统共享核验",
            ),
            M(
                "安全生产管理制度文本",
                core=False,
                tolerable=True,
                notes="包括安全生产责任制度、操作规程、车辆技术管理等",
            ),
            PROXY,
        ),
        steps=steps(TRANSPORT, 4),
        keywords="跑货运 拉货 物流公司 货车 货运许可 道路运输许可证",
        visits=0,
        result="道路运输经营许可证",
        validity="以许可证载明的有效期为准，按规定接受年度核查",
        applicant="both",
    ),
    "道路货物运输车辆道路运输证配发": Guide(
        conditions="已取得道路货物运输经营许可，投入运营的车辆技术性能符合国家标准，依法办理了机动车登记"
        "（《道路货物运输及站场管理规定》）。",
        materials=(
            M("道路运输证配发申请表", notes="经营者签字或盖章"),
            M("道路运输经营许可证", ELECTRONIC, source=SHARED, notes="通过电子证照库共享获取"),
            M("机动车行驶证", COPY, source=SHARED, notes="通过公安交管信息共享核验"),
            M(
                "车辆技术等级评定结论或综合性能检测报告",
                source=SHARED,
                notes="由具备资质的检测机构出具，可共享获取",
            ),
            PROXY,
        ),
        steps=steps(TRANSPORT, 2),
        keywords="货车运输证 营运证 办营运证 道路运输证",
        visits=0,
        result="道路运输证",
        validity="与车辆营运期限一致，按规定年度审验",
        applicant="both",
    ),
    "巡游出租汽车经营许可": Guide(
        conditions="有符合要求的车辆或者保证满足车辆条件的承诺书；有取得从业资格证件的驾驶员；有健全的经营管理制度、"
        "安全生产管理制度和服务质量保障制度；有固定的经营场所和停车场地（《巡游出租汽车经营服务管理规定》）。",
        materials=(
            M("巡游出租汽车经营申请表", notes="申请人签字或盖章"),
            M(
                "投资人、负责人身份及资信证明",
                COPY,
                notes="个人提交身份证明，企业提交营业执照及资信材料",
            ),
            M(
                "巡游出租汽车车辆经营权证明及拟投入车辆承诺书",
                notes="车辆经营权通过服务质量招投标等方式取得",
            ),
            M(
                "聘用或者拟聘用驾驶员的从业资格证",
                COPY,
                source=SHARED,
                notes="通过道路运输从业人员信息系统共享核验",
            ),
            M(
                "经营管理制度、安全生产管理制度和服务质量保障制度文本",
                core=False,
                tolerable=True,
                notes="容缺受理的在承诺期限内补交",
            ),
            M(
                "经营场所、停车场地的使用证明",
                COPY,
                core=False,
                tolerable=True,
                notes="产权证明或租赁合同；容缺受理的在承诺期限内补交",
            ),
            PROXY,
        ),
        steps=steps(TRANSPORT, 9),
        keywords="出租车公司 开出租 的士 出租车经营",
        visits=1,
        online_depth=3,
        result="道路运输经营许可证",
        validity="以许可证载明的经营期限为准",
    ),
    # ---- 民政 ---------------------------------------------------------------------------
    "民办非企业单位成立登记": Guide(
        conditions="经业务主管单位审查同意；有规范的名称和必要的组织机构；有与其业务活动相适应的从业人员；有与其业务活动相适应的"
        "合法财产；有必要的场所（《民办非企业单位登记管理暂行条例》第八条）。",
        materials=(
            M("民办非企业单位成立登记申请书", notes="拟任法定代表人签字"),
            M(
                "业务主管单位的批准文件",
                source=GOVERNMENT,
                notes="由业务主管单位出具；已实行直接登记的类别无需提交",
            ),
            M("场所使用权证明", COPY, notes="产权证明或租期一年以上的租赁合同"),
            M("开办资金验资报告或资金证明", notes="资金应存入以拟成立单位名义开立的验资账户"),
            M(
                "拟任负责人的基本情况、身份证明",
                COPY,
                source=SHARED,
                notes="可通过电子证照共享核验身份",
            ),
            M("章程草案", notes="依照民政部示范章程起草"),
            PROXY,
        ),
        steps=steps(SOCIAL, 14),
        keywords="办民办学校 办培训机构 办养老院 社会服务机构 民非登记",
        visits=1,
        online_depth=3,
        result="民办非企业单位（法人）登记证书",
        validity="长期",
        intermediary="开办资金验资（会计师事务所，按其公示标准收费）",
        applicant="both",
    ),
    "社会团体成立登记": Guide(
        conditions="有50个以上的个人会员或者30个以上的单位会员（或混合会员不少于50个）；有规范的名称和相应的组织机构；"
        "有固定的住所；有与其业务活动相适应的专职工作人员；有合法的资产和经费来源，地方性社会团体有3万元以上"
        "活动资金；有独立承担民事责任的能力；已经业务主管单位审查同意并获准筹备（《社会团体登记管理条例》）。",
        materials=(
            M("社会团体成立登记申请书", notes="拟任法定代表人签字"),
            M("业务主管单位同意成立的批准文件", source=GOVERNMENT, notes="由业务主管单位出具"),
            M("会员大会或会员代表大会通过的章程", notes="附会员大会或会员代表大会会议纪要"),
            M("验资报告", notes="活动资金存入以拟成立社会团体名义开立的验资账户"),
            M("住所使用权证明", COPY, notes="产权证明或租赁合同"),
            M("负责人备案表及身份证明", COPY, notes="理事长、副理事长、秘书长均须提交"),
            M(
                "会员名册",
                core=False,
                tolerable=True,
                notes="载明会员名称或姓名、联系方式；容缺受理的在承诺期限内补交",
            ),
            PROXY,
        ),
        steps=steps(SOCIAL, 9),
        keywords="成立协会 成立商会 办社团 成立学会",
        visits=1,
        online_depth=3,
        result="社会团体法人登记证书",
        validity="长期",
        intermediary="活动资金验资（会计师事务所，按其公示标准收费）",
        applicant="both",
    ),
    # ---- 人社 ---------------------------------------------------------------------------
    "经营性人力资源服务机构从事职业中介活动许可": Guide(
        conditions="有明确的章程和管理制度；有开展业务必备的固定场所、办公设施；有一定数量具备相应职业资格的专职工作人员"
        "（《人力资源市场暂行条例》第十八条）。",
        materials=(
            M("人力资源服务许可申请表", notes="法定代表人签字并加盖公章"),
            BUSINESS_LICENCE,
            M("专职工作人员的基本情况及职业资格证明", COPY, notes="专职工作人员名单及相应证明"),
            M(
                "机构章程和工作规则、管理制度",
                core=False,
                tolerable=True,
                notes="容缺受理的在承诺期限内补交",
            ),
            PREMISES,
            PROXY,
        ),
        steps=steps(SOCIAL, 4),
        keywords="职业中介 人才中介 人力资源公司 找工作中介 开中介",
        visits=0,
        result="人力资源服务许可证",
        validity="长期",
    ),
    "经营劳务派遣业务（含新增业务、新设公司、分立、合并）许可": Guide(
        conditions="注册资本不得少于人民币二百万元；有与开展业务相适应的固定的经营场所和设施；有符合法律、行政法规规定的"
        "劳务派遣管理制度；法律、行政法规规定的其他条件（《中华人民共和国劳动合同法》第五十七条）。",
        materials=(
            M("劳务派遣经营许可申请书", notes="法定代表人签字并加盖公章"),
            BUSINESS_LICENCE,
            M(
                "公司章程及验资机构出具的验资报告或者财务审计报告",
                COPY,
                notes="证明注册资本实缴不少于人民币二百万元",
            ),
            M(
                "经营场所的使用证明及与开展业务相适应的办公设施设备、信息管理系统等清单",
                COPY,
                notes="产权证明或租赁合同及设施设备清单",
            ),
            M("法定代表人的身份证明", COPY, source=SHARED, notes="可通过电子证照共享核验"),
            M(
                "劳务派遣管理制度",
                core=False,
                tolerable=True,
                notes="含劳动合同、劳动报酬、社会保险、工作时间、休息休假、劳动纪律等与劳动者切身利益相关的规章制度文本，"
                "以及拟与用工单位签订的劳务派遣协议样本",
            ),
            PROXY,
        ),
        steps=steps(SOCIAL, 9),
        special=(SpecialRow("site_survey", 5, "对经营场所进行实地核查，时间不计入承诺时限"),),
        keywords="劳务派遣 派遣公司 劳务派遣许可证",
        visits=1,
        online_depth=3,
        result="劳务派遣经营许可证",
        validity="3年",
    ),
    # ---- 教体 ---------------------------------------------------------------------------
    "教师资格认定": Guide(
        conditions="遵守宪法和法律，热爱教育事业，具有良好的思想品德；具备《中华人民共和国教师法》规定的相应学历；"
        "通过国家教师资格考试；普通话水平达到国家规定标准；身体健康、具备承担教育教学工作的能力"
        "（《中华人民共和国教师法》第十条、第十一条；《教师资格条例》）。",
        materials=(
            M("教师资格认定申请表", notes="网上申报后打印，本人签字"),
            ID_CARD,
            M("学历证书", COPY, source=SHARED, notes="通过学信网共享核验，无法核验的提交原件"),
            M(
                "中小学教师资格考试合格证明",
                ELECTRONIC,
                source=SHARED,
                notes="通过教育部考试中心系统共享核验",
            ),
            M(
                "普通话水平测试等级证书",
                COPY,
                source=SHARED,
                notes="通过国家普通话水平测试信息系统共享核验",
            ),
            M("指定医院出具的体检合格证明", core=False, tolerable=True, notes="可在承诺期限内补交"),
            M("个人承诺书", notes="承诺无犯罪记录等"),
        ),
        steps=steps(SOCIAL, 14),
        keywords="教师资格证 考教师证 认定教资 教资认定 当老师",
        visits=1,
        online_depth=3,
        result="教师资格证书",
        validity="长期",
        applicant="person",
    ),
    "幼儿园设立审批": Guide(
        conditions="有组织机构和章程；有合格的园长、教师和保育员；有符合规定标准的园舍、场地和设施设备；有必备的办园资金和稳定的"
        "经费来源；选址符合安全和卫生要求（《幼儿园管理条例》《中华人民共和国民办教育促进法》）。",
        materials=(
            M("幼儿园设立申请书", notes="载明举办者、培养目标、办园规模、办园条件等"),
            M(
                "举办者居民身份证",
                COPY,
                source=SHARED,
                applies="person",
                notes="个人举办的提交；可通过电子证照库共享核验",
            ),
            M(
                "举办者法人登记证书",
                COPY,
                source=SHARED,
                applies="organisation",
                notes="单位举办的提交法人登记证书；可通过电子证照库共享获取",
            ),
            M("拟任园长及教师、保育员的资格证明", COPY, notes="园长、教师须具备相应教师资格"),
            M(
                "园舍、场地产权证明或租赁合同（租期不少于3年）",
                COPY,
                notes="须为独立园舍，不得设在地下室",
            ),
            M(
                "消防安全检查合格或消防验收备案材料",
                source=GOVERNMENT,
                notes="由消防救援机构或住建部门出具，可共享获取",
            ),
            M("卫生保健评价报告", source=GOVERNMENT, notes="由卫生健康部门指定的机构出具"),
            M(
                "资产来源、资金数额及有效证明文件",
                COPY,
                core=False,
                tolerable=True,
                notes="注明产权；容缺受理的在承诺期限内补交",
            ),
            M("幼儿园章程", core=False, tolerable=True, notes="容缺受理的在承诺期限内补交"),
            PROXY,
        ),
        steps=steps(SOCIAL, 19, extra=(StepRow("实地考察", "reviewer", SOCIAL, None),)),
        special=(
            SpecialRow(
                "site_survey",
                10,
                "会同教体、卫健、消防等部门实地考察园舍和设施，时间不计入承诺时限",
            ),
            SpecialRow("expert_review", 10, "组织专家评议办园条件，时间不计入承诺时限"),
        ),
        keywords="办幼儿园 开幼儿园 民办幼儿园 托儿所",
        visits=1,
        online_depth=3,
        result="民办学校办学许可证",
        validity="以办学许可证载明的有效期为准",
        applicant="both",
    ),
    "经营游泳许可": Guide(
        conditions="相关体育设施符合国家标准；具有达到规定数量的取得国家职业资格证书的社会体育指导人员和救助人员；"
        "具有相应的安全保障制度和措施；法律、法规规定的其他条件（《全民健身条例》第三十二条）。",
        materials=(
            M("经营高危险性体育项目申请书", notes="法定代表人签字并加盖公章"),
            BUSINESS_LICENCE,
            M(
                "体育场所设施符合相关国家标准的说明性材料",
                notes="含场地平面图、水质检测情况、救生设施清单",
            ),
            M("社会体育指导人员、救助人员的职业资格证明", COPY, notes="人员数量须达到国家标准规定"),
            M(
                "安全保障制度和措施",
                core=False,
                tolerable=True,
                notes="含安全责任、应急预案、救护措施；容缺受理的在承诺期限内补交",
            ),
            PREMISES,
            PROXY,
        ),
        steps=steps(SOCIAL, 9),
        special=(SpecialRow("site_survey", 5, "对游泳场所实地核查，时间不计入承诺时限"),),
        keywords="开游泳馆 游泳池 游泳场 泳池经营",
        visits=1,
        online_depth=3,
        result="高危险性体育项目经营许可证",
        validity="以许可证载明的有效期为准",
    ),
    # ---- 文广 ---------------------------------------------------------------------------
    "设立歌舞娱乐场所《娱乐经营许可证》核发": Guide(
        conditions="已取得营业执照；场所不在居民楼、博物馆、图书馆和被核定为文物保护单位的建筑物内，与学校、医院、机关的距离"
        "符合规定；包厢、包间设置透明门窗，不得设置隔断；符合消防、卫生、环境保护等要求；投资人、法定代表人、"
        "主要负责人无《娱乐场所管理条例》第五条规定的情形。",
        materials=(
            M("娱乐经营许可申请书", notes="法定代表人签字并加盖公章"),
            BUSINESS_LICENCE,
            M(
                "投资人、法定代表人、主要负责人的身份证明及无《娱乐场所管理条例》第五条规定情形的书面声明",
                COPY,
                notes="声明由本人签字",
            ),
            M("房产权属证书或租赁合同", COPY, notes="租赁的须附出租方产权证明"),
            M("场所平面示意图", notes="标明包厢、包间数量及面积、消防通道"),
            M(
                "消防安全检查合格证明或告知承诺材料",
                source=GOVERNMENT,
                core=False,
                tolerable=True,
                notes="由消防救援机构出具，可共享获取；容缺受理的在承诺期限内补交",
            ),
            PROXY,
        ),
        steps=steps(TRANSPORT, 7, extra=(StepRow("实地检查", "reviewer", TRANSPORT, None),)),
        special=(
            SpecialRow("site_survey", 5, "两名以上工作人员实地检查场所，时间不计入承诺时限"),
            SpecialRow(
                "hearing",
                20,
                "场所周边居民等利害关系人申请听证的依法组织听证，时间不计入审批时限"
                "（《中华人民共和国行政许可法》第四十六条至第四十八条）",
            ),
        ),
        keywords="开KTV 开歌厅 开酒吧 开夜总会 娱乐经营许可证",
        visits=1,
        online_depth=3,
        result="娱乐经营许可证",
        validity="2年",
    ),
    "举办营业性演出审批": Guide(
        conditions="举办单位为演出经纪机构；演出内容不含《营业性演出管理条例》禁止的内容；演出场所合法，具备安全条件；"
        "已制定安全保卫工作方案和灭火、应急疏散预案。",
        materials=(
            M("营业性演出申请表", notes="演出经纪机构盖章"),
            M("演出经纪机构的营业性演出许可证", source=SHARED, notes="通过电子证照库共享获取"),
            M("演出节目内容材料", notes="节目单、演员名单及演出视频或文字材料"),
            M("演出场所合法使用证明", COPY, notes="场所租赁合同或使用协议"),
            M(
                "与演员、场所签订的协议或合同",
                COPY,
                core=False,
                tolerable=True,
                notes="容缺受理的在演出前补交",
            ),
            PROXY,
        ),
        steps=steps(TRANSPORT, None, first="内容审核", decision_days=1),
        keywords="办演出 演唱会 商业演出 文艺演出",
        visits=0,
        result="营业性演出批准文件",
        validity="批准的演出日期内有效",
    ),
    "出版物零售单位和个体工商户设立审批": Guide(
        conditions="已取得营业执照；有确定的企业名称和经营范围；有与出版物零售业务相适应的设备和固定的经营场所"
        "（《出版管理条例》第三十七条；《出版物市场管理规定》）。",
        materials=(
            M("出版物零售单位设立申请表", notes="法定代表人或负责人签字"),
            BUSINESS_LICENCE,
            M("经营场所的使用证明", COPY, notes="产权证明或租赁合同"),
            M(
                "经营场所平面示意图及照片",
                core=False,
                tolerable=True,
                notes="容缺受理的在承诺期限内补交",
            ),
            M(
                "法定代表人或者主要负责人的身份证明",
                COPY,
                source=SHARED,
                notes="可通过电子证照共享核验",
            ),
            PROXY,
        ),
        steps=steps(TRANSPORT, 4),
        keywords="开书店 卖书 卖报刊 文具店卖书",
        visits=0,
        result="出版物经营许可证",
        validity="以许可证载明的有效期为准",
        applicant="both",
    ),
}
