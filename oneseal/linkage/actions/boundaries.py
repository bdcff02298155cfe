"""The duty boundary list (职责边界清单, seed 002 (三)): maintained by the catalogue
administrators of the item's region."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from oneseal.actors import User, stored_user
from oneseal.audit.actions import record
from oneseal.catalogue.models import Item
from oneseal.errors import NotPermitted, fail_fields
from oneseal.organisation.models import Department, Role
from oneseal.organisation.rules import has_role

from ..models import DutyBoundary, SupportDuty, SupportKind
from ._common import positive_days, text


@transaction.atomic
def save_duty_boundary(
    item: Item,
    *,
    actor: "User",
    supervising_department: Department,
    bureau_duties: str,
    department_duties: str,
    coordination: str = "",
    support_duties: Iterable[dict[str, Any]] = (),
) -> DutyBoundary:
    """Create or replace the item's entry. `support_duties` is a list of {"kind",
    "description", "limit_days"}: the technical support the department owes, each kind once."""
    item = Item.objects.select_related("catalogue__region").get(pk=item.pk)
    region = item.catalogue.region
    if not has_role(actor, Role.CATALOGUE_ADMIN, region):
        raise NotPermitted()
    errors: dict = {}
    if supervising_department is None or not region.contains(supervising_department.region):
        errors["supervising_department"] = [_("请选择本地区的行业主管部门")]
    if not text(bureau_duties):
        errors["bureau_duties"] = [_("请填写审批局职责")]
    if not text(department_duties):
        errors["department_duties"] = [_("请填写监管部门职责")]
    duties, seen = [], set()
    for i, row in enumerate(support_duties or []):
        kind = row.get("kind")
        if kind not in SupportKind.values:
            errors[f"support_duties[{i}].kind"] = [_("请选择技术支撑类别")]
            continue
        if kind in seen:
            errors[f"support_duties[{i}].kind"] = [
                _("技术支撑类别“{kind}”重复").format(kind=SupportKind(kind).label)
            ]
            continue
        seen.add(kind)
        if not text(row.get("description")):
            errors[f"support_duties[{i}].description"] = [_("请填写支撑内容")]
        days = positive_days(
            row.get("limit_days"),
            errors,
            f"support_duties[{i}].limit_days",
            _("时限应为1至365个工作日"),
        )
        duties.append(
            SupportDuty(kind=kind, description=text(row.get("description")), limit_days=days or 1)
        )
    fail_fields(errors)
    boundary, created = DutyBoundary.objects.select_for_update().get_or_create(
        item=item,
        defaults={
            "supervising_department": supervising_department,
            "region_code": region.code,
            "bureau_duties": "",
            "department_duties": "",
        },
    )
    boundary.supervising_department = supervising_department
    boundary.region_code = region.code
    boundary.bureau_duties, boundary.department_duties = (
        text(bureau_duties),
        text(department_duties),
    )
    boundary.coordination, boundary.updated_by = text(coordination), stored_user(actor)
    boundary.save()
    boundary.support_duties.all().delete()
    for duty in duties:
        duty.boundary = boundary
    SupportDuty.objects.bulk_create(duties)
    record(
        "linkage.save_duty_boundary",
        actor=actor,
        subject=boundary,
        region_code=region.code,
        summary=_("{item}：监管部门{department}").format(
            item=item.basic_code, department=supervising_department
        ),
        data={
            "created": created,
            "department": supervising_department.pk,
            "support_duties": [{"kind": d.kind, "limit_days": d.limit_days} for d in duties],
        },
    )
    return boundary
