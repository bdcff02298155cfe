"""Who reads which archive, and the reads the pages and the API share.

An archivist reads the archives of their region and below it (`scope_prefix`); staff who see
a case as staff (`cases.queries.visible_cases`, by region, department or service centre) read
that case's archive; nobody else — an applicant never, not even of their own case, and a staff
member not of a case they applied for themselves."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from oneseal.actors import Actor
from oneseal.applicants.queries import represented
from oneseal.cases.queries import Viewer, is_scoped_staff, visible_cases
from oneseal.organisation.models import Bureau, Role
from oneseal.organisation.rules import has_role, scope_prefix, staff_of
from oneseal.regions.rules import prefix_scope

from . import rules
from .models import Archive, ArchiveHandover, ArchiveSupplement


def is_archivist(user: Actor) -> bool:
    return has_role(user, Role.ARCHIVIST)


def visible_archives(user: Viewer) -> QuerySet[Archive]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Archive.objects.none()
    if not is_scoped_staff(user):
        return Archive.objects.none()
    if getattr(user, "is_superuser", False):
        return Archive.objects.all()
    scope = Q(case__in=visible_cases(user).exclude(applicant_id__in=represented(user).values("pk")))
    if is_archivist(user):
        prefix = scope_prefix(user)
        if prefix is not None:
            scope |= prefix_scope(prefix, "region_code")
    return Archive.objects.filter(scope)


def search(
    user: Viewer,
    *,
    number: str = "",
    applicant: str = "",
    item: str = "",
    year: int | None = None,
) -> QuerySet[Archive]:
    """By case number or archival number, applicant's name or code, item name or code, year."""
    found = visible_archives(user)
    if number.strip():
        text = number.strip()
        found = found.filter(Q(case__number__icontains=text) | Q(number__icontains=text))
    if applicant.strip():
        text = applicant.strip()
        found = found.filter(
            Q(case__applicant__name__icontains=text) | Q(case__applicant__credit_code__iexact=text)
        )
    if item.strip():
        text = item.strip()
        found = found.filter(
            Q(case__handling_item__item_version__name__icontains=text)
            | Q(case__handling_item__name__icontains=text)
            | Q(case__handling_item__item_version__item__basic_code__iexact=text)
        )
    if year is not None:
        found = found.filter(year=year)
    return found.select_related(
        "case__applicant", "case__handling_item__item_version", "handover"
    ).order_by("-archived_on", "-id")


def visible_handovers(user: Actor) -> QuerySet[ArchiveHandover]:
    if getattr(user, "is_superuser", False) and user.is_active:
        return ArchiveHandover.objects.all()
    prefix = scope_prefix(user)
    if prefix is None or not is_archivist(user):
        return ArchiveHandover.objects.none()
    return ArchiveHandover.objects.filter(prefix_scope(prefix, "region_code"))


@dataclass
class HandoverList:
    """The hand-over list (移交清单) of a period: the archives not handed over yet."""

    period_from: datetime.date
    period_to: datetime.date
    archives: list[Archive]
    # Supplements archived in the period, whatever batch their archive went in.
    supplements: list[ArchiveSupplement]
    files: int
    bytes_total: int
    checksum: str
    by_retention: dict[str, int]


def handover_bureau(actor: Actor) -> Bureau | None:
    """The bureau whose archives the archivist hands over: the bureau of their region."""
    staff = staff_of(actor)
    if staff is None or not has_role(actor, Role.ARCHIVIST, staff.region):
        return None
    return staff.bureau or Bureau.objects.filter(region=staff.region).first()


def handover_list(
    user: Actor, period_from: datetime.date, period_to: datetime.date
) -> HandoverList:
    """What `actions.hand_over` would hand over for the archivist (same rows, same order,
    same checksum)."""
    bureau = handover_bureau(user)
    if bureau is None:
        rows: list[Archive] = []
        supplements: list[ArchiveSupplement] = []
    else:
        rows = list(
            pending_archives(bureau, period_from, period_to).select_related("case__applicant")
        )
        supplements = list(
            pending_supplements(bureau, period_from, period_to).select_related("archive__case")
        )
    counts: dict[str, int] = {}
    for a in rows:
        counts[a.get_retention_display()] = counts.get(a.get_retention_display(), 0) + 1
    packages: list[Archive | ArchiveSupplement] = [*rows, *supplements]
    return HandoverList(
        period_from,
        period_to,
        rows,
        supplements,
        sum(p.files_count for p in packages),
        sum(p.package_size for p in packages),
        rules.list_checksum((p.number, p.package_sha256) for p in packages),
        counts,
    )


def pending_archives(
    bureau: Bureau, period_from: datetime.date, period_to: datetime.date
) -> QuerySet[Archive]:
    """The bureau's archives of the period not handed over yet, in the list's order."""
    return Archive.objects.filter(
        bureau=bureau,
        handover__isnull=True,
        archived_on__gte=period_from,
        archived_on__lte=period_to,
    ).order_by("archived_on", "number")


def pending_supplements(
    bureau: Bureau, period_from: datetime.date, period_to: datetime.date
) -> QuerySet[ArchiveSupplement]:
    """…and its supplementary packages of the period not handed over yet, listed after them."""
    return ArchiveSupplement.objects.filter(
        archive__bureau=bureau,
        handover__isnull=True,
        archived_on__gte=period_from,
        archived_on__lte=period_to,
    ).order_by("archived_on", "number")
