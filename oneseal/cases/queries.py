"""Who sees which cases: the one scoping of every page and API that lists or opens a case;
and the parts of a published handling item version a case is made from."""

import datetime
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from oneseal.actors import Actor
from oneseal.applicants.models import Applicant
from oneseal.applicants.queries import represented
from oneseal.calendars.queries import current_calendar, today
from oneseal.catalogue.models import HandlingItem, ItemVersion, Material, ReviewStep
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role, scope_prefix, staff_of
from oneseal.prepared import Prepared
from oneseal.regions.rules import codes_after

from .clocks import clocks_of
from .models import (
    Case,
    CaseEvent,
    CaseMaterial,
    Licence,
    LicenceVersion,
    Upload,
    region_scope,
    standing_q,
)


class Viewer(Actor, Protocol):
    """Whom a list is scoped for: a user, signed in or anonymous, or a department's token."""

    @property
    def is_superuser(self) -> bool: ...


def is_scoped_staff(user: Viewer) -> bool:
    """Active staff holding at least one role (or a superuser): they see by region."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    staff = staff_of(user)
    return staff is not None and user.is_active and bool(staff.role_set)


# Roles that see every case of their region; a role not listed (a department's supervisor)
# sees less. Overseers see everything and act on nothing: the actions check the roles.
REGION_WIDE_ROLES = frozenset(
    {Role.CLERK, Role.REVIEWER, Role.SIGNATORY, Role.CATALOGUE_ADMIN, Role.OVERSEER}
)


def visible_cases(user: Viewer) -> QuerySet[Case]:
    """The one scoping function of the cases API. Staff with a role see the cases of their
    region and below it (organisation.rules.scope_prefix); staff whose only role is a
    department's supervisor see, there, only the cases of the items whose original approving
    department (now the supervising one, ItemVersion.original_department) is theirs; anyone
    signed in sees the cases of the applicants linked to their account; an anonymous caller
    sees nothing."""
    return _visible(user, own_applicant_ids)


def case_is_visible(user: Viewer, pk: int) -> bool:
    """Whether case `pk` is among `visible_cases(user)`. Staff: first in their scope without
    their own applications (a primary key and a region range: the case a clerk acts on, nearly
    always); only when that misses, with their own applicants as a subquery. Building that
    subquery (a union, with the authorisations in force today) costs more CPU than the lookup.
    Staff who see their whole region (the clerk acting at a window) ask that first statement by
    SQL built once per connection: every action request asks it."""
    in_region = region_wide_range(user)
    if in_region is not None:
        if _IN_RANGE.first(pk, *in_region) is not None:
            return True
    elif _visible(user, lambda u: []).filter(pk=pk).exists():
        return True
    if not is_scoped_staff(user):
        return False  # an applicant's whole scope was the statement above
    return _visible(user, lambda u: represented(u).values("pk")).filter(pk=pk).exists()


def region_wide_range(user: Viewer) -> tuple[str, str] | None:
    """The region range [low, high) that is the whole scope of `_visible(user, no applicants)`
    for an active staff member who sees every case of a region (a region-wide role, no service
    centre): `region_scope` without its LIKE, which says the same for region codes. None for
    anyone else (their scope has another shape)."""
    if getattr(user, "is_superuser", False) or not getattr(user, "is_authenticated", False):
        return None
    staff = staff_of(user)
    if staff is None or not user.is_active or staff.service_centre_id is not None:
        return None
    if not staff.role_set & REGION_WIDE_ROLES:
        return None
    prefix = staff.region.prefix
    after = codes_after(prefix) if prefix else None
    # The range's end is the next digit string (regions.rules.codes_after), never the character
    # after "9": under a collation other than C ":" sorts before the digits, and the range of a
    # region whose code ends in 9 would be empty.
    if after is None:
        return None
    return prefix, after


_IN_RANGE: Prepared[Case] = Prepared(
    lambda pk, low, high: Case.objects.filter(
        pk=pk, region_code__gte=low, region_code__lt=high
    ).only("pk"),
    int,
    str,
    str,
)


def _visible(user: Viewer, own_applicants: Callable[[Viewer], Any]) -> QuerySet[Case]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Case.objects.none()
    if not is_scoped_staff(user):
        # A subquery, not a join: an applicant's own cases by the applicant index.
        return Case.objects.filter(applicant_id__in=represented(user).values("pk"))
    prefix = scope_prefix(user) or ""
    scope = region_scope(prefix)
    # is_scoped_staff: anyone but a superuser has a staff record here; a superuser's is not
    # needed (they see every region, so every centre's and every applicant's cases).
    staff = None if user.is_superuser else staff_of(user)
    if staff is not None and not (staff.role_set & REGION_WIDE_ROLES):
        if staff.department_id is None:
            return Case.objects.filter(applicant_id__in=own_applicants(user))
        scope &= Q(handling_item__item_version__original_department_id=staff.department_id)
    elif not prefix:
        # Every region: the applicant's and the centre's cases are among them.
        return Case.objects.all()
    # Staff: their own applicants. For a list, as ids read first (one small query per request,
    # nearly always none), so that the scope is the region alone: `region OR applicant IN
    # (subquery)` makes PostgreSQL filter every row of the state or date it reads instead of
    # ranging over an index on (state, region_code) (bench/supervision.py (e), docs/scaling.md).
    own = own_applicants(user)
    if staff is not None and staff.service_centre_id is not None:
        # A township service centre's staff see the cases received at their centre under the
        # bureau's delegation (the cases stay in the bureau's region).
        scope |= Q(service_centre_id=staff.service_centre_id)
    if not isinstance(own, list) or own:
        scope |= Q(applicant_id__in=own)
    return Case.objects.filter(scope)


def own_applicant_ids(user: Viewer) -> list[int]:
    """The applicants a staff member acts for as a person (their own account's), read once per
    request and kept on the user object like `staff_of`'s record: the next request loads its
    user afresh, so an authorisation given or withdrawn applies at once."""
    cached = getattr(user, "_oneseal_own_applicants", None)
    if cached is None:
        cached = list(represented(user).values_list("pk", flat=True))
        setattr(user, "_oneseal_own_applicants", cached)  # noqa: B010
    return cached


def staff_sees(user: Viewer, case: Case) -> bool:
    """Whether the user sees `case` as staff (the rule of `visible_cases` without the
    applicant's part), and so reads the bureau's full record of it; an applicant reads what
    their portal page shows. Decided on the loaded row (its handling item's version)."""
    if not is_scoped_staff(user):
        return False
    if user.is_superuser:
        return True
    staff = staff_of(user)
    prefix = scope_prefix(user)
    assert staff is not None and prefix is not None  # is_scoped_staff, and not a superuser
    if staff.service_centre_id is not None and case.service_centre_id == staff.service_centre_id:
        return True
    if not case.region_code.startswith(prefix):
        return False
    if staff.role_set & REGION_WIDE_ROLES:
        return True
    return (
        staff.department_id is not None
        and case.handling_item.item_version.original_department_id == staff.department_id
    )


def visible_applicants(user: Viewer) -> QuerySet[Applicant]:
    """Whom the caller may open a case for: a window clerk for anyone, everyone else only for
    the person their account is and the organisations that person is authorised for."""
    if has_role(user, Role.CLERK):
        return Applicant.objects.all()
    return represented(user)


def visible_applicant(user: Viewer, pk: int) -> Applicant | None:
    """The applicant `pk` if the caller may open a case for them (`visible_applicants`): for a
    window clerk, who may open one for anyone, by a statement built once per connection (every
    case opened at a window asks it)."""
    if has_role(user, Role.CLERK):
        return _APPLICANT.first(pk)
    return represented(user).filter(pk=pk).first()


def intake_handling_item(pk: int) -> HandlingItem | None:
    """The handling item a case is opened for, with what `actions.receive` reads of it (the
    version, the item, the catalogue, its region and bureau), by a statement built once per
    connection."""
    return _INTAKE_HANDLING_ITEM.first(pk)


_APPLICANT: Prepared[Applicant] = Prepared(lambda pk: Applicant.objects.filter(pk=pk), int)
_INTAKE_HANDLING_ITEM: Prepared[HandlingItem] = Prepared(
    lambda pk: HandlingItem.objects.select_related(
        "item_version__item__catalogue__region__bureau"
    ).filter(pk=pk),
    int,
)


# A case's lists as its detail shows them.
DETAIL_PREFETCH = (
    Prefetch(
        "materials",
        queryset=CaseMaterial.objects.select_related("material").prefetch_related(
            Prefetch("uploads", queryset=Upload.objects.order_by("uploaded_at", "id"))
        ),
    ),
    Prefetch("events", queryset=CaseEvent.objects.order_by("seq")),
)


def case_rows(user: Viewer) -> QuerySet[Case]:
    return visible_cases(user).select_related("applicant", "handling_item__item_version")


def received_between(
    cases: QuerySet[Case], start: datetime.date | None, end: datetime.date | None
) -> QuerySet[Case]:
    """The cases received from `start` to `end`, each included (either may be None), by
    their receiving date."""
    if start is not None:
        cases = cases.filter(received_on__gte=start)
    if end is not None:
        cases = cases.filter(received_on__lte=end)
    return cases


# Farther than a receiving time can lie from its date's midnight in the bureau's zone,
# whichever zone the date was taken in (any two are less than a day apart).
_RECEIVED_SLACK = datetime.timedelta(days=2)


def received_time_bound(cases: QuerySet[Case], end: datetime.date | None) -> QuerySet[Case]:
    """`cases` (already `received_between(…, end)`) bounded by their receiving time too, before
    the midnight two days after `end`, so it never changes which cases they are. A list
    newest first reads the receiving-time index (`case_received_order`), and by the dates alone
    it read every case received after `end` before the first it shows (a superuser's May 2025
    at 1,000,000 cases: the 46,576 June cases, 20 ms of a 21 ms statement); the bound starts
    the index scan at the period's end. Not the period's start as well: PostgreSQL takes the
    date's and the time's ranges for independent, so with both it expected a tenth of a
    month's cases and sorted all of them for a page deep in it (an offset of 5,000: 240 ms).
    Only for reading rows: the count stays by the dates (`CappedCountPagination.counted_rows`)."""
    if end is None:
        return cases
    midnight = datetime.datetime.combine(end, datetime.time.min, timezone.get_default_timezone())
    return cases.filter(received_at__lt=midnight + _RECEIVED_SLACK)


def case_details(user: Viewer) -> QuerySet[Case]:
    return (
        visible_cases(user)
        .select_related(
            "applicant",
            "handling_item__item_version",
            "bureau",
            "licence",
            "commitment",
            "commitment_verification",
            "target_licence",
        )
        .prefetch_related(*DETAIL_PREFETCH)
    )


def with_clocks(cases: Sequence[Case] | QuerySet[Case]) -> list[Case]:
    """The cases, each with its clocks (`case.clocks`) as of today on the calendar in force."""
    cal, on = current_calendar(), today()
    for case in cases:
        case.clocks = clocks_of(case, cal, on)  # type: ignore[attr-defined]
    return list(cases)


# --- the parts of a published version ------------------------------------------------------


@dataclass(frozen=True)
class PublishedParts:
    """A handling item's checklist and review steps, in order. Shared between requests: read
    only. Review steps carry `section_id`, not the section, whose name may change."""

    materials: tuple[Material, ...]
    review_steps: tuple[ReviewStep, ...]


_parts: dict[tuple, PublishedParts] = {}
_parts_lock = threading.Lock()
PARTS_CACHE_SIZE = 1000


def _read_parts(handling_item: HandlingItem) -> PublishedParts:
    return PublishedParts(
        materials=tuple(
            Material.objects.filter(handling_item=handling_item).order_by("order", "id")
        ),
        review_steps=tuple(
            ReviewStep.objects.filter(handling_item=handling_item).order_by("order", "id")
        ),
    )


def published_parts(handling_item: HandlingItem) -> PublishedParts:
    """The parts of `handling_item`, read once per process when its version is published: a
    published version's guide can no longer be edited (catalogue.actions refuses), so every
    case opened on it gets the same checklist and steps. A draft is read every time."""
    version = handling_item.item_version
    if version.status != ItemVersion.Status.PUBLISHED:
        return _read_parts(handling_item)
    key = (handling_item.pk, version.pk, version.published_at)
    with _parts_lock:
        found = _parts.get(key)
    if found is not None:
        return found
    parts = _read_parts(handling_item)
    with _parts_lock:
        if len(_parts) >= PARTS_CACHE_SIZE:
            _parts.clear()
        _parts[key] = parts
    return parts


def forget_published_parts(**kwargs: Any) -> None:
    """Any write to a guide's rows in this process drops the cache (tests roll back and reuse
    primary keys; a draft's parts are never cached, so other processes need no signal)."""
    with _parts_lock:
        _parts.clear()


for _model in (ItemVersion, HandlingItem, Material, ReviewStep):
    post_save.connect(
        forget_published_parts, sender=_model, dispatch_uid=f"cases.parts.save.{_model.__name__}"
    )
    post_delete.connect(
        forget_published_parts, sender=_model, dispatch_uid=f"cases.parts.delete.{_model.__name__}"
    )


def licence_of(case: Case) -> Licence | None:
    """The licence a case issued (新办) or acts on (变更, 延续, 注销, 补证)."""
    if case.target_licence_id is not None:
        return Licence.objects.select_related("holder", "case__handling_item").get(
            pk=case.target_licence_id
        )
    return (
        Licence.objects.select_related("holder", "case__handling_item")
        .filter(case_id=case.pk)
        .first()
    )


# --- the licence register -------------------------------------------------------------------


def visible_licences(user: Viewer) -> QuerySet[Licence]:
    """Licences of the cases the user sees (`visible_cases` of the case that first issued
    them): staff by region (a department's supervisor: its items), a holder their own."""
    return Licence.objects.filter(case_id__in=visible_cases(user).values("pk"))


@dataclass(frozen=True)
class LicenceFilters:
    """The register's search: words (holder's name, credit code or ID number, licence number),
    the item (lasting `Item` id), the standing on `on`, and "expiring within N days"."""

    on: datetime.date
    q: str = ""
    item: int | None = None
    standing: str = ""
    expiring_within: int | None = None


def licence_register(user: Viewer, filters: LicenceFilters) -> QuerySet[Licence]:
    licences = visible_licences(user).select_related("holder", "case__handling_item__item_version")
    q = filters.q.strip()
    if q:
        licences = licences.filter(
            Q(holder__name__icontains=q)
            | Q(holder__credit_code=q.upper())
            | Q(holder__id_number=q.upper())
            | Q(number__icontains=q)
        )
    if filters.item is not None:
        licences = licences.filter(case__handling_item__item_version__item_id=filters.item)
    if filters.standing:
        licences = licences.filter(standing_q(filters.standing, filters.on))
    if filters.expiring_within is not None:
        licences = licences.filter(
            standing_q(Licence.Standing.VALID, filters.on),
            valid_until__lte=filters.on + datetime.timedelta(days=filters.expiring_within),
        )
    return licences.order_by("-issued_on", "-id")


def licence_history(licence: Licence) -> tuple[list[LicenceVersion], list[Case]]:
    """A licence's versions (each with the document of its version when issued), the cases
    that acted on it, and its reminders, for the register's detail and the holder's page."""
    from oneseal.documents.models import Document, DocumentKind

    versions = list(licence.versions.select_related("case", "event").order_by("number"))
    documents: dict[int | None, Document] = {
        d.event_id: d
        for d in Document.objects.filter(
            kind=DocumentKind.LICENCE, event_id__in=[v.event_id for v in versions if v.event_id]
        ).order_by("issued_at", "id")
    }
    for version in versions:
        version.document = documents.get(version.event_id)  # type: ignore[attr-defined]
    cases = list(
        Case.objects.filter(Q(pk=licence.case_id) | Q(target_licence=licence))
        .select_related("handling_item")
        .order_by("received_at", "id")
    )
    return versions, cases


def correction_notice(case: Case) -> CaseEvent | None:
    """The one-time correction notice (一次性告知) the case is waiting on: the latest one."""
    notices = [e for e in case.events.all() if e.action == "request_correction"]
    return notices[-1] if notices else None


@dataclass(frozen=True)
class CorrectionReply:
    """What the applicant has sent in reply to a correction notice: the checklist lines given
    a file (or a reused document) and the files themselves."""

    lines: frozenset[int]
    uploads: frozenset[int]
    # Events written before they named their upload: the file by its line and digest.
    digests: frozenset[tuple[int, str]]

    def has(self, upload: Upload) -> bool:
        return upload.pk in self.uploads or (upload.case_material_id, upload.sha256) in self.digests


def correction_reply(case: Case, notice: CaseEvent) -> CorrectionReply:
    """The files sent after `notice`, by the events' order, not their times: a file sent with
    the application in the second the notice went out is no reply to it (event times are
    kept to the second). The one rule of the portal's page and of `submit_correction`'s
    check; reads the case's events as prefetched, if they are."""
    sent = [e.data for e in case.events.all() if e.action == "attach_file" and e.seq > notice.seq]
    return CorrectionReply(
        lines=frozenset(data["line"] for data in sent if "line" in data),
        uploads=frozenset(data["upload"] for data in sent if "upload" in data),
        digests=frozenset(
            (data["line"], data["sha256"])
            for data in sent
            if "upload" not in data and "line" in data and "sha256" in data
        ),
    )
