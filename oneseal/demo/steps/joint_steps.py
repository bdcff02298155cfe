"""The demo's shared step (联合审图): one minimal construction project of a demo organisation,
registered through `projects.actions`, whose construction-engineering stage has its drawings
reviewed jointly by the investment and construction section and the market regulator (asked
through an opinion request and answered by the demo supervisor), concluded by the signatory
with one report under the bureau's seal that the owner's running case uses.

Then the same project reaches completion: its completion-acceptance stage is applied for at
the window, the case accepted, and the joint acceptance (联合验收) done with the investment
section's result and the market regulator's (asked and answered through the linkage), the
联合验收意见书 issued under the bureau's seal for the stage's case.

Runs after the documents step: the reports are signed with the bureau's seal, which that step
creates. Idempotent: a step the demo project already has is not done again. DEMO DATA: the
project, its code and the opinions are invented."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from oneseal.applicants.models import Applicant
from oneseal.cases.models import State
from oneseal.documents.queries import active_seal
from oneseal.linkage import actions as linkage_actions
from oneseal.organisation.models import Bureau, Section
from oneseal.projects import actions as project_actions
from oneseal.projects import joint_actions, stages
from oneseal.projects.models import JointKind, Project, Stage, StageTemplate

from ..cases import demo_cases
from ..data import organisation as org
from .projects import Demo as ProjectsDemo

CODE = "2025-640221-59-03-000101"


def _owner_and_case():
    """A demo organisation with a running case, so the report has a case to serve."""
    case = (
        demo_cases()
        .filter(state=State.ACCEPTED, applicant__kind=Applicant.Kind.ORGANISATION)
        .exclude(applicant__credit_code="")
        .select_related("applicant")
        .order_by("accepted_on", "id")
        .first()
    )
    return (case.applicant, case) if case else (None, None)


def load(*, today) -> list[str]:
    users = {
        u.username: u
        for u in get_user_model()
        .objects.filter(username__in=("reviewer_build", "signatory", "supervisor", "clerk"))
        .select_related("staff__department", "staff__section")
    }
    bureau = Bureau.objects.filter(region__code=org.COUNTY_CODE).first()
    if len(users) < 4 or bureau is None or active_seal(bureau) is None:
        return []
    project = Project.objects.filter(code=CODE).first()
    lines: list[str] = []
    if project is None or not project.joint_steps.filter(kind=JointKind.DRAWING_REVIEW).exists():
        lines += _drawing_review(project, users, bureau, today)
        project = Project.objects.filter(code=CODE).first()
    if (
        project is not None
        and not project.joint_steps.filter(kind=JointKind.JOINT_ACCEPTANCE).exists()
    ):
        lines += _joint_acceptance(project, users, bureau, today)
    return lines


def _drawing_review(project, users, bureau, today) -> list[str]:
    owner, case = _owner_and_case()
    if owner is None:
        return []
    lines = []
    if project is None:
        project = project_actions.register_project(
            actor=None,
            system=True,
            code=CODE,
            name=f"{owner.name}仓储物流用房（演示）",
            owner=owner,
            kind="enterprise",
            location="平罗县太沙工业园区（演示）",
            floor_area="3600",
            investment="1200",
        )
        lines.append(_("工程建设项目：登记{name}（{code}）").format(name=project.name, code=CODE))
    section = Section.objects.get(bureau=bureau, name="投资建设审批科")
    reviewer, signatory, supervisor = (
        users["reviewer_build"],
        users["signatory"],
        users["supervisor"],
    )
    step = joint_actions.open_joint_step(
        project,
        actor=reviewer,
        stage=Stage.CONSTRUCTION_ENGINEERING,
        kind="drawing_review",
        title="施工图联合审查",
        sections=[section],
        cases=[case],
        on=today,
    )
    opinion = joint_actions.ask_department(
        step,
        actor=reviewer,
        department=supervisor.staff.department,
        subject="请就仓储用房内设食品仓库的布局及冷链设施提出意见",
        days=5,
        on=today,
    )
    linkage_actions.answer_opinion(
        opinion,
        actor=supervisor,
        conclusion="agree",
        reasons="食品仓库分区合理，冷链设施符合要求。",
        on=today,
    )
    joint_actions.record_section_result(
        step,
        section,
        actor=reviewer,
        result="pass",
        findings="建筑、结构、给排水、电气专业审查合格。",
        on=today,
    )
    step = joint_actions.conclude_joint_step(
        step,
        actor=signatory,
        result="pass",
        summary="施工图经联合审查合格，各有关办件使用本意见书。",
        on=today,
    )
    lines.append(
        _("联合审图：{project}出具{number}，办件{case}使用").format(
            project=project.name, number=step.report_number, case=case.number
        )
    )
    return lines


def _joint_acceptance(project, users, bureau, today) -> list[str]:
    template = (
        StageTemplate.objects.filter(
            catalogue__region__code=org.COUNTY_CODE,
            stage=Stage.COMPLETION_ACCEPTANCE,
            status=StageTemplate.Status.PUBLISHED,
            superseded_on__isnull=True,
        )
        .order_by("-id")
        .first()
    )
    if template is None or project.kind not in (template.project_kinds or []):
        return []
    application = stages.apply_for_stage(project, template, actor=users["clerk"])
    cases = [m.case for m in application.bundle.members.order_by("order")]
    demo = ProjectsDemo(today)
    for case in cases:
        demo.accept(case, today)
    section = Section.objects.get(bureau=bureau, name="投资建设审批科")
    reviewer, signatory, supervisor = (
        users["reviewer_build"],
        users["signatory"],
        users["supervisor"],
    )
    step = joint_actions.open_joint_step(
        project,
        actor=reviewer,
        stage=Stage.COMPLETION_ACCEPTANCE,
        kind=JointKind.JOINT_ACCEPTANCE,
        title="竣工联合验收",
        template=template,
        sections=[section],
        on=today,
    )
    opinion = joint_actions.ask_department(
        step,
        actor=reviewer,
        department=supervisor.staff.department,
        subject="请对仓储用房内设食品仓库的竣工情况进行验收并给出结论",
        days=5,
        on=today,
    )
    linkage_actions.answer_opinion(
        opinion,
        actor=supervisor,
        conclusion="agree",
        reasons="食品仓库按审查合格的施工图建成，冷链设施运行正常，验收合格。",
        on=today,
    )
    joint_actions.record_section_result(
        step,
        section,
        actor=reviewer,
        result="pass",
        findings="规划、消防、人防、竣工图核验合格。",
        on=today,
    )
    step = joint_actions.conclude_joint_step(
        step,
        actor=signatory,
        result="pass",
        summary="经联合验收，工程符合竣工验收条件，同意验收。",
        on=today,
    )
    return [
        _("联合验收：{project}出具{number}，办件{cases}使用").format(
            project=project.name,
            number=step.report_number,
            cases="、".join(c.number for c in step.cases.order_by("number")),
        )
    ]
