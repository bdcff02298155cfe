"""The demo's reform tasks and a second city mid-rollout: 平罗县's reform with seed 004's phases
and its task table in progress (some done, one overdue on the demo's today, one due soon); and
中卫市 — the demo's 赣州-like city — rolling out its three counties at once from the standard
template (sections, starting accounts, seal requests): 沙坡头区's seal made and its list accepted,
中宁县's list returned with reasons, 海原县 still missing guidance items.

Idempotent: each part is written only when it is not there yet, through `transfers.tasks`,
`transfers.rollout` and the organisation's actions (the city's administrator is placed by the
installation's superuser). DEMO DATA."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils.translation import gettext as _

from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.queries import guidance_gaps, local_catalogue
from oneseal.documents import actions as document_actions
from oneseal.organisation import actions as organisation_actions
from oneseal.organisation.models import Bureau, Department, Role, Staff
from oneseal.regions.models import Region
from oneseal.transfers import accounts, rollout, tasks
from oneseal.transfers.models import Reform, Rollout

from ..data import organisation as org

REFORM = "平罗县相对集中行政许可权改革"
PHASES = [
    ("挂牌", "2025-06-30"),
    ("人员划转", "2025-09-30"),
    ("事项划转和运行", "2025-12-31"),
]
# (title, lead, helping, deadline, phase, [(reported on, percent, text, attachment name)]);
# units by the names the county's plan uses (see UNITS), "各原审批部门" for the twelve
# departments whose approvals moved.
TASKS = [
    ("审批局挂牌并启用审批专用章", "县政府办", "县委编办", "2025-06-30", "挂牌",
     [("2025-06-27", 100, "6月27日挂牌，审批专用章启用", "挂牌仪式纪要.pdf")]),
    ("核定审批局和政务服务中心编制", "县委编办", "县人社局", "2025-08-29", "人员划转",
     [("2025-08-20", 100, "编制已核定", "")]),
    ("完成审批人员划转", "县委组织部", "县委编办、各原审批部门", "2025-09-30", "人员划转",
     [("2025-09-12", 60, "12个部门已完成人员摸底", "人员摸底表.pdf"),
      ("2025-09-26", 100, "划转完成", "")]),
    ("签订一事一协议", "县行政审批局", "各原审批部门", "2025-11-14", "事项划转和运行",
     [("2025-11-07", 80, "10个部门已签订", "协议签订进度.pdf")]),
    ("审管联动平台上线", "县行政审批局", "县大数据中心", "2025-12-10", "事项划转和运行",
     [("2025-11-28", 50, "完成接口联调", "")]),
    ("公布划转后的事项目录", "县行政审批局", "县司法局", "2025-12-31", "事项划转和运行", []),
]  # fmt: skip
# The county offices that lead or help reform tasks without approving anything themselves,
# kept as departments of the county (name, short name as the plan writes it).
UNITS = [
    ("平罗县人民政府办公室", "县政府办"),
    ("中共平罗县委机构编制委员会办公室", "县委编办"),
    ("中共平罗县委组织部", "县委组织部"),
    ("平罗县大数据中心", "县大数据中心"),
    ("平罗县司法局", "县司法局"),
]
CITY_CODE = "640500"  # 中卫市
CITY_COUNTIES = ["640502", "640521", "640522"]
CITY_ADMIN = ("zw_admin", "中卫市改革办管理员")


def _units(superuser, county: Region) -> dict[str, list]:
    """The plan's unit names → the organisation's units, the offices added once."""
    for n, (name, short) in enumerate(UNITS, start=1):
        if not Department.objects.filter(region=county, name=name).exists():
            organisation_actions.save_department(
                Department(region=county, name=name, short_name=short, order=90 + n),
                actor=superuser,
            )
    bureau = Bureau.objects.get(region=county)
    units: dict[str, list] = {"县行政审批局": [bureau]}
    for department in Department.objects.filter(region=county):
        units[department.short_name or department.name] = [department]
    units["县人社局"] = units["人社局"]
    moved = {row.name for row in org.DEPARTMENTS if row.section}
    units["各原审批部门"] = list(Department.objects.filter(region=county, name__in=moved))
    return units


def _attachment(name: str, on: str, percent: int) -> File:
    """A one-page PDF standing for the unit's report (the demo's attachments)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=f"Progress report {on}: {percent}% (demo)")
    return ContentFile(bytes(pdf.output()), name=name)


def _reform_tasks(superuser, signatory, clerk) -> list[str]:
    county = Region.objects.get(code=org.COUNTY_CODE)
    reform = Reform.objects.filter(region=county, name=REFORM).first()
    if reform is not None:
        return []
    units = _units(superuser, county)
    reform = tasks.create_reform(
        county,
        actor=signatory,
        name=REFORM,
        plan_document="平罗县相对集中行政许可权改革实施方案（平党办发〔2025〕1号）",
        milestones=PHASES,
    )
    phases = {m.name: m for m in reform.milestones.all()}
    attachments = 0
    for title, lead, helping, deadline, phase, reports in TASKS:
        (lead_unit,) = units[lead]
        task = tasks.add_task(
            reform,
            actor=signatory,
            title=title,
            lead_unit=lead_unit,
            helping_units=[u for name in helping.split("、") for u in units[name]],
            deadline=deadline,
            milestone=phases[phase],
        )
        # The bureau's own clerk reports on the bureau's tasks; the reform office (the
        # signatory) files the reports of the offices, which have no accounts in the demo.
        reporter = clerk if isinstance(lead_unit, Bureau) else signatory
        for on, percent, text, file_name in reports:
            upload = _attachment(file_name, on, percent) if file_name else None
            attachments += upload is not None
            tasks.report_progress(
                task,
                actor=reporter,
                text=text,
                percent=percent,
                upload=upload,
                on=datetime.date.fromisoformat(on),
            )
    return [
        _("改革任务：{reform}，任务 {tasks} 项，附件进展报告 {reports} 份").format(
            reform=REFORM, tasks=len(TASKS), reports=attachments
        )
    ]


def _city_rollout(superuser, today) -> list[str]:
    city = Region.objects.filter(code=CITY_CODE).first()
    if city is None or Rollout.objects.filter(reform__region=city).exists():
        return []
    username, name = CITY_ADMIN
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        user = organisation_actions.create_account(
            actor=superuser,
            region=city,
            username=username,
            display_name=name,
            encoded_password=make_password(org.DEMO_PASSWORD),
        )
        # The city's own bureau holds its catalogue administrator (a catalogue role needs one).
        bureau = Bureau.objects.filter(region=city).first() or organisation_actions.save_bureau(
            Bureau(region=city, name=f"{city.name}行政审批局"), actor=superuser
        )
        staff = organisation_actions.save_staff(
            Staff(user=user, region=city, bureau=bureau, display_name=name), actor=superuser
        )
        organisation_actions.set_roles(
            staff, [Role.ADMINISTRATOR, Role.CATALOGUE_ADMIN], actor=superuser
        )
    counties = [Region.objects.get(code=code) for code in CITY_COUNTIES]
    started = rollout.start_rollout(
        city,
        actor=user,
        name="中卫市相对集中行政许可权改革",
        plan_document="中卫市相对集中行政许可权改革实施方案",
        counties=counties,
        template="standard",
        milestones=PHASES,
        on=today,
    )
    first, second = (started.counties.get(region__code=code) for code in CITY_COUNTIES[:2])
    # 沙坡头区's approval seal has been made and registered; the others are still requested.
    document_actions.create_seal(first.bureau, actor=superuser, valid_from=today)
    # 沙坡头区 lists or declares every guidance item, files, and the city accepts; 中宁县 files
    # too, and the city returns it with its reasons.
    accepted = _file(first, user, today, "演示：本区暂未承接该事项")
    rollout.accept_filing(accepted, actor=user, on=today)
    returned = _file(second, user, today, "本县无此权力")
    rollout.return_filing(
        returned,
        actor=user,
        reasons="无此权力声明须写明依据（如编办文件文号），请补充后重新报送",
        on=today,
    )
    return [
        _("改革推广：{city} {n} 个县（区），清单备案通过 1 份、退回 1 份，刻制印章 1 枚").format(
            city=city.name, n=len(counties)
        )
    ]


def _file(county, city_admin, today, reason: str):
    """The county's director sets their password through the one-time link the city's
    administrator issued; the guidance items the county lacks are declared (by the city's
    catalogue administrator, as the county has none signed in yet); the director files."""
    director = Staff.objects.get(user__username=rollout.username_for(county.region, "director"))
    path = accounts.issue_link(director, actor=city_admin)
    uidb64, token = path.rstrip("/").split("/")[-2:]
    head = accounts.set_first_password(
        uidb64, token, password=org.DEMO_PASSWORD, confirm=org.DEMO_PASSWORD
    )
    catalogue = local_catalogue(county.region)
    for problem in guidance_gaps(county.region).gaps:
        catalogue_actions.declare_no_such_power(
            catalogue, actor=city_admin, basic_code=problem["basic_code"], reason=reason
        )
    return rollout.file_list(county, actor=head, on=today)


def load(*, today) -> list[str]:
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=("signatory", "clerk"))
    }
    superuser = get_user_model().objects.filter(is_superuser=True).order_by("id").first()
    if len(users) < 2 or superuser is None:
        return []
    with transaction.atomic():
        lines = _reform_tasks(superuser, users["signatory"], users["clerk"])
        lines += _city_rollout(superuser, today)
    return lines
