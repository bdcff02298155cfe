"""Renewal lead times (延续申请期限) in the workbench: the catalogue administrators of a region see
the 延续 handling items of their catalogues with the period before expiry within which a renewal
must be applied for — 30 days under 《行政许可法》第五十条第一款, or the item's own period with
the law that sets it — and set or clear that period. Every write is one call of
`cases.actions.set_renewal_lead_time`, which checks the role and region and audits the change."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from oneseal.actors import User
from oneseal.cases.actions.licences import (
    RENEWAL_BASIS,
    RENEWAL_LEAD_DAYS,
    set_renewal_lead_time,
)
from oneseal.cases.models import RenewalLeadTime
from oneseal.catalogue.models import HandlingItem, Item, ItemVersion, Variant
from oneseal.errors import DomainError, NotPermitted
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role, scope_prefix

from .views.common import domain_errors, staff_only


@dataclass
class Row:
    item: Item
    version: ItemVersion
    handling_items: list[HandlingItem]
    own: RenewalLeadTime | None

    @property
    def days(self) -> int:
        return self.own.days if self.own else RENEWAL_LEAD_DAYS

    @property
    def basis(self) -> str:
        return self.own.basis if self.own else RENEWAL_BASIS


def _require_catalogue_admin(user: User) -> None:
    if not has_role(user, Role.CATALOGUE_ADMIN):
        raise PermissionDenied(_("只有事项目录管理员可以设置延续申请期限"))


def renewal_rows(user: User) -> list[Row]:
    """Each item of the user's region whose newest version has a 延续 handling item, with its
    lead time. The newest version, draft or published: the list as the bureau keeps it, so a
    period can be set before the guide is published."""
    prefix = scope_prefix(user)
    if prefix is None:
        return []
    renewals = (
        HandlingItem.objects.filter(
            variant=Variant.RENEWAL,
            item_version__in=ItemVersion.objects.latest_per_item().filter(
                item__catalogue__region__code__startswith=prefix
            ),
        )
        .select_related("item_version__item__catalogue__region")
        .order_by("item_version__item__catalogue__region__code", "item_version__name", "id")
    )
    rows: dict[int, Row] = {}
    for hi in renewals:
        version = hi.item_version
        row = rows.get(version.item_id)
        if row is None:
            row = rows[version.item_id] = Row(version.item, version, [], None)
        row.handling_items.append(hi)
    for own in RenewalLeadTime.objects.filter(item_id__in=rows).select_related("set_by"):
        rows[own.item_id].own = own
    return list(rows.values())


def _page(
    request: HttpRequest,
    *,
    errors: dict | None = None,
    failed: int | None = None,
    values: dict[str, str] | None = None,
) -> HttpResponse:
    return render(
        request,
        "workbench/lead_times.html",
        {
            "rows": renewal_rows(request.user),
            "default_days": RENEWAL_LEAD_DAYS,
            "default_basis": RENEWAL_BASIS,
            "errors": errors or {},
            "failed": failed,
            "values": values or {},
        },
        status=400 if errors else 200,
    )


def _whole(text: str) -> int:
    """The typed number of days; 0 (which the action refuses by the field) when it is none."""
    try:
        return int(text)
    except ValueError:
        return 0


@staff_only
@require_GET
def lead_times(request: HttpRequest) -> HttpResponse:
    _require_catalogue_admin(request.user)
    return _page(request)


@staff_only
@require_POST
def set_lead_time(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the item's own period (days and basis), or clear it (back to 30 days)."""
    _require_catalogue_admin(request.user)
    item = get_object_or_404(Item, pk=pk)
    clear = request.POST.get("clear") == "1"
    values = {
        "days": request.POST.get("days", "").strip(),
        "basis": request.POST.get("basis", "").strip(),
    }
    try:
        set_renewal_lead_time(
            item,
            actor=request.user,
            days=None if clear else _whole(values["days"]),
            basis=values["basis"],
        )
    except NotPermitted as exc:
        raise PermissionDenied(str(exc.message)) from None
    except DomainError as exc:
        return _page(request, errors=domain_errors(exc), failed=item.pk, values=values)
    if clear:
        messages.success(request, _("已恢复为届满三十日前提出延续申请"))
    else:
        messages.success(request, _("已保存延续申请期限"))
    return redirect(reverse("workbench:lead-times") + f"#item-{item.pk}")
