"""Every write of the project register and the stage templates: one transaction, a
permission check, an audit row. Views, the API, the admin and the worker call these.

A project is registered by a clerk of its region or, online, by the owner itself (an account
acting for the owning organisation, `applicants.queries.acts_for`). Stage templates are kept by
the catalogue administrators of the catalogue's region."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from oneseal.actors import User, acts_as_system, stored_user
from oneseal.applicants.models import Applicant
from oneseal.applicants.queries import acts_for
from oneseal.applicants.rules import validate_credit_code
from oneseal.audit.actions import record
from oneseal.calendars.queries import today
from oneseal.catalogue.models import Catalogue, HandlingItem, ItemVersion
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed, fail_fields
from oneseal.organisation.models import Bureau, Role, Section
from oneseal.organisation.rules import has_role, require_role
from oneseal.regions.models import Region

from . import rules
from .models import Project, ProjectKind, Stage, StageItem, StageTemplate

TEXT_FIELDS = {"name": 200, "location": 300}


# --- the project register -----------------------------------------------------------------


def owner_by_credit_code(text: str) -> Applicant:
    """The registered organisation with this credit code; ValidationFailed on `owner`."""
    try:
        code = validate_credit_code(text)
    except ValueError as e:
        fail_fields({"owner": [str(e)]})
    owner = Applicant.objects.filter(kind=Applicant.Kind.ORGANISATION, credit_code=code).first()
    if owner is None:
        message = _("统一社会信用代码为{code}的单位尚未登记为申请人").format(code=code)
        raise ValidationFailed(message, fields={"owner": [message]})
    return owner


def _may_act(actor: User | None, *, system: bool, region: Region, owner: Applicant) -> None:
    if acts_as_system(actor, system=system):
        return
    if has_role(actor, Role.CLERK, region) or acts_for(actor, owner, today()):
        return
    raise NotPermitted()


def _clean(fields: dict[str, Any], *, code_region: Region | None = None) -> dict[str, list]:
    """Field errors of the project's editable fields (their values normalised in place)."""
    errors: dict[str, list] = {}
    for name, max_length in TEXT_FIELDS.items():
        if name not in fields:
            continue
        value = str(fields[name] or "").strip()
        fields[name] = value
        if not value:
            errors[name] = [_("此项为必填项")]
        elif len(value) > max_length:
            errors[name] = [_("不能超过{n}个字符").format(n=max_length)]
        elif rules.has_hidden_characters(value):
            errors[name] = [_("不能含有控制字符或文字方向控制字符")]
    if "kind" in fields and fields["kind"] not in ProjectKind.values:
        errors["kind"] = [_("“{value}”不是有效的项目类型").format(value=fields["kind"])]
    for name, max_digits in (("floor_area", 12), ("investment", 14)):
        if name not in fields:
            continue
        try:
            amount = Decimal(str(fields[name])).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            errors[name] = [_("应为数字")]
            continue
        if not amount.is_finite() or amount < 0 or len(amount.as_tuple().digits) > max_digits:
            errors[name] = [_("应为不小于0的数字，最多保留两位小数")]
        else:
            fields[name] = amount
    return errors


def _code_and_region(code_text: str, region: Region | None) -> tuple[str, Region]:
    """The normalised code and the project's region; ValidationFailed naming `code` or
    `region`. The code's region must be a real region and lie within the project's region,
    and that region must have an approval bureau."""
    try:
        code = rules.parse_project_code(code_text, today=today())
    except ValueError as e:
        fail_fields({"code": [str(e)]})
    code_region = Region.objects.filter(code=code.region_code).first()
    if code_region is None:
        message = _("投资项目统一代码中的行政区划代码“{code}”不存在").format(code=code.region_code)
        raise ValidationFailed(message, fields={"code": [message]})
    region = region or code_region
    if not region.contains(code_region):
        message = _(
            "投资项目统一代码中的行政区划“{code}”不在项目所属行政区划“{region}”范围内"
        ).format(code=code_region.name, region=region.name)
        raise ValidationFailed(message, fields={"code": [message]})
    if not Bureau.objects.filter(region=region).exists():
        fail_fields({"region": [_("“{region}”没有行政审批局").format(region=region.name)]})
    return code.text, region


@transaction.atomic
def register_project(
    *,
    actor: User | None,
    code: str,
    name: str,
    owner: Applicant,
    kind: str,
    location: str,
    floor_area: Any,
    investment: Any,
    region: Region | None = None,
    system: bool = False,
) -> Project:
    """Enter a project in the register. `region` defaults to the region of the code."""
    if owner.kind != Applicant.Kind.ORGANISATION:
        fail_fields({"owner": [_("建设单位应为法人或其他组织")]})
    try:
        validate_credit_code(owner.credit_code)
    except ValueError as e:
        fail_fields({"owner": [str(e)]})
    code, region = _code_and_region(code, region)
    _may_act(actor, system=system, region=region, owner=owner)
    fields = {
        "name": name,
        "kind": kind,
        "location": location,
        "floor_area": floor_area,
        "investment": investment,
    }
    fail_fields(_clean(fields))
    if Project.objects.filter(code=code).exists():
        fail_fields({"code": [_("投资项目统一代码{code}已登记").format(code=code)]})
    project = Project.objects.create(
        code=code,
        owner=owner,
        region=region,
        registered_by=stored_user(actor)
        if actor is not None and getattr(actor, "pk", None)
        else None,
        **fields,
    )
    record(
        "projects.register_project",
        actor=actor,
        subject=project,
        region_code=region.code,
        summary=f"{project.name}（{project.code}）",
        data={"owner": owner.credit_code, "kind": project.kind},
    )
    return project


@transaction.atomic
def update_project(
    project: Project, *, actor: User | None, system: bool = False, **changes: Any
) -> Project:
    """Change a project's name, kind, location or scale. The code, owner and region are its
    identity and are not changed here."""
    allowed = {"name", "kind", "location", "floor_area", "investment"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        fail_fields({name: [_("该项不能修改")] for name in unknown})
    project = (
        Project.objects.select_for_update().select_related("owner", "region").get(pk=project.pk)
    )
    _may_act(actor, system=system, region=project.region, owner=project.owner)
    fail_fields(_clean(changes))
    before = {name: str(getattr(project, name)) for name in changes}
    for name, value in changes.items():
        setattr(project, name, value)
    project.save(update_fields=list(changes))
    record(
        "projects.update_project",
        actor=actor,
        subject=project,
        region_code=project.region.code,
        summary=f"{project.name}（{project.code}）",
        data={"before": before, "after": {name: str(v) for name, v in changes.items()}},
    )
    return project


# --- stage templates ----------------------------------------------------------------------


def _require_admin(actor: User | None, catalogue: Catalogue, *, system: bool) -> None:
    if not acts_as_system(actor, system=system):
        require_role(actor, Role.CATALOGUE_ADMIN, catalogue.region)


def _draft(template: StageTemplate) -> StageTemplate:
    template = (
        StageTemplate.objects.select_for_update()
        .select_related("catalogue__region")
        .get(pk=template.pk)
    )
    if not template.is_draft:
        raise InvalidTransition(_("已发布的阶段模板不能修改"))
    return template


def _template_errors(fields: dict[str, Any], catalogue: Catalogue) -> dict[str, list]:
    errors: dict[str, list] = {}
    if "stage" in fields and fields["stage"] not in Stage.values:
        errors["stage"] = [_("审批阶段应为1至4")]
    if "name" in fields:
        fields["name"] = str(fields["name"] or "").strip()
        if not fields["name"]:
            errors["name"] = [_("此项为必填项")]
    if "limit_days" in fields:
        limit = fields["limit_days"]
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 365:
            errors["limit_days"] = [_("阶段办结时限应为1至365个工作日")]
    if "project_kinds" in fields:
        kinds = list(dict.fromkeys(fields["project_kinds"] or []))
        bad = [k for k in kinds if k not in ProjectKind.values]
        if bad:
            errors["project_kinds"] = [
                _("“{value}”不是有效的项目类型").format(value="、".join(map(str, bad)))
            ]
        fields["project_kinds"] = kinds
    if "project_limits" in fields:
        limits = fields["project_limits"] or {}
        bad_limits = not isinstance(limits, dict) or any(
            k not in ProjectKind.values
            or not isinstance(v, int)
            or isinstance(v, bool)
            or not 1 <= v <= 365
            for k, v in limits.items()
        )
        if bad_limits:
            errors["project_limits"] = [_("全流程审批时限应按项目类型填写1至365个工作日")]
    section = fields.get("lead_section")
    if section is not None and section.bureau.region_id != catalogue.region_id:
        errors["lead_section"] = [_("牵头科室应为本级行政审批局的科室")]
    return errors


@transaction.atomic
def create_stage_template(
    catalogue: Catalogue,
    *,
    actor: User | None,
    stage: int,
    name: str,
    limit_days: int,
    project_kinds: list[str],
    lead_section: Section | None = None,
    legal_basis: str = "",
    silence_is_consent: bool = False,
    system: bool = False,
) -> StageTemplate:
    """A new draft template (version 1, or the next version of a published one by the same
    name, which the new one replaces when published)."""
    _require_admin(actor, catalogue, system=system)
    fields: dict[str, Any] = {
        "stage": stage,
        "name": name,
        "limit_days": limit_days,
        "project_kinds": project_kinds,
        "lead_section": lead_section,
    }
    fail_fields(_template_errors(fields, catalogue))
    versions = StageTemplate.objects.filter(catalogue=catalogue, stage=stage, name=fields["name"])
    if versions.filter(status=StageTemplate.Status.DRAFT).exists():
        fail_fields({"name": [_("该阶段模板已有草稿，请先修改或发布草稿")]})
    number = (versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    template = StageTemplate.objects.create(
        catalogue=catalogue,
        number=number,
        legal_basis=legal_basis.strip(),
        silence_is_consent=bool(silence_is_consent),
        **fields,
    )
    record(
        "projects.create_stage_template",
        actor=actor,
        subject=template,
        region_code=catalogue.region.code,
        summary=f"{template.get_stage_display()}：{template.name} 第{number}版",
    )
    return template


@transaction.atomic
def update_stage_template(
    template: StageTemplate, *, actor: User | None, system: bool = False, **changes: Any
) -> StageTemplate:
    template = _draft(template)
    _require_admin(actor, template.catalogue, system=system)
    allowed = {
        "limit_days",
        "project_kinds",
        "lead_section",
        "legal_basis",
        "project_limits",
        "silence_is_consent",
    }
    unknown = sorted(set(changes) - allowed)
    if unknown:
        fail_fields({name: [_("该项不能修改")] for name in unknown})
    fail_fields(_template_errors(changes, template.catalogue))
    if "silence_is_consent" in changes and not isinstance(changes["silence_is_consent"], bool):
        fail_fields({"silence_is_consent": [_("应为是或否")]})
    for name, value in changes.items():
        setattr(template, name, value.strip() if name == "legal_basis" else value)
    template.save(update_fields=list(changes))
    record(
        "projects.update_stage_template",
        actor=actor,
        subject=template,
        region_code=template.catalogue.region.code,
        summary=str(template),
        data={name: str(getattr(template, name)) for name in changes},
    )
    return template


@transaction.atomic
def add_stage_item(
    template: StageTemplate,
    handling_item: HandlingItem,
    *,
    actor: User | None,
    required: bool = True,
    system: bool = False,
) -> StageItem:
    template = _draft(template)
    _require_admin(actor, template.catalogue, system=system)
    if handling_item.item_version.item.catalogue_id != template.catalogue_id:
        fail_fields({"handling_item": [_("办理项应属于本事项目录")]})
    if template.items.filter(handling_item=handling_item).exists():
        fail_fields({"handling_item": [_("该办理项已在本阶段中")]})
    order = template.items.count() + 1
    item = StageItem.objects.create(
        template=template, handling_item=handling_item, required=required, order=order
    )
    record(
        "projects.add_stage_item",
        actor=actor,
        subject=template,
        region_code=template.catalogue.region.code,
        summary=f"{template}：{handling_item.name}",
        data={"handling_item": handling_item.pk, "required": required},
    )
    return item


def publish_blockers(template: StageTemplate) -> list:
    items = list(
        template.items.select_related("handling_item__item_version__item").order_by("order")
    )
    in_force = set(
        ItemVersion.objects.in_force(today())
        .filter(pk__in=[i.handling_item.item_version_id for i in items])
        .values_list("pk", flat=True)
    )
    return rules.template_blockers(template, items, today=today(), in_force_ids=in_force)


@transaction.atomic
def publish_stage_template(
    template: StageTemplate, *, actor: User | None, system: bool = False
) -> StageTemplate:
    """Publish a draft today; refused with every reason. The published version of the same
    name it replaces stops being offered."""
    template = _draft(template)
    _require_admin(actor, template.catalogue, system=system)
    blockers = publish_blockers(template)
    if blockers:
        raise ValidationFailed(_("阶段模板不完整，不能发布"), reasons=blockers)
    StageTemplate.objects.filter(
        catalogue=template.catalogue_id,
        stage=template.stage,
        name=template.name,
        status=StageTemplate.Status.PUBLISHED,
        superseded_on__isnull=True,
    ).update(superseded_on=today())
    template.status = StageTemplate.Status.PUBLISHED
    template.published_on = today()
    template.save(update_fields=["status", "published_on"])
    record(
        "projects.publish_stage_template",
        actor=actor,
        subject=template,
        region_code=template.catalogue.region.code,
        summary=f"{template.get_stage_display()}：{template.name} 第{template.number}版",
        data={"items": list(template.items.values_list("handling_item_id", flat=True))},
    )
    return template
