"""Reads that shape a catalogue screen or report. Each decides its own joins so that a page
makes a bounded number of queries whatever the catalogue's size."""

import datetime
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Prefetch, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from oneseal.calendars.queries import today
from oneseal.organisation.models import Department
from oneseal.regions.models import Region

from .models import (
    Catalogue,
    HandlingItem,
    ItemVersion,
    ReviewStep,
    SpecialProcedure,
    Topic,
    TransferStatus,
)


def local_catalogue(region: Region) -> Catalogue | None:
    return (
        Catalogue.objects.filter(region=region, kind=Catalogue.Kind.LOCAL)
        .select_related("region", "bureau")
        .first()
    )


def guidance_catalogue_for(region: Region) -> Catalogue | None:
    province_code = region.code[:2] + "0000"
    return (
        Catalogue.objects.filter(region__code=province_code, kind=Catalogue.Kind.GUIDANCE)
        .select_related("region")
        .first()
    )


def listed_versions(
    catalogue: Catalogue, *, on: datetime.date | None = None, include_drafts: bool = False
) -> QuerySet[ItemVersion]:
    """The catalogue's list: versions in force on `on` (the public list), or with
    `include_drafts` the newest version of every item (the list as the bureau is editing it).
    Cancelled items are never listed."""
    qs = ItemVersion.objects.filter(item__catalogue=catalogue)
    if include_drafts:
        qs = qs.latest_per_item().filter(is_cancelled=False)
    else:
        qs = qs.in_force(on or today())
    return qs


def public_versions(
    catalogue: Catalogue,
    *,
    department: Department | None = None,
    topic: Topic | None = None,
    applicant_type: str | None = None,
    on: datetime.date | None = None,
) -> QuerySet[ItemVersion]:
    """In-force versions for the public catalogue pages, with their handling items prefetched."""
    qs = listed_versions(catalogue, on=on).select_related("original_department", "topic", "item")
    hi_qs = HandlingItem.objects.order_by("order", "id")
    if department is not None:
        qs = qs.filter(original_department=department)
    if topic is not None:
        qs = qs.filter(topic=topic)
    if applicant_type:
        qs = qs.filter(handling_items__applicant_type__in=[applicant_type, "both"]).distinct()
        hi_qs = hi_qs.filter(applicant_type__in=[applicant_type, "both"])
    return qs.order_by("original_department__order", "name").prefetch_related(
        Prefetch("handling_items", queryset=hi_qs)
    )


@dataclass
class TransferRow:
    department_id: int | None
    department: str
    items: dict = field(default_factory=lambda: dict.fromkeys(TransferStatus.values, 0))
    handling_items: dict = field(default_factory=lambda: dict.fromkeys(TransferStatus.values, 0))

    @property
    def item_total(self) -> int:
        return sum(self.items.values())

    @property
    def handling_item_total(self) -> int:
        return sum(self.handling_items.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "department_id": self.department_id,
            "department": self.department,
            "items": dict(self.items),
            "handling_items": dict(self.handling_items),
            "item_total": self.item_total,
            "handling_item_total": self.handling_item_total,
        }


@dataclass
class TransferReport:
    region: Region
    on: datetime.date
    include_drafts: bool
    rows: list[TransferRow]
    totals: TransferRow

    def as_dict(self) -> dict[str, Any]:
        return {
            "region": {"code": self.region.code, "name": self.region.name},
            "on": None if self.include_drafts else self.on.isoformat(),
            "include_drafts": self.include_drafts,
            "statuses": {k: str(v) for k, v in TransferStatus.choices},
            "rows": [r.as_dict() for r in self.rows],
            "totals": self.totals.as_dict(),
        }


def transfer_report(
    region: Region, *, on: datetime.date | None = None, include_drafts: bool = False
) -> TransferReport:
    """Per original department, items and handling items by transfer status, with totals
    (the counts seeds 000 and 001 give). Two aggregate queries plus the department names."""
    on = on or today()
    catalogue = local_catalogue(region)
    rows: OrderedDict[int | None, TransferRow] = OrderedDict()
    for dept in Department.objects.filter(region__code__startswith=region.prefix).order_by(
        "order", "id"
    ):
        rows[dept.pk] = TransferRow(dept.pk, dept.name)
    totals = TransferRow(None, _("合计"))
    if catalogue is not None:
        versions = listed_versions(catalogue, on=on, include_drafts=include_drafts)
        item_counts = list(
            versions.values("original_department", "transfer_status").annotate(n=Count("id"))
        )
        hi_counts = list(
            HandlingItem.objects.filter(item_version__in=versions)
            .values("item_version__original_department", "item_version__transfer_status")
            .annotate(n=Count("id"))
        )
        # An item may name a department outside the region (a city department): name it too.
        referenced = {c["original_department"] for c in item_counts} - set(rows) - {None}
        for dept in Department.objects.filter(pk__in=referenced).order_by("order", "id"):
            rows[dept.pk] = TransferRow(dept.pk, dept.name)
        for c in item_counts:
            row = rows.setdefault(
                c["original_department"], TransferRow(None, _("（未注明原部门）"))
            )
            row.items[c["transfer_status"]] += c["n"]
            totals.items[c["transfer_status"]] += c["n"]
        for c in hi_counts:
            row = rows.setdefault(
                c["item_version__original_department"], TransferRow(None, _("（未注明原部门）"))
            )
            row.handling_items[c["item_version__transfer_status"]] += c["n"]
            totals.handling_items[c["item_version__transfer_status"]] += c["n"]
    listed = [r for r in rows.values() if r.item_total or r.handling_item_total]
    return TransferReport(region, on, include_drafts, listed, totals)


@dataclass
class GapReport:
    region: Region
    guidance: Catalogue | None
    gaps: list[dict]
    exempted: list[dict]
    guidance_total: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "region": {"code": self.region.code, "name": self.region.name},
            "guidance_catalogue": self.guidance.name if self.guidance else None,
            "guidance_total": self.guidance_total,
            "gaps": self.gaps,
            "exempted": self.exempted,
        }


def guidance_gaps(region: Region, *, on: datetime.date | None = None) -> GapReport:
    """Items of the province's guidance catalogue missing from the region's list, leaving out
    those the region declared it has no power for (seed 002). The region's list counts its
    drafts too: an item being prepared is not a gap in the list, only in what is published."""
    on = on or today()
    guidance = guidance_catalogue_for(region)
    if guidance is None:
        return GapReport(region, None, [], [], 0)
    local = local_catalogue(region)
    local_codes = set()
    exemptions = {}
    if local is not None:
        local_codes = set(
            listed_versions(local, include_drafts=True).values_list("item__basic_code", flat=True)
        )
        exemptions = dict(local.exemptions.values_list("basic_code", "reason"))
    gaps, exempted = [], []
    rows = (
        listed_versions(guidance, on=on)
        .select_related("item", "original_department")
        .order_by("item__basic_code")
    )
    total = 0
    for v in rows:
        total += 1
        code = v.item.basic_code
        if code in local_codes:
            continue
        entry = {
            "basic_code": code,
            "name": v.name,
            "item_type": v.get_item_type_display(),
            "department": v.original_department.name if v.original_department else "",
        }
        if code in exemptions:
            exempted.append({**entry, "reason": exemptions[code]})
        else:
            gaps.append(entry)
    return GapReport(region, guidance, gaps, exempted, total)


# --- the public catalogue API's lists ------------------------------------------------------
# Each shapes its own joins so an endpoint makes the same number of queries whatever the
# catalogue's size, and none of them can reach a draft: the public sees published versions only.


def regions(*, parent: Region | None = None, level: str = "") -> QuerySet[Region]:
    qs = Region.objects.select_related("parent").order_by("code")
    if parent is not None:
        qs = qs.filter(parent=parent)
    if level:
        qs = qs.filter(level=level)
    return qs


def region_with_ancestors() -> QuerySet[Region]:
    """Regions with up to three ancestors joined, so `full_name` costs no further query."""
    return Region.objects.select_related("parent__parent__parent")


def catalogues(*, region: Region | None = None) -> QuerySet[Catalogue]:
    qs = Catalogue.objects.select_related("region", "bureau").order_by("region__code", "kind", "id")
    if region is not None:
        qs = qs.filter(region=region)
    return qs


def departments(*, region: Region | None = None) -> QuerySet[Department]:
    """Departments of a region and of the regions below it, as the transfer report counts them."""
    qs = Department.objects.select_related("region").order_by("region__code", "order", "id")
    if region is not None:
        qs = qs.filter(region__code__startswith=region.prefix)
    return qs


def topics() -> QuerySet[Topic]:
    return Topic.objects.order_by("order", "id")


def listed_items(
    catalogue: Catalogue,
    *,
    on: datetime.date | None = None,
    department: Department | None = None,
    topic: Topic | None = None,
    applicant_type: str = "",
    item_type: str = "",
    transfer_status: str = "",
    name_contains: str = "",
) -> QuerySet[ItemVersion]:
    """The public list of a catalogue on a date (in-force versions only), filtered, with the
    handling items of each version prefetched."""
    qs = public_versions(
        catalogue, department=department, topic=topic, applicant_type=applicant_type or None, on=on
    )
    if item_type:
        qs = qs.filter(item_type=item_type)
    if transfer_status:
        qs = qs.filter(transfer_status=transfer_status)
    if name_contains:
        qs = qs.filter(name__icontains=name_contains)
    # `id` last so that pages of a long list neither repeat nor skip a version.
    return qs.order_by("original_department__order", "name", "id")


def published_versions() -> QuerySet[ItemVersion]:
    """Every published version, past or present, with what its detail shows."""
    return (
        ItemVersion.objects.published()
        .select_related("item__catalogue__region", "original_department", "topic", "merged_into")
        .prefetch_related(
            Prefetch("handling_items", queryset=HandlingItem.objects.order_by("order", "id")),
            "related_items",
            "delegated_to",
        )
    )


def published_handling_items() -> QuerySet[HandlingItem]:
    """Handling items of published versions with their whole service guide."""
    return (
        HandlingItem.objects.filter(item_version__status=ItemVersion.Status.PUBLISHED)
        .select_related(
            "item_version__item__catalogue__region", "item_version__original_department"
        )
        .prefetch_related(
            "materials",
            Prefetch("review_steps", queryset=ReviewStep.objects.select_related("section")),
            Prefetch("special_procedures", queryset=SpecialProcedure.objects.order_by("id")),
        )
    )


def item_history(version: ItemVersion) -> QuerySet[ItemVersion]:
    """The published versions of the item `version` belongs to, oldest first, each with who
    drafted and who published it by display name only (never an account name)."""
    return (
        ItemVersion.objects.published()
        .filter(item_id=version.item_id)
        .annotate(
            drafted_by_name=Coalesce(F("created_by__staff__display_name"), Value("")),
            published_by_name=Coalesce(F("published_by__staff__display_name"), Value("")),
        )
        .order_by("number")
    )
