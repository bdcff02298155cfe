"""The demo county's cases: about forty applications in every state of their life, built only
through `oneseal.cases.actions` by the demo staff and two applicants' online accounts.

Every date is counted in working days back (and, for promises, forward) from the day the demo
is loaded, on the calendar in force (`calendars.queries.current_calendar`), so whatever day
`make demo` runs the bureau has cases just received, cases waiting for a correction, cases
under review, suspended for a hearing or an expert review, extended once, decided, delivered,
refused, withdrawn and terminated — and the warnings are right: a few yellow cards, red cards
for broken promises and an alarm for a case past its statutory limit.

Each case is a short story (a generator): it yields the moment of its next step and then takes
that step through the real actions. `_run` plays all stories in time order, so case numbers and
licence numbers rise with the dates as they would in a real hall. The events themselves are
stamped with the time they are written (`CaseEvent.at`); their business date (`on`) is the
story's.
"""

import datetime
import functools
import heapq
from collections import Counter
from collections.abc import Callable, Iterator

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from oneseal.applicants.actions import record_authorisation, register_applicant, sign_up
from oneseal.applicants.models import Applicant, Authorisation
from oneseal.applicants.queries import accounts_acting_for
from oneseal.calendars.queries import current_calendar
from oneseal.calendars.queries import today as business_today
from oneseal.cases import actions
from oneseal.cases.actions import licences as licence_actions
from oneseal.cases.jobs import warning_scan
from oneseal.cases.models import Case, CaseMaterial, Channel, Licence, State
from oneseal.cases.rules import EXTENSION_DAYS
from oneseal.catalogue.models import Catalogue, HandlingItem, ItemVersion
from oneseal.catalogue.rules import material_applies
from oneseal.errors import Conflict

from .data import applicants as people
from .data import catalogue as table
from .data import organisation as org

# The complete service guides the stories use (data/guides.py), by handling-item name.
FOOD = "食品(含保健食品)经营许可核发"
FOOD_CHANGE = "食品(含保健食品)经营许可变更经营项目"
FOOD_RENEWAL = "食品(含保健食品)经营许可延续"
FOOD_CANCELLATION = "食品(含保健食品)经营许可注销"
SOLE_TRADER = "个体工商户设立登记"
COMPANY = "公司设立登记"
HYGIENE = "公共场所卫生许可新办审批"
CONSTRUCTION = "建筑工程施工许可证核发"
EIA = "一般建设项目环境影响报告表审批（新办）"
PLANNING = "建设工程（含临时建设）规划许可证核发"
WATER = "取水许可证新办审批"
FREIGHT = "道路货物运输经营许可"
VEHICLE = "道路货物运输车辆道路运输证配发"
TAXI = "巡游出租汽车经营许可"
NON_PROFIT = "民办非企业单位成立登记"
SOCIETY = "社会团体成立登记"
HR_AGENCY = "经营性人力资源服务机构从事职业中介活动许可"
DISPATCH = "经营劳务派遣业务（含新增业务、新设公司、分立、合并）许可"
TEACHER = "教师资格认定"
KINDERGARTEN = "幼儿园设立审批"
SWIMMING = "经营游泳许可"
KTV = "设立歌舞娱乐场所《娱乐经营许可证》核发"
BOOKSHOP = "出版物零售单位和个体工商户设立审批"

ITEMS = (
    FOOD,
    FOOD_CHANGE,
    FOOD_RENEWAL,
    FOOD_CANCELLATION,
    SOLE_TRADER,
    COMPANY,
    HYGIENE,
    CONSTRUCTION,
    EIA,
    PLANNING,
    WATER,
    FREIGHT,
    VEHICLE,
    TAXI,
    NON_PROFIT,
    SOCIETY,
    HR_AGENCY,
    DISPATCH,
    TEACHER,
    KINDERGARTEN,
    SWIMMING,
    KTV,
    BOOKSHOP,
)

FOOD_SCOPE = "预包装食品（含冷藏冷冻食品）销售；散装食品（含冷藏冷冻食品）销售"
RESTAURANT_SCOPE = "热食类食品制售；冷食类食品制售（不含冷加工糕点）"


def _material_pdf(material: str, applicant: str) -> bytes:
    """A one-page A4 PDF naming the material and the applicant: the file a demo applicant
    sends online (or the clerk scans) for that material, so that each file of a case differs
    from the others and says what it stands for."""
    return _pdf_of(
        (material, _("申请人：{name}").format(name=applicant), _("演示数据，仅供演示")),
        author=applicant,
    )


@functools.lru_cache(maxsize=64)
def _pdf_of(lines: tuple[str, ...], *, author: str) -> bytes:
    """The first line as a title, the others under it, in the documents' CJK font cut
    (`documents.rendering.fonts_for`) subset to the few characters used: a few kilobytes,
    well under a tenth of a second each, and drawn once for a material the demo sends twice."""
    from fpdf import FPDF
    from fpdf.fonts import TTFFont

    from oneseal.documents.rendering import FONT, RARE_FONT, fonts_for

    common, rare = fonts_for("".join(lines))
    pdf = FPDF(format="A4")
    pdf.set_title(lines[0])
    pdf.set_author(author)
    pdf.add_font(FONT, fname=common)
    if rare:  # a name's rare character (𠮷)
        pdf.add_font(RARE_FONT, fname=rare)
        pdf.set_fallback_fonts([RARE_FONT])
    for font in pdf.fonts.values():
        # As the documents do: the cut's own boxes enclose the subset's, so writing it need
        # not re-measure every outline.
        if isinstance(font, TTFFont):
            font.ttfont.recalcBBoxes = False
    pdf.set_margins(25, 25, 25)
    pdf.add_page()
    pdf.set_y(40)
    pdf.set_font(FONT, size=18)
    pdf.multi_cell(0, 10, lines[0], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT, size=12)
    for line in lines[1:]:
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def demo_applicant_numbers() -> tuple[list[str], list[str]]:
    return [p.number for p in people.PEOPLE], [o.number for o in people.ORGANISATIONS]


def demo_cases():
    """The demo's cases: Pingluo's cases of the demo applicants."""
    id_numbers, credit_codes = demo_applicant_numbers()
    return Case.objects.filter(region_code=org.COUNTY_CODE).filter(
        applicant__in=Applicant.objects.filter(id_number__in=id_numbers, kind=Applicant.Kind.PERSON)
        | Applicant.objects.filter(credit_code__in=credit_codes, kind=Applicant.Kind.ORGANISATION)
    )


def exist() -> bool:
    return demo_cases().exists()


def summary(today: datetime.date) -> tuple[dict[str, int], dict[str, int]]:
    """Demo cases per state, and the county's warnings today (cases.jobs.warning_scan)."""
    per_state = Counter(demo_cases().values_list("state", flat=True))
    return {s.value: per_state.get(s.value, 0) for s in State}, warning_scan(
        today, prefix=org.COUNTY_CODE
    )


# ---- the stage: dates, people, and the actions with the story's date ------------------------


class Stage:
    """What the stories share: today, the calendar, the demo accounts, handling items and
    applicants, and the moment the running story has reached (set by `_run`)."""

    def __init__(
        self,
        today: datetime.date,
        users: dict,
        items: dict[str, HandlingItem],
        applicants: dict[str, Applicant],
    ):
        self.today = today
        self.cal = current_calendar()
        self.users = users
        self.items = items
        self.applicants = applicants
        self.agents = {a.key: a for a in people.AGENTS}
        self.moment: datetime.datetime | None = None

    # -- dates --

    def ago(self, n: int) -> datetime.date:
        """The n-th working day before today (n ≥ 1: always a working day, even when today is not)."""
        return self.cal.before(self.today, n).date

    def ahead(self, n: int) -> datetime.date:
        return self.cal.add(self.today, n).date

    def before(self, day: datetime.date, n: int) -> datetime.date:
        return self.cal.before(day, n).date

    def at(self, day: datetime.date, hhmm: str) -> datetime.datetime:
        hour, minute = (int(x) for x in hhmm.split(":"))
        return datetime.datetime.combine(
            day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone()
        )

    def _due(self, left: int) -> datetime.date:
        """The day `left` working days ahead (negative: that many working days ago)."""
        return self.ahead(left) if left > 0 else self.ago(-left)

    def accepted_for(self, item: str, *, promised_left: int) -> datetime.date:
        """The acceptance day that leaves `promised_left` working days of the item's promised
        limit today (negative: the promise was broken that many working days ago)."""
        return self.before(self._due(promised_left), self.items[item].promised_limit_days)

    def accepted_for_statutory(self, item: str, *, statutory_left: int) -> datetime.date:
        return self.before(self._due(statutory_left), self.items[item].statutory_limit_days)

    @property
    def on(self) -> datetime.date:
        day = self.moment.date()
        if day > self.today:
            raise AssertionError(f"a demo story acts on {day}, after today {self.today}")
        return day

    # -- the actions, as the story's people take them on the story's date --

    def online_account(self, applicant: Applicant):
        """The account that acts online for the applicant: a person's own, an organisation's
        authorised representative's."""
        account = accounts_acting_for(applicant).first()
        if account is None:
            raise AssertionError(f"no online account acts for {applicant.name}")
        return account

    def receive(
        self,
        item: str,
        applicant: str,
        *,
        by: str = "clerk",
        agent: str | None = None,
        licence: Licence | None = None,
    ) -> Case:
        who = self.applicants[applicant]
        if by == "online":
            actor, channel = self.online_account(who), Channel.ONLINE
        else:
            actor, channel = self.users[by], Channel.WINDOW
        extra: dict = {}
        if by == "online":
            # An online application carries its required files (cases.actions.missing_uploads):
            # the demo applicant sends a one-page PDF for each, naming the material.
            names = dict(self.items[item].materials.values_list("pk", "name"))
            extra["uploads"] = {
                pk: ContentFile(_material_pdf(names[pk], who.name), name=f"{field}.pdf")
                for field in actions.missing_uploads(self.items[item], who, ())
                for pk in [int(field.removeprefix("material-"))]
            }
        if agent:
            a = self.agents[agent]
            extra = {"agent_name": a.name, "agent_id_number": a.number, "agent_phone": a.phone}
        return actions.receive(
            self.items[item],
            actor=actor,
            applicant=who,
            channel=channel,
            at=self.moment,
            target_licence=licence,
            **extra,
        )

    def licence_of(self, applicant: str, item: str) -> Licence:
        """The applicant's latest licence of the item (the register's answer at the window)."""
        return (
            Licence.objects.filter(
                holder=self.applicants[applicant],
                case__handling_item__item_version__item=self.items[item].item_version.item,
            )
            .order_by("-pk")
            .first()
        )

    def _lines(self, case: Case, fragments) -> list[CaseMaterial]:
        lines = list(case.materials.select_related("material"))
        found = []
        for fragment in fragments:
            match = [line for line in lines if fragment in line.material.name]
            if len(match) != 1:
                raise AssertionError(
                    f"{fragment!r} names {len(match)} materials of {case.handling_item.name}"
                )
            found.append(match[0])
        return found

    def check(self, case: Case, *, leave=(), by: str = "clerk") -> Case:
        """The clerk checks the materials: every required one provided except those in `leave`
        (to be tolerated or corrected); the power of attorney only where an agent files."""
        left = {line.pk for line in self._lines(case, leave)}
        statuses = {}
        for line in case.materials.select_related("material"):
            if line.pk in left:
                continue
            applies = material_applies(
                line.material, applicant_kind=case.applicant.kind, by_agent=bool(case.agent_name)
            )
            by_agent = "授权委托书" in line.material.name and case.agent_name
            if applies and (line.material.is_required or by_agent):
                statuses[line.pk] = CaseMaterial.Status.PROVIDED
            else:
                statuses[line.pk] = CaseMaterial.Status.NOT_NEEDED
        return actions.check_materials(case, actor=self.users[by], statuses=statuses)

    def accept(
        self, case: Case, *, tolerate: dict[str, datetime.date] | None = None, by: str = "clerk"
    ) -> Case:
        tolerate = tolerate or {}
        tolerated = {
            line.pk: day
            for line, day in zip(self._lines(case, list(tolerate)), tolerate.values(), strict=True)
        }
        return actions.accept(case, actor=self.users[by], on=self.on, tolerated=tolerated or None)

    def receive_and_accept(
        self,
        item: str,
        applicant: str,
        *,
        tolerate: dict[str, datetime.date] | None = None,
        by: str = "clerk",
        agent: str | None = None,
        licence: Licence | None = None,
    ) -> Case:
        case = self.receive(item, applicant, by=by, agent=agent, licence=licence)
        self.check(case, leave=list(tolerate or {}), by=by)
        return self.accept(case, tolerate=tolerate, by=by)

    def request_correction(
        self, case: Case, items: dict[str, str], *, missing=(), by: str = "clerk"
    ) -> Case:
        """One notice listing every material to correct (`items`: what is wrong); those in
        `missing` were not handed in at all, the others were and are defective."""
        self.check(case, leave=missing, by=by)
        lines = self._lines(case, list(items))
        return actions.request_correction(
            case,
            actor=self.users[by],
            on=self.on,
            items={line.pk: note for line, note in zip(lines, items.values(), strict=True)},
        )

    def submit_correction(self, case: Case, *, by: str = "clerk") -> Case:
        actor = self.online_account(case.applicant) if by == "online" else self.users[by]
        return actions.submit_correction(case, actor=actor, on=self.on)

    def refuse(
        self, case: Case, *, clause: str, reason: str, competent_body: str = "", by: str = "clerk"
    ) -> Case:
        return actions.refuse(
            case,
            actor=self.users[by],
            clause=clause,
            reason=reason,
            competent_body=competent_body,
            on=self.on,
        )

    def review(self, case: Case, by: str, opinion: str, *, outcome: str = "approve") -> Case:
        return actions.complete_review_step(
            case, actor=self.users[by], opinion=opinion, outcome=outcome, on=self.on
        )

    def inspect(self, case: Case, by: str, *, partner: str, place: str, findings: str):
        return actions.record_site_inspection(
            case,
            actor=self.users[by],
            on=self.on,
            place=place,
            findings=findings,
            inspectors=[self.users[by], self.users[partner]],
        )

    def suspend(self, case: Case, by: str, *, kind: str, reason: str, days: int) -> Case:
        return actions.suspend(
            case, actor=self.users[by], kind=kind, reason=reason, expected_days=days, on=self.on
        )

    def resume(self, case: Case, by: str) -> Case:
        return actions.resume(case, actor=self.users[by], on=self.on)

    def request_extension(self, case: Case, by: str, reason: str) -> Case:
        return actions.request_extension(case, actor=self.users[by], reason=reason, on=self.on)

    def approve_extension(self, case: Case, *, by: str = "signatory") -> Case:
        return actions.approve_extension(case, actor=self.users[by], on=self.on)

    def grant(
        self,
        case: Case,
        scope: str,
        *,
        years: int | None = None,
        until: datetime.date | None = None,
        by: str = "signatory",
    ):
        valid_until = until
        if years:
            valid_until = _years_after(self.on, years) - datetime.timedelta(days=1)
        return actions.grant(
            case,
            actor=self.users[by],
            on=self.on,
            scope=scope,
            valid_from=self.on,
            valid_until=valid_until,
        )

    def grant_on_licence(self, case: Case, *, scope: str = "", by: str = "signatory"):
        """The grant of a 变更 / 延续 / 注销 case: the licence it names changes; a renewal's new
        validity follows the current one for the period the guide sets."""
        return actions.grant(case, actor=self.users[by], on=self.on, scope=scope)

    def days_ahead(self, n: int) -> datetime.date:
        return self.today + datetime.timedelta(days=n)

    def deny(self, case: Case, reasons: list[str], *, by: str = "signatory") -> Case:
        return actions.deny(case, actor=self.users[by], on=self.on, reasons=reasons)

    def deliver(self, case: Case, channel: str, *, tracking_number: str = "", by: str = "clerk"):
        return actions.deliver(
            case, actor=self.users[by], channel=channel, tracking_number=tracking_number, on=self.on
        )

    def supply(self, case: Case, fragment: str, *, by: str = "clerk") -> Case:
        (line,) = self._lines(case, [fragment])
        scan = ContentFile(
            _material_pdf(line.material.name, case.applicant.name), name=f"{line.material.name}.pdf"
        )
        return actions.supply_tolerated_material(
            case, line, actor=self.users[by], upload=scan, on=self.on
        )

    def withdraw(self, case: Case, reason: str, *, by: str = "clerk") -> Case:
        actor = self.online_account(case.applicant) if by == "online" else self.users[by]
        return actions.withdraw(case, actor=actor, reason=reason, on=self.on)

    def terminate(self, case: Case, reason: str, *, by: str = "signatory") -> Case:
        return actions.terminate(case, actor=self.users[by], reason=reason, on=self.on)


def _years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


Story = Callable[[Stage], Iterator[datetime.datetime]]


# ---- received, and waiting for a correction ---------------------------------------------------


def company_just_received(s: Stage):
    yield s.at(s.ago(1), "14:20")
    s.receive(COMPANY, "wang_lei", by="clerk2")


def teacher_applied_online_after_hours(s: Stage):
    yield s.at(s.ago(1), "21:14")
    s.receive(TEACHER, "zhang_shan", by="online")


def swimming_pool_received(s: Stage):
    yield s.at(s.ago(2), "10:05")
    s.receive(SWIMMING, "bishuiwan_swim")


def care_centre_corrected(s: Stage):
    yield s.at(s.ago(6), "09:40")
    case = s.receive(NON_PROFIT, "ding_xiulan")
    yield s.at(s.ago(5), "11:00")
    s.request_correction(
        case,
        {
            "开办资金": "开办资金证明为复印件且无银行签章，请提交开户银行出具的资金存款证明原件",
            "章程草案": "章程草案未载明业务范围及举办者的权利义务，请依照民政部示范章程修改后提交",
        },
    )
    yield s.at(s.ago(1), "15:30")
    s.submit_correction(case, by="clerk2")


def restaurant_online_waiting_for_correction(s: Stage):
    yield s.at(s.ago(3), "22:36")
    case = s.receive(FOOD, "shahu_renjia", by="online")
    yield s.at(s.ago(2), "09:15")
    s.request_correction(
        case,
        {
            "主要设备设施": "经营场所平面布局图未标明粗加工、烹饪、餐用具清洗消毒区域，请补充标注后重新上传",
            "食品安全管理人员": "未上传食品安全管理人员培训考核合格证明",
        },
        missing=["食品安全管理人员"],
    )


def society_waiting_for_correction(s: Stage):
    yield s.at(s.ago(4), "10:30")
    case = s.receive(SOCIETY, "ma_zhiqiang")
    yield s.at(s.ago(3), "16:00")
    s.request_correction(
        case,
        {
            "业务主管单位": "缺少业务主管单位（平罗县文学艺术界联合会）同意成立的批准文件",
            "验资报告": "验资报告载明的活动资金为2万元，不足《社会团体登记管理条例》规定的地方性社会团体3万元",
        },
        missing=["业务主管单位"],
        by="clerk2",
    )


def bookshop_online_waiting_for_correction(s: Stage):
    yield s.at(s.ago(2), "20:48")
    case = s.receive(BOOKSHOP, "zhang_shan", by="online")
    yield s.at(s.ago(1), "10:20")
    s.request_correction(
        case,
        {
            "经营场所的使用证明": "上传的房屋租赁合同已于上月到期，请提交续租合同",
            "平面示意图": "请补充经营场所平面示意图及门头、店内照片",
        },
        missing=["平面示意图"],
    )


# ---- accepted: under review, on time ----------------------------------------------------


def eia_under_review(s: Stage):
    yield s.at(s.ago(3), "09:50")
    case = s.receive(EIA, "baofeng_recycling")
    s.check(case)
    yield s.at(s.ago(2), "10:30")
    s.accept(case)


def teacher_accepted_with_medical_to_follow(s: Stage):
    yield s.at(s.ago(4), "10:40")
    s.receive_and_accept(TEACHER, "na_jiying", tolerate={"体检合格证明": s.ahead(10)})


def society_accepted_with_member_list_to_follow(s: Stage):
    yield s.at(s.ago(3), "15:10")
    case = s.receive(SOCIETY, "ecommerce_centre")
    s.check(case, leave=["会员名册"])
    yield s.at(s.ago(2), "09:20")
    s.accept(case, tolerate={"会员名册": s.ahead(5)})


def ktv_reviewed_and_inspected(s: Stage):
    yield s.at(s.ago(5), "10:00")
    case = s.receive_and_accept(KTV, "xinghaihu_ktv", tolerate={"消防安全检查": s.ahead(8)})
    yield s.at(s.ago(3), "16:20")
    s.review(
        case,
        "reviewer_culture",
        "申请材料齐全，场所不在居民楼、学校周边200米范围内，符合《娱乐场所管理条例》"
        "第七条的规定，拟实地检查包厢设置和消防通道",
    )
    yield s.at(s.ago(2), "10:00")
    s.inspect(
        case,
        "reviewer_culture",
        partner="reviewer_social",
        place="平罗县城关镇星海湖路16号二层",
        findings="包厢12间均设透明门窗，未设隔断和内锁；消防通道2处畅通，应急照明和疏散指示完好；"
        "营业面积与平面示意图一致",
    )
    yield s.at(s.today, "08:45")
    steps = actions.steps_of(case)
    pending = next(step for step in steps if step.state == "pending")
    actions.assign_step(
        case, pending, actor=s.users["signatory"], assignee=s.users["reviewer_culture"]
    )


def kindergarten_reviewed(s: Stage):
    yield s.at(s.ago(9), "09:30")
    case = s.receive(KINDERGARTEN, "qihang_education", agent="ma_li")
    s.check(case, leave=["幼儿园章程"])
    yield s.at(s.ago(8), "10:10")
    s.accept(case, tolerate={"幼儿园章程": s.ahead(6)})
    yield s.at(s.ago(3), "15:00")
    s.review(
        case,
        "reviewer_social",
        "园舍为独立二层建筑，生均建筑面积、师资配备符合自治区幼儿园办园标准，"
        "请实地考察户外活动场地和食堂",
    )


def water_permit_resumed_after_expert_review(s: Stage):
    yield s.at(s.ago(31), "09:30")
    case = s.receive(WATER, "fengyuan_agri")
    s.check(case)
    yield s.at(s.ago(30), "10:00")
    s.accept(case)
    yield s.at(s.ago(25), "11:00")
    s.suspend(
        case,
        "reviewer_build",
        kind="expert_review",
        days=15,
        reason="《建设项目水资源论证报告书》需组织专家技术评审，评审时间不计入审批时限",
    )
    yield s.at(s.ago(8), "09:00")
    s.resume(case, "reviewer_build")
    yield s.at(s.ago(3), "16:40")
    s.review(
        case,
        "reviewer_build",
        "专家评审意见已落实，年取水量48万立方米在县域地下水取用水总量控制指标内，同意",
    )


# ---- accepted: yellow, red and the statutory alarm ---------------------------------------------


def restaurant_yellow(s: Stage):
    accepted = s.accepted_for(FOOD, promised_left=2)
    yield s.at(accepted, "09:05")
    s.receive_and_accept(FOOD, "yaofu_restaurant")


def hr_agency_yellow(s: Stage):
    accepted = s.accepted_for(HR_AGENCY, promised_left=1)
    yield s.at(s.before(accepted, 1), "16:10")
    case = s.receive(HR_AGENCY, "dingsheng_hr", by="clerk2")
    s.check(case, leave=["经营场所使用证明"], by="clerk2")
    yield s.at(accepted, "09:00")
    s.accept(case, tolerate={"经营场所使用证明": s.ahead(4)}, by="clerk2")


def noodle_shop_red(s: Stage):
    accepted = s.accepted_for(FOOD, promised_left=-2)
    yield s.at(s.before(accepted, 1), "15:40")
    case = s.receive(FOOD, "lao_ma_noodles")
    s.check(case)
    yield s.at(accepted, "09:10")
    s.accept(case)


def supermarket_renewal_deemed_accepted(s: Stage):
    # The supermarket's licence, issued last year, expires in two months.
    yield s.at(s.ago(245), "10:00")
    first = s.receive_and_accept(FOOD, "fushun_market")
    s.review(first, "reviewer", "经营场所布局、设备设施符合要求，同意")
    s.grant(first, FOOD_SCOPE, until=s.days_ahead(60))
    s.deliver(first, "window")
    yield s.at(s.ago(8), "11:20")
    case = s.receive(FOOD_RENEWAL, "fushun_market", licence=s.licence_of("fushun_market", FOOD))
    # Nobody decided within 5 working days: the worker's nightly pass deems it accepted
    # as of the day the materials arrived (《行政许可法》第三十二条).
    yield s.at(s.ago(2), "01:00")
    actions.deem_accepted(case, today=s.on)


def hotel_red_waiting_for_decision(s: Stage):
    accepted = s.accepted_for(HYGIENE, promised_left=-1)
    yield s.at(s.before(accepted, 1), "14:45")
    case = s.receive(HYGIENE, "shahu_hotel")
    s.check(case)
    yield s.at(accepted, "09:30")
    s.accept(case)
    yield s.at(s.ago(2), "17:10")
    s.review(
        case, "reviewer_social", "卫生检测报告各项指标合格，客房、公共卫生间卫生设施符合要求，同意"
    )


def building_permit_past_statutory_limit(s: Stage):
    accepted = s.accepted_for_statutory(CONSTRUCTION, statutory_left=-2)
    yield s.at(s.before(accepted, 1), "10:15")
    case = s.receive(CONSTRUCTION, "chengxiang", agent="li_jianguo")
    s.check(case)
    yield s.at(accepted, "09:00")
    s.accept(case)
    yield s.at(s.before(s.ago(2), 5), "11:30")
    s.review(case, "reviewer_build", "施工图审查合格，中标通知书、施工合同、资金落实承诺齐全，同意")


def freight_near_statutory_limit(s: Stage):
    accepted = s.accepted_for_statutory(FREIGHT, statutory_left=2)
    yield s.at(s.before(accepted, 1), "11:05")
    case = s.receive(FREIGHT, "ding_haijun")
    s.check(case)
    yield s.at(accepted, "09:40")
    s.accept(case)


# ---- accepted and extended (《行政许可法》第四十二条) ----------------------------------------------


def planning_permit_extended(s: Stage):
    yield s.at(s.ago(13), "10:20")
    case = s.receive(PLANNING, "park_development")
    s.check(case)
    yield s.at(s.ago(12), "09:10")
    s.accept(case)
    yield s.at(s.ago(2), "15:00")
    s.request_extension(
        case,
        "reviewer_build",
        "建设工程设计方案涉及控制性详细规划中道路红线的调整，需征求县自然资源局、"
        "住房和城乡建设局意见，20个工作日内不能作出决定",
    )
    yield s.at(s.ago(1), "10:00")
    s.approve_extension(case)


def taxi_extended_and_yellow(s: Stage):
    accepted = s.before(s.before(s.ahead(1), EXTENSION_DAYS), s.items[TAXI].promised_limit_days)
    yield s.at(s.before(accepted, 1), "15:20")
    case = s.receive(TAXI, "shuntong_taxi")
    s.check(case)
    yield s.at(accepted, "09:30")
    s.accept(case)
    yield s.at(s.ago(4), "11:00")
    s.review(
        case,
        "reviewer_culture",
        "驾驶员从业资格、经营管理制度符合要求；车辆经营权证明待与石嘴山市交通运输局核实",
    )
    yield s.at(s.ago(2), "16:30")
    s.request_extension(
        case,
        "reviewer_culture",
        "拟投入的12辆车的经营权证明需与石嘴山市交通运输局逐车核实，法定期限内不能作出决定",
    )
    yield s.at(s.ago(1), "09:00")
    s.approve_extension(case)


# ---- suspended for a special procedure (第四十五条) ------------------------------------------------


def ktv_suspended_for_a_hearing(s: Stage):
    yield s.at(s.ago(8), "09:50")
    case = s.receive_and_accept(KTV, "jinse_nianhua")
    yield s.at(s.ago(6), "15:30")
    s.review(
        case,
        "reviewer_culture",
        "申请材料符合要求；场所所在楼宇三层以上为住宅，依《行政许可法》第三十六条告知相邻住户",
    )
    yield s.at(s.ago(4), "10:00")
    s.suspend(
        case,
        "reviewer_culture",
        kind="hearing",
        days=20,
        reason="相邻住户12户联名提出听证申请，依《中华人民共和国行政许可法》第四十七条组织听证，"
        "听证所需时间不计入审批时限",
    )


def eia_suspended_for_expert_review(s: Stage):
    yield s.at(s.ago(7), "10:45")
    case = s.receive(EIA, "xingchen_chemical")
    s.check(case)
    yield s.at(s.ago(6), "09:00")
    s.accept(case)
    yield s.at(s.ago(3), "14:00")
    s.suspend(
        case,
        "reviewer_build",
        kind="expert_review",
        days=10,
        reason="项目涉及危险化学品储存，组织环境影响评价技术评估专家评审会，评审时间不计入审批时限",
    )


def food_change_suspended_for_site_survey(s: Stage):
    yield s.at(s.ago(250), "09:40")
    first = s.receive_and_accept(FOOD, "saishang_grain")
    s.review(first, "reviewer", "预包装食品销售的经营场所、贮存设施符合要求，同意")
    s.grant(first, "预包装食品（不含冷藏冷冻食品）销售", years=5)
    s.deliver(first, "electronic")
    yield s.at(s.ago(3), "11:30")
    case = s.receive(FOOD_CHANGE, "saishang_grain", licence=s.licence_of("saishang_grain", FOOD))
    s.check(case)
    yield s.at(s.ago(2), "09:00")
    s.accept(case)
    yield s.at(s.ago(1), "14:30")
    s.suspend(
        case,
        "reviewer",
        kind="site_survey",
        days=5,
        reason="新增冷藏冷冻食品经营项目，需现场核查冷链贮存设备设施，核查时间不计入承诺时限",
    )


# ---- granted, not yet delivered ----------------------------------------------------------


def food_licence_held_for_a_tolerated_material(s: Stage):
    yield s.at(s.ago(4), "10:10")
    case = s.receive_and_accept(FOOD, "jinshawan", tolerate={"食品安全管理人员": s.ahead(3)})
    yield s.at(s.ago(3), "15:00")
    s.review(
        case,
        "reviewer",
        "经营场所布局、设备设施符合要求；食品安全管理人员培训考核证明容缺后补，同意",
    )
    yield s.at(s.ago(2), "10:30")
    s.grant(case, FOOD_SCOPE, years=5)


def vehicle_certificate_waiting_for_pickup(s: Stage):
    yield s.at(s.ago(3), "09:15")
    case = s.receive_and_accept(VEHICLE, "hengda_logistics")
    yield s.at(s.ago(2), "14:10")
    s.review(case, "reviewer_culture", "车辆行驶证、综合性能检测报告共享核验一致，同意配发")
    yield s.at(s.ago(1), "10:00")
    s.grant(case, "宁B·52K18 重型厢式货车（总质量18000千克）；道路普通货物运输")


def teacher_certificate_waiting_for_pickup(s: Stage):
    yield s.at(s.ago(14), "10:00")
    case = s.receive_and_accept(TEACHER, "hai_yan")
    yield s.at(s.ago(5), "16:00")
    s.review(
        case, "reviewer_social", "学历、考试合格证明、普通话等级经共享核验一致，体检合格，同意认定"
    )
    yield s.at(s.ago(1), "11:00")
    s.grant(case, "初级中学教师资格（任教学科：数学）")


# ---- delivered -------------------------------------------------------------------------------


def sole_trader_online_instant(s: Stage):
    yield s.at(s.ago(25), "20:05")
    case = s.receive(SOLE_TRADER, "zhang_shan", by="online")
    yield s.at(s.ago(24), "09:10")
    s.check(case)
    s.accept(case)
    s.review(case, "reviewer", "经营场所和经营范围符合规定，当场核准")
    s.grant(
        case,
        "名称：平罗县珊珊文具店；经营者：张珊；经营范围：文具用品零售；办公用品销售；体育用品及器材零售",
    )
    s.deliver(case, "electronic")


def sole_trader_at_the_window(s: Stage):
    yield s.at(s.ago(11), "10:25")
    case = s.receive_and_accept(SOLE_TRADER, "yang_xiumei")
    s.review(case, "reviewer2", "经营场所和经营范围符合规定，当场核准")
    s.grant(
        case,
        "名称：平罗县秀梅裁缝店；经营者：杨秀梅；经营范围：服装制作；服装服饰零售；家用纺织制成品制造",
    )
    s.deliver(case, "window")


def restaurant_licence_after_site_survey(s: Stage):
    yield s.at(s.ago(21), "09:20")
    case = s.receive_and_accept(FOOD, "xinyuan")
    yield s.at(s.ago(20), "10:00")
    s.suspend(
        case,
        "reviewer",
        kind="site_survey",
        days=5,
        reason="新办热食类食品制售，需现场核查加工制作场所布局和设备设施，核查时间不计入承诺时限",
    )
    yield s.at(s.ago(18), "09:30")
    s.inspect(
        case,
        "reviewer",
        partner="reviewer2",
        place="平罗县城关镇鼓楼东街126号",
        findings="粗加工、切配、烹饪、餐用具清洗消毒区域分开设置，生熟分开；配备冷藏冷冻设备3台、"
        "消毒柜1台、防蝇防鼠设施齐全；与平面布局图一致",
    )
    s.resume(case, "reviewer")
    yield s.at(s.ago(17), "11:00")
    s.review(case, "reviewer", "现场核查符合《食品经营许可和备案管理办法》规定的条件，同意")
    yield s.at(s.ago(17), "16:00")
    s.grant(case, RESTAURANT_SCOPE, years=5)
    yield s.at(s.ago(15), "10:40")
    s.deliver(case, "window")


def convenience_store_promise_kept(s: Stage):
    yield s.at(s.ago(14), "09:50")
    case = s.receive_and_accept(FOOD, "huimin_store", tolerate={"规章制度目录清单": s.ago(9)})
    yield s.at(s.ago(13), "15:20")
    s.review(case, "reviewer2", "经营条件符合要求；食品安全管理制度目录清单容缺后补，同意")
    yield s.at(s.ago(12), "10:00")
    s.grant(case, FOOD_SCOPE, years=5)
    yield s.at(s.ago(10), "14:30")
    s.supply(case, "规章制度目录清单")
    s.deliver(case, "electronic")


def building_permit_by_post(s: Stage):
    yield s.at(s.ago(16), "14:30")
    case = s.receive(CONSTRUCTION, "shahu_zhiye", agent="li_jianguo")
    s.check(case)
    yield s.at(s.ago(15), "09:00")
    s.accept(case)
    yield s.at(s.ago(14), "16:00")
    s.review(
        case,
        "reviewer_build",
        "规划许可、施工图审查合格意见共享核验一致，施工合同与中标通知书一致，同意",
    )
    yield s.at(s.ago(13), "10:00")
    s.grant(
        case,
        "沙湖花园三期住宅小区1#—6#楼；建设规模：地上十一层，总建筑面积38640平方米；"
        "施工单位：宁夏平罗建工集团有限公司；合同工期540日历天",
    )
    yield s.at(s.ago(12), "15:00")
    s.deliver(case, "post", tracking_number="1187652390512")


def freight_licence_collected_late(s: Stage):
    yield s.at(s.ago(30), "10:10")
    case = s.receive_and_accept(FREIGHT, "hongda_transport")
    yield s.at(s.ago(28), "15:40")
    s.review(
        case,
        "reviewer_culture",
        "车辆、驾驶员和安全生产管理制度符合《道路运输条例》第二十二条的规定，同意",
    )
    yield s.at(s.ago(27), "10:00")
    s.grant(case, "道路普通货物运输；货物专用运输（集装箱）", years=4)
    # The applicant came for the licence long after the 10 working days (第四十四条): on the record.
    yield s.at(s.ago(14), "09:30")
    s.deliver(case, "window")


def hotel_licence_after_site_survey(s: Stage):
    yield s.at(s.ago(26), "10:00")
    case = s.receive_and_accept(
        HYGIENE, "jinhua_hotel", tolerate={"从业人员健康合格证明": s.ago(20)}
    )
    yield s.at(s.ago(24), "09:00")
    s.suspend(
        case,
        "reviewer_social",
        kind="site_survey",
        days=3,
        reason="对客房、公共卫生间、布草间等卫生设施进行现场审查，审查时间不计入承诺时限",
    )
    yield s.at(s.ago(22), "10:30")
    s.inspect(
        case,
        "reviewer_social",
        partner="reviewer_culture",
        place="平罗县城关镇沙湖大道56号",
        findings="客房46间，布草间、消毒间分设，公共用品用具清洗消毒设施齐全，与卫生设施平面布局图一致",
    )
    s.resume(case, "reviewer_social")
    yield s.at(s.ago(21), "11:00")
    s.supply(case, "从业人员健康合格证明")
    yield s.at(s.ago(20), "15:00")
    s.review(case, "reviewer_social", "现场审查合格，从业人员健康合格证明已补齐，同意")
    yield s.at(s.ago(19), "10:00")
    s.grant(case, "住宿场所（客房46间）", years=4)
    yield s.at(s.ago(18), "09:40")
    s.deliver(case, "window")


# ---- the licence register: changed, renewed, deemed renewed, cancelled, revoked, expired ----------


def restaurant_changes_its_scope(s: Stage):
    """变更: the restaurant licensed three weeks ago adds cold food; the same licence, version 2."""
    yield s.at(s.ago(9), "10:30")
    case = s.receive_and_accept(FOOD_CHANGE, "xinyuan", licence=s.licence_of("xinyuan", FOOD))
    yield s.at(s.ago(7), "15:00")
    s.review(case, "reviewer", "新增冷食类食品制售，专间及冷藏设施经书面审查符合要求，同意")
    yield s.at(s.ago(5), "10:00")
    s.grant_on_licence(case, scope=RESTAURANT_SCOPE + "；冷食类食品制售（含冷加工糕点）")
    yield s.at(s.ago(4), "09:30")
    s.deliver(case, "window")


def hotel_restaurant_renewed(s: Stage):
    """延续: applied for well before the 30 days of 《行政许可法》第五十条; the same number, a new
    validity from the day after the old one ends."""
    yield s.at(s.ago(300), "10:20")
    first = s.receive_and_accept(FOOD, "shahu_hotel")
    s.review(first, "reviewer", "宾馆餐厅加工制作场所布局合理，设备设施齐全，同意")
    s.grant(first, RESTAURANT_SCOPE, until=s.days_ahead(45))
    s.deliver(first, "window")
    yield s.at(s.ago(12), "09:50")
    case = s.receive_and_accept(
        FOOD_RENEWAL, "shahu_hotel", licence=s.licence_of("shahu_hotel", FOOD)
    )
    yield s.at(s.ago(8), "16:00")
    s.review(case, "reviewer", "经营条件未发生变化，申请人书面承诺属实，同意延续")
    yield s.at(s.ago(4), "10:00")
    s.grant_on_licence(case)


def lamb_restaurant_renewal_deemed_granted(s: Stage):
    """视为准予延续 (第五十条第二款): applied in time, undecided when the licence expired; the
    worker's nightly pass extends it."""
    expires = s.ago(3)
    yield s.at(s.ago(320), "11:00")
    first = s.receive_and_accept(FOOD, "huangqu_lamb")
    s.review(first, "reviewer", "加工制作场所布局、设备设施符合要求，同意")
    s.grant(first, RESTAURANT_SCOPE, until=expires)
    s.deliver(first, "window")
    yield s.at(s.ago(30), "10:10")
    case = s.receive_and_accept(
        FOOD_RENEWAL, "huangqu_lamb", licence=s.licence_of("huangqu_lamb", FOOD)
    )
    yield s.at(expires + datetime.timedelta(days=1), "01:00")
    licence_actions.deem_renewed(case, today=s.on)


def noodle_shop_cancels_its_old_licence(s: Stage):
    """注销: the noodle shop's old premises were pulled down (its new shop is the application
    waiting for a decision); the licence ends with a 注销 notice, never a new licence."""
    yield s.at(s.ago(310), "09:30")
    first = s.receive_and_accept(FOOD, "lao_ma_noodles")
    s.review(first, "reviewer", "加工制作场所布局、设备设施符合要求，同意")
    s.grant(first, "热食类食品制售", years=5)
    s.deliver(first, "window")
    yield s.at(s.ago(6), "14:00")
    case = s.receive_and_accept(
        FOOD_CANCELLATION, "lao_ma_noodles", licence=s.licence_of("lao_ma_noodles", FOOD)
    )
    yield s.at(s.ago(5), "10:00")
    s.review(
        case, "reviewer", "申请人原经营场所因旧城改造拆除，停止在该场所经营，申请注销，符合注销条件"
    )
    yield s.at(s.ago(4), "11:00")
    s.grant_on_licence(case)


def ktv_licence_expired(s: Stage):
    """过期: the KTV's two-year licence ran out without a renewal; its new application is the one
    suspended for a hearing."""
    yield s.at(s.ago(330), "10:00")
    first = s.receive_and_accept(KTV, "jinse_nianhua")
    s.review(first, "reviewer_culture", "场所设置符合《娱乐场所管理条例》的规定，拟实地检查")
    s.inspect(
        first,
        "reviewer_culture",
        partner="reviewer_social",
        place="平罗县城关镇唐徕南街8号",
        findings="包厢10间均设透明门窗；消防通道畅通；营业面积与平面示意图一致",
    )
    s.review(first, "reviewer_culture", "实地检查符合要求，同意")
    s.grant(first, "歌舞娱乐场所（包厢10间，营业面积420平方米）", until=s.ago(10))
    s.deliver(first, "window")


# ---- denied ---------------------------------------------------------------------------------


def labour_dispatch_denied(s: Stage):
    yield s.at(s.ago(13), "15:00")
    case = s.receive(DISPATCH, "zhongcheng_dispatch")
    s.check(case)
    yield s.at(s.ago(12), "09:00")
    s.accept(case)
    yield s.at(s.ago(8), "16:00")
    s.review(
        case,
        "reviewer_social",
        "经核查银行询证函，申请人实缴注册资本为人民币120万元，不足法定的200万元，不符合许可条件",
        outcome="reject",
    )
    yield s.at(s.ago(7), "10:00")
    s.deny(
        case,
        [
            "申请人实缴注册资本为人民币120万元，不符合《中华人民共和国劳动合同法》第五十七条第一款第（一）项"
            "“注册资本不得少于人民币二百万元”的规定",
        ],
    )


def swimming_pool_denied_after_inspection(s: Stage):
    yield s.at(s.ago(16), "10:30")
    case = s.receive(SWIMMING, "qingquan_swim")
    s.check(case)
    yield s.at(s.ago(15), "09:20")
    s.accept(case)
    yield s.at(s.ago(13), "10:00")
    s.suspend(
        case,
        "reviewer_social",
        kind="site_survey",
        days=5,
        reason="对游泳池水质、救生设施和救生员配备进行实地核查，核查时间不计入承诺时限",
    )
    yield s.at(s.ago(12), "14:00")
    s.inspect(
        case,
        "reviewer_social",
        partner="reviewer_culture",
        place="平罗县城关镇文化北路88号",
        findings="水面面积620平方米，仅配备取得国家职业资格证书的救生员2名；深水区未设置安全警示标识和隔离带",
    )
    s.resume(case, "reviewer_social")
    yield s.at(s.ago(11), "16:00")
    s.review(
        case,
        "reviewer_social",
        "救生员配备不足，安全保障措施不到位，不符合《全民健身条例》第三十二条规定的条件",
        outcome="reject",
    )
    yield s.at(s.ago(10), "10:00")
    s.deny(
        case,
        [
            "水面面积620平方米的游泳场所仅配备救生员2名，未达到《游泳场所开放条件与技术要求》（GB 19079.1）规定的配备标准，"
            "不符合《全民健身条例》第三十二条第一款第（二）项的规定",
            "深水区未设置安全警示标识和隔离设施，安全保障措施不符合《全民健身条例》第三十二条第一款第（三）项的规定",
        ],
    )


# ---- refused, withdrawn, terminated ------------------------------------------------------------


def light_van_needs_no_licence(s: Stage):
    yield s.at(s.ago(6), "10:50")
    case = s.receive(FREIGHT, "ma_wenke")
    s.refuse(
        case,
        clause="1",
        reason=(
            "申请人拟使用的车辆为总质量4495千克的轻型厢式货车（宁B·3F726）。依照《中华人民共和国道路运输条例》第二十一条"
            "第二款，使用总质量4500千克及以下普通货运车辆从事普通货运经营的，无需申请取得道路运输经营许可"
        ),
    )


def yellow_river_water_is_not_ours(s: Stage):
    yield s.at(s.ago(9), "11:40")
    case = s.receive(WATER, "bai_yongfu")
    yield s.at(s.ago(8), "09:30")
    s.refuse(
        case,
        clause="2",
        reason=(
            "拟取水口位于黄河干流陶乐镇段。依照《取水许可和水资源费征收管理条例》第十四条和水利部关于黄河取水许可管理的规定，"
            "黄河干流取水许可不属于本机关的审批权限"
        ),
        competent_body="黄河水利委员会（经宁夏回族自治区水利厅受理转报）",
    )


def restaurant_withdrawn_online(s: Stage):
    yield s.at(s.ago(12), "21:50")
    case = s.receive(FOOD, "shahu_renjia", by="online")
    yield s.at(s.ago(11), "08:20")
    s.withdraw(case, "新门店选址变更，撤回本次申请，待新址确定后重新申请", by="online")


def bookshop_withdrawn_at_the_window(s: Stage):
    yield s.at(s.ago(10), "14:10")
    case = s.receive_and_accept(BOOKSHOP, "shuxiang")
    yield s.at(s.ago(6), "10:30")
    s.withdraw(case, "申请人书面申请撤回：经营场所租赁合同已解除，暂不开展出版物零售业务")


def taxi_company_dissolved(s: Stage):
    yield s.at(s.ago(22), "09:40")
    case = s.receive(TAXI, "tongda_taxi")
    s.check(case)
    yield s.at(s.ago(21), "10:00")
    s.accept(case)
    yield s.at(s.ago(3), "11:00")
    s.terminate(
        case,
        "申请人已于{date}经平罗县市场监督管理局核准注销登记，申请主体资格消灭，依法终止办理".format(
            date=s.ago(5).strftime("%Y年%m月%d日")
        ),
    )


STORIES: list[Story] = [
    company_just_received,
    teacher_applied_online_after_hours,
    swimming_pool_received,
    care_centre_corrected,
    restaurant_online_waiting_for_correction,
    society_waiting_for_correction,
    bookshop_online_waiting_for_correction,
    eia_under_review,
    teacher_accepted_with_medical_to_follow,
    society_accepted_with_member_list_to_follow,
    ktv_reviewed_and_inspected,
    kindergarten_reviewed,
    water_permit_resumed_after_expert_review,
    restaurant_yellow,
    hr_agency_yellow,
    noodle_shop_red,
    supermarket_renewal_deemed_accepted,
    hotel_red_waiting_for_decision,
    building_permit_past_statutory_limit,
    freight_near_statutory_limit,
    planning_permit_extended,
    taxi_extended_and_yellow,
    ktv_suspended_for_a_hearing,
    eia_suspended_for_expert_review,
    food_change_suspended_for_site_survey,
    food_licence_held_for_a_tolerated_material,
    vehicle_certificate_waiting_for_pickup,
    teacher_certificate_waiting_for_pickup,
    sole_trader_online_instant,
    sole_trader_at_the_window,
    restaurant_licence_after_site_survey,
    convenience_store_promise_kept,
    building_permit_by_post,
    freight_licence_collected_late,
    hotel_licence_after_site_survey,
    restaurant_changes_its_scope,
    hotel_restaurant_renewed,
    lamb_restaurant_renewal_deemed_granted,
    noodle_shop_cancels_its_old_licence,
    ktv_licence_expired,
    labour_dispatch_denied,
    swimming_pool_denied_after_inspection,
    light_van_needs_no_licence,
    yellow_river_water_is_not_ours,
    restaurant_withdrawn_online,
    bookshop_withdrawn_at_the_window,
    taxi_company_dissolved,
]


# ---- building --------------------------------------------------------------------------------


def _run(stage: Stage, stories: list[Story]) -> None:
    """Play the stories in time order: always resume the one whose next moment is earliest."""
    queue = []
    for n, story in enumerate(stories):
        steps = story(stage)
        first = next(steps, None)
        if first is not None:
            heapq.heappush(queue, (first, n, steps))
    while queue:
        moment, n, steps = heapq.heappop(queue)
        stage.moment = moment
        following = next(steps, None)
        if following is None:
            continue
        if following < moment:
            raise AssertionError(f"{stories[n].__name__} goes back in time to {following}")
        heapq.heappush(queue, (following, n, steps))


def handling_items(on: datetime.date) -> dict[str, HandlingItem]:
    catalogue = Catalogue.objects.get(
        region__code=org.COUNTY_CODE, kind=Catalogue.Kind.LOCAL, name=table.CATALOGUE_NAME
    )
    in_force = ItemVersion.objects.in_force(on).filter(item__catalogue=catalogue)
    found = {
        hi.name: hi
        for hi in HandlingItem.objects.filter(
            item_version__in=in_force, name__in=ITEMS
        ).select_related("item_version__item__catalogue__region")
    }
    missing = [name for name in ITEMS if name not in found]
    if missing:
        raise Conflict(
            _("演示事项目录在{date}没有现行的办理项“{names}”，演示办件未生成").format(
                date=on.isoformat(), names="”“".join(missing)
            )
        )
    return found


def _applicant_accounts() -> dict:
    """The applicants' online accounts: each holder signed up online as themselves
    (applicants.actions.sign_up), which registers them as an applicant; no staff record."""
    User = get_user_model()
    people_by_key = {p.key: p for p in people.PEOPLE}
    users = {}
    for row in people.APPLICANT_ACCOUNTS:
        user = User.objects.filter(username=row.username).first()
        if user is None:
            person = people_by_key[row.applicant]
            user, _person = sign_up(
                username=row.username,
                password=org.DEMO_PASSWORD,
                name=person.name,
                number=person.number,
                phone=person.phone,
                address=person.address,
            )
        users[row.applicant] = user
    return users


def _applicants(clerk, accounts: dict) -> dict[str, Applicant]:
    """Register every demo applicant not yet registered, at the window by the clerk
    (applicants.actions.register_applicant) — the account holders registered themselves when
    they signed up, unless an older demo registered them at the window without their account,
    which the clerk binds now (they showed their ID card); then record the organisations'
    authorisations."""
    out = {}
    for row in [*people.PEOPLE, *people.ORGANISATIONS]:
        user = accounts.get(row.key)
        kind = (
            Applicant.Kind.PERSON
            if isinstance(row, people.PersonRow)
            else Applicant.Kind.ORGANISATION
        )
        number = (
            {"id_number": row.number}
            if kind == Applicant.Kind.PERSON
            else {"credit_code": row.number}
        )
        found = Applicant.objects.filter(kind=kind, **number).first()
        if found is None or (user is not None and found.user_id is None):
            found = register_applicant(
                actor=clerk,
                kind=kind,
                name=row.name,
                number=row.number,
                phone=row.phone,
                representative=getattr(row, "representative", ""),
                address=row.address,
                user=user,
            )
        out[row.key] = found
    _authorisations(clerk, out)
    return out


def _authorisations(clerk, applicants: dict[str, Applicant]) -> None:
    """The authorisations of the demo's table, recorded by the clerk as at a window; one that
    stands already is kept (a second run changes nothing)."""
    for row in people.AUTHORISATIONS:
        organisation, person = applicants[row.organisation], applicants[row.person]
        if Authorisation.objects.filter(
            organisation=organisation, person=person, revoked_at__isnull=True
        ).exists():
            continue
        record_authorisation(
            organisation, person=person, capacity=row.capacity, papers=row.papers, actor=clerk
        )


def authorise_accounts(clerk) -> bool:
    """For a demo loaded before accounts were people (an organisation was bound to its
    account): register the account holders and record their authorisations. True when
    anything was written."""
    before = (Applicant.objects.count(), Authorisation.objects.count())
    _applicants(clerk, _applicant_accounts())
    return (Applicant.objects.count(), Authorisation.objects.count()) != before


def build(
    users: dict, *, today: datetime.date | None = None, stories: list[Story] | None = None
) -> list[Case]:
    """Register the demo applicants and play the stories; returns the cases they opened. The
    caller holds the transaction (builder.load)."""
    today = today or business_today()
    items = handling_items(today)
    accounts = _applicant_accounts()
    applicants = _applicants(users["clerk"], accounts)
    stage = Stage(today, users, items, applicants)
    first_id = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    _run(stage, STORIES if stories is None else stories)
    return list(Case.objects.filter(pk__gt=first_id, region_code=org.COUNTY_CODE).order_by("pk"))
