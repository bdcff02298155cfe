"""Reads of the public register and of its staff page. The public register reads only
published publications and only their public fields (`public_row`); the staff list is scoped
by region (`scope_prefix`)."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from oneseal.actors import Actor
from oneseal.errors import NotPermitted
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role, scope_prefix
from oneseal.regions.models import Region

from .models import Kind, Publication, PublicationQuerySet

# The fields anybody may read (and nothing else is selected for the public).
PUBLIC_FIELDS = (
    "pk",
    "kind",
    "deemed",
    "holder_kind",
    "holder_name",
    "holder_credit_code",
    "licence_number",
    "licence_name",
    "item_name",
    "decided_on",
    "valid_from",
    "valid_until",
    "decision_title",
    "decision_number",
    "bureau_name",
    "bureau_credit_code",
    "region_code",
    "region__name",
    "published_at",
)


@dataclass(frozen=True)
class Filters:
    words: str = ""  # holder, licence number or item
    region: str = ""  # a region code: that region and everything below it
    kind: str = ""


def filters_from(params: Mapping[str, str]) -> Filters:
    """The register's filters from a query string; an unknown kind or region is a field
    error, not an empty list."""
    from oneseal.errors import fail_fields

    words = (params.get("q") or "").strip()[:100]
    region = (params.get("region") or "").strip()
    kind = (params.get("kind") or "").strip()
    errors = {}
    if kind and kind not in Kind.values:
        errors["kind"] = [_("决定类型须为 {kinds} 之一").format(kinds="、".join(Kind.values))]
    if region and not (region.isdigit() and Region.objects.filter(code=region).exists()):
        errors["region"] = [_("区划代码 {code} 不存在").format(code=region[:12])]
    fail_fields(errors)
    return Filters(words=words, region=region, kind=kind)


def _filtered(qs: PublicationQuerySet, filters: Filters) -> PublicationQuerySet:
    if filters.words:
        w = filters.words
        qs = qs.filter(
            Q(holder_name__icontains=w)
            | Q(holder_credit_code__iexact=w)
            | Q(licence_number__icontains=w)
            | Q(item_name__icontains=w)
            | Q(licence_name__icontains=w)
        )
    if filters.region:
        prefix = Region.objects.get(code=filters.region).prefix
        qs = qs.in_region(prefix)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return qs


def public_register(filters: Filters) -> QuerySet:
    """Published, not withdrawn, newest decision first, as dicts of the public fields only."""
    return _filtered(Publication.objects.public(), filters).values(*PUBLIC_FIELDS)


def public_regions() -> QuerySet[Region]:
    """The regions with anything published, for the register's filter."""
    codes = Publication.objects.public().values("region_id")
    return Region.objects.filter(pk__in=codes).order_by("code")


# --- staff --------------------------------------------------------------------------------


def may_manage(user: Actor) -> bool:
    """Clerks and signatories (who publish and withdraw) and overseers (who read)."""
    return any(has_role(user, role) for role in (Role.CLERK, Role.SIGNATORY, Role.OVERSEER))


def visible_publications(user: Actor) -> PublicationQuerySet:
    """Every publication (pending, published, withdrawn) of the user's region and below."""
    if not may_manage(user):
        raise NotPermitted()
    prefix = scope_prefix(user)
    if prefix is None:
        raise NotPermitted()
    return Publication.objects.in_region(prefix).select_related(
        "region", "published_by", "withdrawn_by"
    )


def staff_list(user: Actor, filters: Filters, state: str = "") -> QuerySet[Publication]:
    qs = _filtered(visible_publications(user), filters)
    if state in Publication.State.values:
        qs = qs.filter(state=state)
    return qs


def overdue(prefix: str, today: datetime.date) -> QuerySet[Publication]:
    """Pending publications past their 7-working-day limit (e-supervision)."""
    return (
        Publication.objects.in_region(prefix)
        .filter(state=Publication.State.PENDING, due_on__lt=today)
        .select_related("region")
        .order_by("due_on", "pk")
    )
