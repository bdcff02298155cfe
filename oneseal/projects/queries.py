"""Reads of the project register and the stage templates, scoped: staff see the projects of
their region and below, an online account only the projects of the organisations it acts for."""

from django.db.models import Q, QuerySet

from oneseal.actors import Actor
from oneseal.applicants.queries import represented
from oneseal.organisation.rules import scope_prefix, staff_of
from oneseal.regions.models import Region

from .models import Project, StageTemplate


def visible_projects(user: Actor) -> QuerySet[Project]:
    base = Project.objects.select_related("owner", "region")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return base.none()
    if staff_of(user) is not None or getattr(user, "is_superuser", False):
        prefix = scope_prefix(user)
        return base.none() if prefix is None else base.filter(region__code__startswith=prefix)
    return base.filter(owner__in=represented(user))


def published_templates(region: Region | None = None) -> QuerySet[StageTemplate]:
    """The stage templates on offer: published and not replaced, of `region`'s catalogue or of
    a catalogue above it (a region sees its own and its city's and province's)."""
    templates = StageTemplate.objects.filter(
        status=StageTemplate.Status.PUBLISHED, superseded_on__isnull=True
    )
    if region is not None:
        above = Q()
        for prefix in {region.code[:n] for n in (2, 4, 6)}:
            above |= Q(catalogue__region__code=prefix.ljust(6, "0"))
        templates = templates.filter(above)
    return (
        templates.select_related("catalogue__region", "lead_section")
        .prefetch_related("items__handling_item")
        .order_by("catalogue__region__code", "stage", "name")
    )
