"""The shared steps of a project's stage (issue #10 point 4): 联合审图 (drawings reviewed once by
the sections and departments concerned), 多评合一 (one combined assessment report by a qualified
intermediary of the marketplace, or a named provider) and 联合验收 (the completion acceptance
with every department's result). Each is one `JointStep` keyed to the project and the stage
number; every case of the stage that uses it is listed on it and shows it.

Who does what: a reviewer of the stage's lead section (when the stage's template names one) or
a signatory of the project's region opens a step, names the sections concerned and asks the
departments concerned — a department through an opinion request of the linkage, whose silence
counts as no objection exactly when the stage's template says so. Each section's staff record
its own result. A signatory concludes the step once every party has spoken (or a department's
silence was deemed no objection): the merged report is numbered, rendered and signed with the
bureau's seal, and noted on every case that uses it. Another county's staff, a section that is
not the lead one and an account that is not staff are refused."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from oneseal.actors import User, stored_user
from oneseal.applicants.rules import validate_credit_code
from oneseal.audit.actions import record
from oneseal.calendars.queries import today as business_today
from oneseal.cases.actions._base import append_event, lock
from oneseal.cases.models import Case
from oneseal.documents.numbering import take_next
from oneseal.errors import NotPermitted, ValidationFailed, fail_blockers, fail_fields
from oneseal.intermediaries.models import Intermediary
from oneseal.linkage import actions as linkage_actions
from oneseal.linkage.models import OpinionRequest
from oneseal.organisation.models import Bureau, Department, Role, Section
from oneseal.organisation.rules import has_role, staff_of

from . import joint_reports, queries
from .models import (
    JointKind,
    JointParty,
    JointReportSequence,
    JointResult,
    JointStep,
    Project,
    Stage,
    StageTemplate,
)

# The stages each kind of step belongs to (国办发〔2019〕11号): drawings are reviewed for the
# construction-engineering and construction-permit stages, assessments are combined before
# land and planning or construction engineering, acceptance is the completion stage.
KIND_STAGES = {
    JointKind.DRAWING_REVIEW: (Stage.CONSTRUCTION_ENGINEERING, Stage.CONSTRUCTION_PERMIT),
    JointKind.COMBINED_ASSESSMENT: (Stage.LAND_AND_PLANNING, Stage.CONSTRUCTION_ENGINEERING),
    JointKind.JOINT_ACCEPTANCE: (Stage.COMPLETION_ACCEPTANCE,),
}


def _text(value: object) -> str:
    return str(value or "").strip()


def silence_rule_of(template: StageTemplate | None) -> tuple[bool, str]:
    """Whether silence counts as consent in the stage, and the rule to record when it does."""
    if template is None or not template.silence_is_consent:
        return False, ""
    rule = _("阶段模板《{name}》第{number}版：征求意见逾期未答复视为无意见").format(
        name=template.name, number=template.number
    )
    if template.legal_basis:
        rule += _("（依据：{basis}）").format(basis=template.legal_basis)
    return True, rule


def may_lead(
    actor: User, step_or_project: JointStep | Project, template: StageTemplate | None
) -> bool:
    """A signatory of the project's region, or a reviewer there of the stage's lead section (any
    reviewer of the region when the stage has no template yet)."""
    project = step_or_project.project if isinstance(step_or_project, JointStep) else step_or_project
    region = project.region
    if has_role(actor, Role.SIGNATORY, region):
        return True
    if not has_role(actor, Role.REVIEWER, region):
        return False
    if template is None or template.lead_section_id is None:
        return True
    staff = staff_of(actor)
    return staff is not None and staff.section_id == template.lead_section_id


def _require_lead(
    actor: User, step_or_project: JointStep | Project, template: StageTemplate | None
) -> None:
    if not may_lead(actor, step_or_project, template):
        raise NotPermitted(_("只有本阶段牵头科室的审查人员或签批领导可以组织联合环节"))


def _check_cases(project: Project, cases: Iterable[Case], errors: dict) -> list[Case]:
    listed = list(cases)
    for case in listed:
        if case.applicant_id != project.owner_id or not case.region.code.startswith(
            project.region.code
        ):
            errors["cases"] = [
                _("办件{number}不是本项目建设单位在本地区的申请").format(number=case.number)
            ]
            break
        if not case.is_open:
            errors["cases"] = [_("办件{number}已办结").format(number=case.number)]
            break
    return listed


@transaction.atomic
def open_joint_step(
    project: Project,
    *,
    actor: User,
    stage: int,
    kind: str,
    title: str,
    template: StageTemplate | None = None,
    cases: Iterable[Case] = (),
    sections: Iterable[Section] = (),
    provider: Intermediary | int | str | None = None,
    provider_name: str = "",
    provider_credit_code: str = "",
    on: datetime.date | None = None,
) -> JointStep:
    """Open a shared step. A combined assessment (多评合一) names who draws it up: `provider`,
    an intermediary qualified on `on` (`queries.qualified_providers`), whose name and credit
    code the step copies; or, for a provider not registered in the marketplace, its name
    (`provider_name`, with its credit code when known) — one or the other."""
    project = Project.objects.select_related("region", "owner").get(pk=project.pk)
    _require_lead(actor, project, template)
    on = on or business_today()
    errors: dict = {}
    if kind not in JointKind.values:
        errors["kind"] = [_("请选择联合审图、多评合一或联合验收")]
    elif stage not in KIND_STAGES[JointKind(kind)]:
        errors["stage"] = [
            _("{kind}不属于“{stage}”阶段").format(
                kind=JointKind(kind).label,
                stage=Stage(stage).label if stage in Stage.values else stage,
            )
        ]
    if not _text(title):
        errors["title"] = [_("请填写名称")]
    if template is not None and (
        template.stage != stage
        or template.status != StageTemplate.Status.PUBLISHED
        or not template.catalogue.region.contains(project.region)
    ):
        errors["template"] = [_("阶段模板应为本阶段已发布的模板")]
    chosen = None
    if provider not in (None, "") and kind != JointKind.COMBINED_ASSESSMENT:
        errors["provider"] = [_("只有多评合一须指定评估编制单位")]
    elif provider is not None and provider != "":
        chosen = _qualified_provider(provider, on)
        if chosen is None:
            errors["provider"] = [
                _(
                    "所选中介机构不存在、已暂停服务或在{date}没有有效资质，不能编制多评合一报告"
                ).format(date=date_format(on, "DATE_FORMAT"))
            ]
        elif _text(provider_name) or _text(provider_credit_code):
            errors["provider_name"] = [_("已选择中介机构，请勿另填评估编制单位")]
        else:
            provider_name, provider_credit_code = chosen.name, chosen.credit_code
    elif kind == JointKind.COMBINED_ASSESSMENT:
        if not _text(provider_name):
            errors["provider_name"] = [_("多评合一须选择中介机构或写明评估编制单位")]
        if _text(provider_credit_code):
            try:
                provider_credit_code = validate_credit_code(provider_credit_code)
            except ValueError as e:
                errors["provider_credit_code"] = [str(e)]
    # Unless the organiser lists them, the step covers every open case the project applied for
    # in this stage: the one report serves the whole stage.
    cases = list(cases) or queries.open_stage_cases(project, stage)
    listed_cases = _check_cases(project, cases, errors)
    sections = list(sections)
    bureau = Bureau.objects.filter(region=project.region).first()
    if any(bureau is None or s.bureau_id != bureau.pk for s in sections):
        errors["sections"] = [_("参与科室应为本局的科室")]
    if JointStep.objects.filter(project=project, stage=stage, kind=kind).exists():
        errors["kind"] = [_("本项目该阶段已有此联合环节")]
    fail_fields(errors)
    step = JointStep.objects.create(
        project=project,
        stage=stage,
        kind=kind,
        title=_text(title),
        region_code=project.region.code,
        template=template,
        provider=chosen,
        provider_name=_text(provider_name),
        provider_credit_code=_text(provider_credit_code),
        opened_on=on,
        opened_by=stored_user(actor) if getattr(actor, "pk", None) else None,
        bureau=bureau,
    )
    step.cases.set(listed_cases)
    for section in sections:
        JointParty.objects.create(step=step, section=section)
    record(
        "projects.open_joint_step",
        actor=actor,
        subject=step,
        region_code=step.region_code,
        summary=f"{project.name}：{step.get_kind_display()}（{step.get_stage_display()}）",
        data={
            "project": project.code,
            "stage": stage,
            "kind": kind,
            "cases": [c.number for c in listed_cases],
            "sections": [s.name for s in sections],
            "provider": step.provider_name,
            **({"intermediary": chosen.credit_code} if chosen else {}),
        },
    )
    return step


def _qualified_provider(
    provider: Intermediary | int | str, on: datetime.date
) -> Intermediary | None:
    pk = provider.pk if isinstance(provider, Intermediary) else provider
    try:
        return queries.qualified_providers(on).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def _open_step(step: JointStep) -> JointStep:
    step = (
        JointStep.objects.select_for_update(of=("self",))
        .select_related("project__region", "project__owner", "template")
        .get(pk=step.pk)
    )
    if step.state != JointStep.StepState.OPEN:
        fail_blockers([_("该联合环节已出具报告")])
    return step


@transaction.atomic
def attach_cases(step: JointStep, *, actor: User, cases: Iterable[Case]) -> JointStep:
    """More cases of the stage use the step (applied for after it was opened)."""
    step = _open_step(step)
    _require_lead(actor, step, step.template)
    errors: dict = {}
    listed = _check_cases(step.project, cases, errors)
    fail_fields(errors)
    step.cases.add(*listed)
    record(
        "projects.attach_joint_cases",
        actor=actor,
        subject=step,
        region_code=step.region_code,
        summary=str(step),
        data={"cases": [c.number for c in listed]},
    )
    return step


@transaction.atomic
def ask_department(
    step: JointStep,
    *,
    actor: User,
    department: Department | None,
    subject: str,
    days: int | None,
    on: datetime.date | None = None,
) -> OpinionRequest:
    """The department gives its opinion (联合审图) or result (联合验收) through an opinion
    request, silence counting as the stage's template says."""
    step = _open_step(step)
    _require_lead(actor, step, step.template)
    silence, rule = silence_rule_of(step.template)
    request = linkage_actions.request_step_opinion(
        step,
        actor=actor,
        department=department,
        subject=subject,
        days=days,
        silence_is_consent=silence,
        silence_rule=rule,
        on=on,
    )
    JointParty.objects.get_or_create(step=step, department=request.department)
    return request


def _department_opinion(step: JointStep, department_id: int) -> OpinionRequest | None:
    return (
        OpinionRequest.objects.filter(joint_step=step, department_id=department_id)
        .exclude(state=OpinionRequest.RequestState.WITHDRAWN)
        .first()
    )


@transaction.atomic
def record_section_result(
    step: JointStep,
    section: Section,
    *,
    actor: User,
    result: str,
    findings: str,
    on: datetime.date | None = None,
) -> JointParty:
    """A section's own result, recorded by a reviewer of that section in the project's region."""
    step = _open_step(step)
    party = JointParty.objects.filter(step=step, section=section).first()
    if party is None:
        message = _("该科室不是本联合环节的参与方")
        raise ValidationFailed(message, fields={"section": [message]})
    staff = staff_of(actor)
    if (
        not has_role(actor, Role.REVIEWER, step.project.region)
        or staff is None
        or staff.section_id != section.pk
    ):
        raise NotPermitted(_("只有该科室的审查人员可以记录本科室的意见"))
    errors: dict = {}
    if result not in JointResult.values:
        errors["result"] = [_("请选择通过、有条件通过或不通过")]
    if not _text(findings):
        errors["findings"] = [_("请填写意见")]
    on = on or business_today()
    if on < step.opened_on:
        errors["on"] = [_("日期不能早于环节发起日期")]
    fail_fields(errors)
    party.result, party.findings, party.recorded_on = result, _text(findings), on
    party.recorded_by = stored_user(actor)
    party.save(update_fields=["result", "findings", "recorded_on", "recorded_by"])
    record(
        "projects.record_joint_result",
        actor=actor,
        subject=step,
        region_code=step.region_code,
        summary=f"{step}：{section.name} {party.get_result_display()}",
        data={"section": section.name, "result": result},
    )
    return party


def party_rows(step: JointStep) -> list[dict]:
    """Each party with what it said, for pages, the API and the report."""
    rows = []
    for party in step.parties.select_related("section", "department").order_by("id"):
        if party.section is not None:  # selected with the party: no query
            rows.append(
                {
                    "party": party,
                    "name": party.section.name,
                    "kind": "section",
                    "done": bool(party.result),
                    "result": party.get_result_display() if party.result else "",
                    "findings": party.findings,
                    "on": party.recorded_on,
                    "opinion": None,
                }
            )
            continue
        department = party.department
        assert department is not None  # a section's or a department's (the check constraint)
        opinion = _department_opinion(step, department.pk)
        done = opinion is not None and opinion.state in (
            OpinionRequest.RequestState.ANSWERED,
            OpinionRequest.RequestState.DEEMED,
        )
        if opinion is None:
            result = ""
        elif opinion.state == OpinionRequest.RequestState.DEEMED:
            result = str(_("逾期未答复，视为无意见"))
        elif opinion.conclusion:
            result = opinion.get_conclusion_display()
        else:
            result = ""
        rows.append(
            {
                "party": party,
                "name": department.name,
                "kind": "department",
                "done": done,
                "result": result,
                "findings": (
                    opinion.silence_rule
                    if opinion and opinion.state == OpinionRequest.RequestState.DEEMED
                    else (opinion.reasons if opinion else "")
                ),
                "on": (opinion.answered_on or opinion.deemed_on) if opinion else None,
                "opinion": opinion,
            }
        )
    return rows


def conclude_blockers(step: JointStep) -> list[str]:
    out = []
    if step.state != JointStep.StepState.OPEN:
        return [_("该联合环节已出具报告")]
    rows = party_rows(step)
    if not rows:
        out.append(_("尚无参与科室或部门"))
    for row in rows:
        if not row["done"]:
            out.append(_("{name}尚未给出意见").format(name=row["name"]))
    if step.kind == JointKind.COMBINED_ASSESSMENT and not step.provider_name:
        out.append(_("多评合一须写明评估编制单位"))
    if step.bureau_id is None:
        out.append(_("项目所在地区没有行政审批局"))
    return out


@transaction.atomic
def conclude_joint_step(
    step: JointStep,
    *,
    actor: User,
    result: str,
    summary: str,
    on: datetime.date | None = None,
) -> JointStep:
    """One merged report (联合审图意见书 / 多评合一评估报告意见 / 联合验收意见书) under the
    bureau's seal, used by every case of the stage the step lists. A signatory of the project's
    region; refused with every reason while a party has not spoken."""
    step = _open_step(step)
    if not has_role(actor, Role.SIGNATORY, step.project.region):
        raise NotPermitted(_("只有签批领导可以出具联合环节报告"))
    fail_blockers(conclude_blockers(step), error=ValidationFailed)
    errors: dict = {}
    if result not in JointResult.values:
        errors["result"] = [_("请选择通过、有条件通过或不通过")]
    if not _text(summary):
        errors["summary"] = [_("请填写综合意见")]
    on = on or business_today()
    rows = party_rows(step)
    latest = max((row["on"] for row in rows if row["on"]), default=step.opened_on)
    if on < latest:
        errors["on"] = [_("出具日期不能早于最后一方给出意见的日期")]
    fail_fields(errors)
    step.result, step.summary, step.concluded_on = result, _text(summary), on
    step.concluded_by = stored_user(actor)
    bureau = step.bureau
    assert bureau is not None  # conclude_blockers refuses a step without one
    seq = take_next(JointReportSequence, bureau=bureau, year=on.year, kind=step.kind)
    step.report_number = joint_reports.report_number(bureau, step.kind, on.year, seq)
    step.report_code = joint_reports.new_code()
    signed, seal = joint_reports.render_and_sign(step, rows, bureau=bureau)
    digest = hashlib.sha256(signed).hexdigest()
    path = f"projects/reports/{on.year}/{digest}.pdf"
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(signed))
    step.report_file, step.report_sha256, step.report_seal = path, digest, seal
    step.state = JointStep.StepState.CONCLUDED
    step.save()
    for case_pk in step.cases.order_by("pk").values_list("pk", flat=True):
        case = lock(Case(pk=case_pk))
        append_event(
            case,
            action="joint_report",
            actor=actor,
            from_state=case.state,
            on=on,
            reason=_("{kind}报告{number}：{result}").format(
                kind=step.get_kind_display(),
                number=step.report_number,
                result=step.get_result_display(),
            ),
            data={
                "joint_step": step.pk,
                "kind": step.kind,
                "report_number": step.report_number,
                "result": result,
                "sha256": digest,
            },
        )
    record(
        "projects.conclude_joint_step",
        actor=actor,
        subject=step,
        region_code=step.region_code,
        summary=f"{step.get_kind_display()} {step.report_number}",
        data={"result": result, "sha256": digest, "cases": step.cases.count()},
    )
    return step
