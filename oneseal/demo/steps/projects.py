"""The demo's parallel approval and life events (平罗县 640221): the county's stage templates
for 社会投资 and 小型低风险 projects, two projects — a 社会投资 logistics warehouse whose first
stage is done and whose second waits on the owner's correction (its planning permit's site
visited jointly, 联合勘验, by two inspectors with the natural resources bureau), and a 小型低风险
food workshop in its construction-permit stage, one case suspended for a joint site
inspection — and two life events, 开饭店 (one application delivered) and 开办幼儿园.

Idempotent: a template, project, stage application or life event already there is left alone.
Every write goes through the actions (`projects.actions`, `projects.stages`,
`catalogue.life_events`, `projects.life_events`, `cases.actions`, `inspections.actions`).
DEMO DATA: the project codes, the limits and the reform plan cited are invented for the demo
county."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from oneseal.applicants.models import Applicant
from oneseal.calendars.queries import current_calendar
from oneseal.cases import actions as case_actions
from oneseal.cases.models import Case, CaseMaterial, CaseStep
from oneseal.catalogue import life_events as definitions
from oneseal.catalogue.models import Catalogue, HandlingItem, ItemVersion, LifeEvent
from oneseal.catalogue.rules import material_applies
from oneseal.errors import DomainError
from oneseal.inspections import actions as inspection_actions
from oneseal.inspections.queries import checklist_for
from oneseal.organisation.models import Department, Section
from oneseal.projects import actions, stages
from oneseal.projects.life_events import apply_for_life_event
from oneseal.projects.models import Project, Stage, StageApplication, StageTemplate

from ..data import organisation as org

BASIS = "平罗县工程建设项目审批制度改革实施方案（演示数据）"
LIMITS = {"enterprise": 90, "small_low_risk": 15}
LEAD = "投资建设审批科"

# (stage, name, limit, [(handling item, required)])
TEMPLATES = [
    (
        Stage.LAND_AND_PLANNING,
        "立项用地规划许可阶段",
        10,
        [("建设项目用地预审与选址意见书", True)],
    ),
    (
        Stage.CONSTRUCTION_ENGINEERING,
        "工程建设许可阶段",
        10,
        [
            ("建设工程（含临时建设）规划许可证核发", True),
            ("特殊建设工程消防设计审查", False),
        ],
    ),
    (
        Stage.CONSTRUCTION_PERMIT,
        "施工许可阶段",
        7,
        [("建筑工程施工许可证核发", True), ("城镇污水排入排水管网许可", False)],
    ),
    (Stage.COMPLETION_ACCEPTANCE, "竣工验收阶段", 7, [("特殊建设工程消防验收", True)]),
]

WAREHOUSE = {
    "code": "2024-640221-59-03-000128",
    "name": "平罗县恒达物流冷链仓储中心",
    "owner": "平罗县恒达物流有限公司",
    "kind": "enterprise",
    "location": "平罗县工业园区纬三路以南、经五路以东",
    "floor_area": "18600.00",
    "investment": "9800.00",
}
WORKSHOP = {
    "code": "2025-640221-13-03-000045",
    "name": "宁夏塞上粮油食品有限公司小杂粮加工车间",
    "owner": "宁夏塞上粮油食品有限公司",
    "kind": "small_low_risk",
    "location": "平罗县太沙工业园区粮油路6号",
    "floor_area": "1860.00",
    "investment": "420.00",
}

# (name, keywords, description, [(handling item, required, question)])
LIFE_EVENTS = [
    (
        "开饭店",
        "开餐馆 开饭馆 餐饮店 开餐厅",
        "开一家饭店需要办的许可一次申请、一套材料、一次送达：食品经营许可，设置招牌的同时办理户外广告审批。",
        [
            ("食品(含保健食品)经营许可核发", True, ""),
            ("设置大型户外广告的审批", False, "是否设置大型户外招牌或广告？"),
        ],
    ),
    (
        "开办幼儿园",
        "办幼儿园 开幼儿园 民办幼儿园",
        "开办民办幼儿园：办学许可一次申请；自办食堂的同时办理食品经营许可。",
        [
            ("幼儿园设立审批", True, ""),
            ("食品(含保健食品)经营许可核发", False, "幼儿园是否自办食堂？"),
        ],
    ),
]
REVIEWERS = ("reviewer_build", "reviewer", "reviewer_social", "reviewer_culture", "reviewer2")


class Demo:
    def __init__(self, today: datetime.date):
        self.today = today
        self.cal = current_calendar()
        User = get_user_model()
        self.users = {u.username: u for u in User.objects.filter(is_active=True)}
        self.catalogue = Catalogue.objects.get(
            region__code=org.COUNTY_CODE, kind=Catalogue.Kind.LOCAL
        )

    def ago(self, n: int) -> datetime.date:
        return self.cal.before(self.today, n).date

    def at(self, day: datetime.date, hhmm: str = "09:30") -> datetime.datetime:
        hour, minute = (int(x) for x in hhmm.split(":"))
        return datetime.datetime.combine(
            day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone()
        )

    def item(self, name: str) -> HandlingItem:
        in_force = ItemVersion.objects.in_force(self.today).filter(item__catalogue=self.catalogue)
        return HandlingItem.objects.get(item_version__in=in_force, name=name)

    def applicant(self, name: str) -> Applicant:
        return Applicant.objects.get(name=name)

    # -- the cases, as the clerk, the reviewers and the signatory act on them --

    def accept(self, case: Case, on: datetime.date) -> Case:
        statuses = {}
        for line in case.materials.select_related("material"):
            applies = material_applies(
                line.material, applicant_kind=case.applicant.kind, by_agent=False
            )
            needed = applies and line.material.is_required
            statuses[line.pk] = (
                CaseMaterial.Status.PROVIDED if needed else CaseMaterial.Status.NOT_NEEDED
            )
        case_actions.check_materials(case, actor=self.users["clerk"], statuses=statuses)
        return case_actions.accept(case, actor=self.users["clerk"], on=on)

    def review(self, case: Case, on: datetime.date) -> Case:
        """Every pending review step done by the reviewer it belongs to."""
        for _step in range(5):
            pending = case.steps.filter(state=CaseStep.StepState.PENDING, role="reviewer").exists()
            if not pending:
                return case
            for username in REVIEWERS:
                try:
                    case = case_actions.complete_review_step(
                        case,
                        actor=self.users[username],
                        opinion="材料齐全，符合法定条件，同意",
                        outcome="approve",
                        on=on,
                    )
                    break
                except DomainError:
                    continue
            else:
                return case
        return case

    def grant(self, case: Case, on: datetime.date, scope: str) -> None:
        case = self.review(case, on)
        case_actions.grant(
            case,
            actor=self.users["signatory"],
            on=on,
            scope=scope,
            valid_from=on,
            valid_until=on.replace(year=on.year + 3) - datetime.timedelta(days=1),
        )


def _templates(d: Demo) -> dict[int, StageTemplate]:
    section = Section.objects.get(bureau__region__code=org.COUNTY_CODE, name=LEAD)
    out = {}
    for stage, name, limit, items in TEMPLATES:
        existing = StageTemplate.objects.filter(
            catalogue=d.catalogue, stage=stage, name=name, status=StageTemplate.Status.PUBLISHED
        ).first()
        if existing is not None:
            out[stage] = existing
            continue
        template = actions.create_stage_template(
            d.catalogue,
            actor=d.users["catadmin"],
            stage=stage,
            name=name,
            limit_days=limit,
            project_kinds=list(LIMITS),
            lead_section=section,
            legal_basis=BASIS,
        )
        actions.update_stage_template(template, actor=d.users["catadmin"], project_limits=LIMITS)
        for hi_name, required in items:
            actions.add_stage_item(
                template, d.item(hi_name), actor=d.users["catadmin"], required=required
            )
        out[stage] = actions.publish_stage_template(template, actor=d.users["catadmin"])
    return out


def _project(d: Demo, row: dict) -> Project:
    existing = Project.objects.filter(code=row["code"]).first()
    if existing is not None:
        return existing
    fields = dict(row)
    owner = d.applicant(fields.pop("owner"))
    return actions.register_project(actor=d.users["clerk"], owner=owner, **fields)


def _apply(d: Demo, project: Project, template: StageTemplate, day, optional=()):
    existing = StageApplication.objects.filter(project=project, stage=template.stage).first()
    if existing is not None:
        return existing, False
    application = stages.apply_for_stage(
        project,
        template,
        actor=d.users["clerk"],
        optional=[d.item(name).pk for name in optional],
        at=d.at(day),
    )
    return application, True


def _cases(application: StageApplication) -> list[Case]:
    return [m.case for m in application.bundle.members.order_by("order")]


def _warehouse(d: Demo, templates) -> Project:
    project = _project(d, WAREHOUSE)
    first, new = _apply(d, project, templates[Stage.LAND_AND_PLANNING], d.ago(30))
    if new:
        (siting,) = _cases(first)
        d.accept(siting, d.ago(30))
        d.grant(siting, d.ago(24), "冷链仓储用房用地，用地面积12.6公顷")
    second, new = _apply(
        d,
        project,
        templates[Stage.CONSTRUCTION_ENGINEERING],
        d.ago(8),
        optional=["特殊建设工程消防设计审查"],
    )
    if new:
        planning, fire = _cases(second)
        d.accept(planning, d.ago(8))
        _joint_inspection(d, project, planning)
        d.review(planning, d.ago(5))
        line = fire.materials.select_related("material").first()
        case_actions.request_correction(
            fire,
            actor=d.users["clerk"],
            on=d.ago(7),
            items={line.pk: "消防设计文件缺少冷库氨制冷系统防爆设计说明，请补充"},
        )
    return project


# 联合勘验 of the warehouse's planning permit: the points the catalogue administrator keeps for
# the item, and what the two inspectors found on site.
PLANNING_ITEM = "建设工程（含临时建设）规划许可证核发"
PLANNING_CHECKLIST = [
    ("建设用地界址与用地预审批复一致", "对照红线图现场核对界桩"),
    ("现场无未批先建、违法建设", "查看现场及周边"),
    ("周边道路、管线接口与规划条件一致", "对照规划条件和总平面图"),
]


def _joint_inspection(d: Demo, project: Project, case: Case) -> None:
    """Agreed the day the case was accepted, done the next working day by two inspectors
    with the investment section and the natural resources bureau, both signatures, completed
    the same day (the stop it may cause takes no working day)."""
    hi = d.item(PLANNING_ITEM)
    if not checklist_for(hi):
        inspection_actions.save_checklist(hi, actor=d.users["catadmin"], lines=PLANNING_CHECKLIST)
    reviewer, signatory = d.users["reviewer_build"], d.users["signatory"]
    visit = d.ago(7)
    inspection = inspection_actions.schedule_joint_inspection(
        project,
        actor=reviewer,
        stage=Stage.CONSTRUCTION_ENGINEERING,
        cases=[case],
        sections=Section.objects.filter(bureau__region__code=org.COUNTY_CODE, name=LEAD),
        departments=Department.objects.filter(
            region__code=org.COUNTY_CODE, name="平罗县自然资源局"
        ),
        at=d.at(visit),
        place=project.location,
        expected_days=1,
        inspectors=[reviewer, signatory],
        on=d.ago(8),
    )
    inspection_actions.start_inspection(inspection, actor=reviewer, on=visit)
    for order, _point in enumerate(PLANNING_CHECKLIST, 1):
        inspection_actions.record_finding(
            inspection, actor=reviewer, order=order, result="conforms"
        )
    for party in inspection.parties.order_by("id"):
        inspection_actions.record_party(
            inspection,
            party,
            actor=reviewer,
            attended=True,
            representative="丁建华" if party.section_id else "自然资源局规划股 王海",
            findings="界桩位置与红线图一致，现场无未批先建",
        )
    inspection_actions.record_conclusion(
        inspection, actor=reviewer, conclusion="现场与规划条件及用地预审批复一致，同意继续办理。"
    )
    inspection_actions.confirm(inspection, actor=reviewer)
    inspection_actions.confirm(inspection, actor=signatory)
    inspection_actions.complete_inspection(inspection, actor=reviewer, on=visit)


def _workshop(d: Demo, templates) -> Project:
    project = _project(d, WORKSHOP)
    application, new = _apply(
        d,
        project,
        templates[Stage.CONSTRUCTION_PERMIT],
        d.ago(4),
        optional=["城镇污水排入排水管网许可"],
    )
    if new:
        permit, sewage = _cases(application)
        d.accept(sewage, d.ago(4))
        case_actions.suspend(
            sewage,
            actor=d.users["signatory"],
            kind="site_survey",
            reason="住建、水务联合现场勘验检测井和预处理设施",
            expected_days=3,
            on=d.ago(2),
        )
        # The permit waits for the clerk's check of its materials.
        del permit
    return project


def _life_events(d: Demo) -> list[LifeEvent]:
    out = []
    for name, keywords, description, items in LIFE_EVENTS:
        existing = definitions.offered_life_events().filter(catalogue=d.catalogue, name=name)
        if existing.exists():
            out.append(existing.get())
            continue
        event = definitions.create_life_event(
            d.catalogue,
            actor=d.users["catadmin"],
            name=name,
            keywords=keywords,
            description=description,
        )
        for hi_name, required, question in items:
            definitions.add_life_event_item(
                event,
                d.item(hi_name),
                actor=d.users["catadmin"],
                required=required,
                question=question,
            )
        out.append(definitions.publish_life_event(event, actor=d.users["catadmin"]))
    return out


def _restaurant(d: Demo, event: LifeEvent) -> None:
    applicant = d.applicant("平罗县姚伏镇马家清真饭庄")
    if event.applications.filter(applicant=applicant).exists():
        return
    sign = d.item("设置大型户外广告的审批")
    bundle = apply_for_life_event(
        event,
        actor=d.users["clerk"],
        applicant=applicant,
        answers={f"question-{sign.pk}": "yes"},
        at=d.at(d.ago(12), "10:10"),
    )
    food, signboard = [m.case for m in bundle.members.order_by("order")]
    d.accept(food, d.ago(12))
    d.accept(signboard, d.ago(12))
    d.grant(food, d.ago(9), "热食类食品制售")
    d.grant(signboard, d.ago(8), "门头招牌一处，6米×1.2米")


def load(*, today: datetime.date) -> list[str]:
    d = Demo(today)
    templates = _templates(d)
    warehouse = _warehouse(d, templates)
    workshop = _workshop(d, templates)
    restaurant, kindergarten = _life_events(d)
    _restaurant(d, restaurant)
    return [
        _("工程建设项目：{a}（{b}个阶段）、{c}（{e}个阶段）；一件事：{f}、{g}").format(
            a=warehouse.name,
            b=warehouse.stages.count(),
            c=workshop.name,
            e=workshop.stages.count(),
            f=restaurant.name,
            g=kindergarten.name,
        )
    ]
