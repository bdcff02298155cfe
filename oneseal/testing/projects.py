"""Construction projects for tests of any app: published items and stage templates in any
county's catalogue, projects, and a stage's cases accepted and decided — all through the
actions, on the dates given."""

import datetime

from oneseal.applicants.actions import register_applicant
from oneseal.cases import actions as case_actions
from oneseal.cases.models import Case, CaseMaterial
from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import Catalogue, HandlingItem, Material, SpecialProcedure
from oneseal.organisation.models import Department, Section
from oneseal.projects import actions
from oneseal.projects.models import Project, StageApplication, StageTemplate

BASIS = "《宁夏回族自治区工程建设项目审批制度改革实施方案》"


def published_item(
    catalogue: Catalogue,
    admin,
    department: Department,
    *,
    code: str,
    name: str,
    materials: tuple[str, ...] = ("申请书",),
) -> HandlingItem:
    version = catalogue_actions.create_item(
        catalogue,
        actor=admin,
        basic_code=code,
        name=name,
        legal_basis="《中华人民共和国城乡规划法》第四十条",
        original_department=department,
    )
    hi = catalogue_actions.save_draft_part(
        HandlingItem(
            item_version=version,
            code=code + "-01",
            name=name + "（新办）",
            statutory_limit_days=20,
            promised_limit_days=10,
            complaint_phone="0952-12345",
        ),
        actor=admin,
    )
    for order, material in enumerate(materials, 1):
        catalogue_actions.save_draft_part(
            Material(handling_item=hi, name=f"{name}{material}", order=order), actor=admin
        )
    catalogue_actions.save_draft_part(
        SpecialProcedure(handling_item=hi, kind=SpecialProcedure.Kind.SITE_SURVEY, limit_days=10),
        actor=admin,
    )
    catalogue_actions.publish(version, actor=admin, effective_from=datetime.date(2024, 1, 1))
    return hi


def stage_template(
    catalogue: Catalogue,
    admin,
    section: Section,
    items: list[HandlingItem],
    *,
    stage: int,
    limit_days: int,
    kinds: list[str],
    project_limits: dict[str, int] | None = None,
    name: str = "",
) -> StageTemplate:
    template = actions.create_stage_template(
        catalogue,
        actor=admin,
        stage=stage,
        name=name or f"阶段{stage}",
        limit_days=limit_days,
        project_kinds=kinds,
        lead_section=section,
        legal_basis=BASIS,
    )
    if project_limits:
        actions.update_stage_template(template, actor=admin, project_limits=project_limits)
    for hi in items:
        actions.add_stage_item(template, hi, actor=admin, required=True)
    return actions.publish_stage_template(template, actor=admin)


def organisation_owner(clerk, name: str, credit_code: str):
    return register_applicant(
        actor=clerk, kind="organisation", name=name, number=credit_code, phone="0952-6012345"
    )


def project(clerk, owner, *, code: str, name: str, kind: str) -> Project:
    return actions.register_project(
        actor=clerk,
        code=code,
        name=name,
        owner=owner,
        kind=kind,
        location="工业园区",
        floor_area="1000",
        investment="500",
    )


def cases_of(application: StageApplication) -> list[Case]:
    return [m.case for m in application.bundle.members.order_by("order", "id")]


def accept_all(application: StageApplication, clerk, on: datetime.date) -> list[Case]:
    out = []
    for case in cases_of(application):
        case_actions.check_materials(
            case,
            actor=clerk,
            statuses={line.pk: CaseMaterial.Status.PROVIDED for line in case.materials.all()},
        )
        out.append(case_actions.accept(case, actor=clerk, on=on))
    return out


def grant_all(cases: list[Case], signatory, on: datetime.date) -> None:
    for case in cases:
        case.refresh_from_db()
        case_actions.grant(
            case,
            actor=signatory,
            on=on,
            scope="建设工程",
            valid_from=on,
            valid_until=datetime.date(2030, 12, 31),
        )
