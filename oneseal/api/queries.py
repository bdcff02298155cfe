"""Reads of the public catalogue API that catalogue/queries.py does not offer. Each shapes
its own joins so an endpoint makes the same number of queries whatever the catalogue's size,
and none of them can reach a draft: the public sees published versions only.

They belong next to the catalogue's other reads; they live here until catalogue/queries.py
takes them over."""

from django.db.models import F, Prefetch, QuerySet, Value
from django.db.models.functions import Coalesce

from oneseal.catalogue.models import (
    Catalogue,
    HandlingItem,
    ItemVersion,
    ReviewStep,
    SpecialProcedure,
    Topic,
)
from oneseal.catalogue.queries import public_versions
from oneseal.organisation.models import Department
from oneseal.regions.models import Region


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


def listed_items(catalogue: Catalogue, *, on=None, department=None, topic=None, applicant_type="",
                 item_type="", transfer_status="", name_contains="") -> QuerySet[ItemVersion]:
    """The public list of a catalogue on a date (in-force versions only), filtered, with the
    handling items of each version prefetched."""
    qs = public_versions(catalogue, department=department, topic=topic,
                         applicant_type=applicant_type or None, on=on)
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
            "related_items", "delegated_to",
        )
    )


def published_handling_items() -> QuerySet[HandlingItem]:
    """Handling items of published versions with their whole service guide."""
    return (
        HandlingItem.objects.filter(item_version__status=ItemVersion.Status.PUBLISHED)
        .select_related("item_version__item__catalogue__region", "item_version__original_department")
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
        ItemVersion.objects.published().filter(item_id=version.item_id)
        .annotate(
            drafted_by_name=Coalesce(F("created_by__staff__display_name"), Value("")),
            published_by_name=Coalesce(F("published_by__staff__display_name"), Value("")),
        )
        .order_by("number")
    )
