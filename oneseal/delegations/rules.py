"""What a township service centre's staff may do under the bureau's delegation (委托). The
cases actions call these for anyone who acts on a case without a role over the bureau's
region: receiving, the intake decisions and, when the delegation says so, the decision. Each
refusal names its reason: outside the scope (the item), the period, the region (another
bureau, another centre's case, a centre outside the bureau's region), or the mode."""

import datetime
from typing import TYPE_CHECKING

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from oneseal.actors import Actor
from oneseal.organisation.models import Bureau, Role, Staff
from oneseal.organisation.rules import staff_of

from .models import Delegation, Mode

if TYPE_CHECKING:
    from oneseal.cases.models import Case
    from oneseal.catalogue.models import Item

# What a centre's staff do on a case, by the role the bureau's staff would need for it.
INTAKE, DECIDE = "intake", "decide"
ACT_OF_ROLE: dict[str, str] = {Role.CLERK: INTAKE, Role.SIGNATORY: DECIDE}


def centre_staff(actor: Actor) -> Staff | None:
    """The actor's staff record when they work at a township service centre as its clerk."""
    if getattr(actor, "is_superuser", False) or not getattr(actor, "is_active", False):
        return None
    staff = staff_of(actor)
    if staff is None or staff.service_centre_id is None or Role.CLERK not in staff.role_set:
        return None
    return staff


def delegation_blockers(
    staff: Staff, *, bureau: Bureau, item: "Item", on: datetime.date, act: str
) -> list[str]:
    """Why the centre of `staff` may not do `act` (INTAKE or DECIDE) for `item` of `bureau` on
    day `on`; empty when a delegation in force covers it."""
    centre = staff.service_centre
    assert centre is not None  # centre_staff
    if centre.bureau_id != bureau.pk or not bureau.region.contains(centre.region):
        return [
            _("{centre}不在{bureau}的辖区内，不能以其名义办理").format(
                centre=centre.name, bureau=bureau.name
            )
        ]
    if not staff.region.contains(centre.region):
        return [_("您的管辖区划不包括{centre}所在乡镇（街道）").format(centre=centre.name)]
    delegations = list(
        Delegation.objects.filter(bureau=bureau, service_centre=centre, items=item).order_by(
            "valid_from"
        )
    )
    if not delegations:
        return [
            _("事项“{item}”不在{bureau}对{centre}的委托范围内").format(
                item=_item_name(item), bureau=bureau.name, centre=centre.name
            )
        ]
    current = [d for d in delegations if d.in_force(on)]
    if not current:
        revoked = [
            d
            for d in delegations
            if d.state == Delegation.DelegationState.REVOKED and d.valid_from <= on <= d.valid_until
        ]
        if revoked:
            d = revoked[-1]
            return [
                _("委托书{number}已于{day}收回").format(
                    number=d.number,
                    day=date_format(d.revoked_on, "DATE_FORMAT") if d.revoked_on else "",
                )
            ]
        periods = "；".join(
            _("{number}：{start}至{end}").format(
                number=d.number,
                start=date_format(d.valid_from, "DATE_FORMAT"),
                end=date_format(d.valid_until, "DATE_FORMAT"),
            )
            for d in delegations
            if d.state != Delegation.DelegationState.REVOKED
        )
        return [
            _("{on}不在委托期限内（{periods}）").format(
                on=date_format(on, "DATE_FORMAT"), periods=periods
            )
        ]
    if act == DECIDE and not any(d.mode == Mode.DECIDE for d in current):
        return [
            _("委托方式为受理后转报审批局决定，{centre}不能作出许可决定").format(centre=centre.name)
        ]
    return []


def case_blockers(staff: Staff, case: "Case", *, on: datetime.date, act: str) -> list[str]:
    """`delegation_blockers` for an existing case: it must also have been received at the
    staff member's own centre."""
    if case.service_centre_id != staff.service_centre_id:
        return [_("该办件不是在本便民服务中心收件的，不能办理")]
    return delegation_blockers(
        staff, bureau=case.bureau, item=case.handling_item.item_version.item, on=on, act=act
    )


def _item_name(item: "Item") -> str:
    latest = item.versions.order_by("-number").first()
    return latest.name if latest else item.basic_code
