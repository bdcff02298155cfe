"""Reads of site inspections, every one scoped: staff by region prefix (a department's
supervisor only the visits they are sent on or their department takes part in), an online
account only those of the applicants it acts for, a drawn expert only the open visits they are
sent on, until their signature on the record as it stands is in (`expert_inspections`)."""

import datetime
from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from oneseal.applicants.queries import represented
from oneseal.cases.models import Case
from oneseal.cases.queries import REGION_WIDE_ROLES, Viewer, is_scoped_staff
from oneseal.catalogue.models import HandlingItem
from oneseal.experts.models import Assignment, ExpertReview
from oneseal.organisation.rules import scope_prefix, staff_of

from . import rules
from .models import ChecklistLine, Inspection, Inspector

SHOWN = ("region", "case__handling_item", "case__applicant", "project__owner")


def checklist_for(hi: HandlingItem) -> list[ChecklistLine]:
    """The handling item's checklist; a new version of the item that has none yet uses the
    one of the newest earlier version of the same handling item (same item, same code), so
    an adjustment of the guide does not lose it."""
    own = list(ChecklistLine.objects.filter(handling_item=hi).order_by("order"))
    if own:
        return own
    earlier = (
        HandlingItem.objects.filter(
            item_version__item_id=hi.item_version.item_id,
            code=hi.code,
            inspection_checklist__isnull=False,
        )
        .exclude(pk=hi.pk)
        .order_by("-item_version__number", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if earlier is None:
        return []
    return list(ChecklistLine.objects.filter(handling_item_id=earlier).order_by("order"))


def surveyed_items(user: Viewer, on: datetime.date) -> list[tuple[HandlingItem, int]]:
    """For a catalogue administrator: the handling items in force in their region whose guide
    lists 现场勘验, each with the number of lines its checklist has (0: none yet)."""
    from oneseal.catalogue.models import ItemVersion, SpecialProcedure

    prefix = scope_prefix(user)
    if prefix is None:
        return []
    items = (
        HandlingItem.objects.filter(
            item_version__in=ItemVersion.objects.in_force(on).filter(
                item__catalogue__region__code__startswith=prefix
            ),
            special_procedures__kind=SpecialProcedure.Kind.SITE_SURVEY,
        )
        .select_related("item_version")
        .distinct()
        .order_by("name", "pk")[:300]
    )
    return [(hi, len(checklist_for(hi))) for hi in items]


def expert_seats(cases: "Iterable[Case]") -> QuerySet[Assignment]:
    """The seats of experts who may be sent along on a visit of `cases`: drawn (or appointed)
    for the open expert review of one of them, and accepted. One rule for a case's visit and
    for a project stage's joint inspection (an expert drawn for any case of the stage), for
    the scheduling pages and the actions alike; oldest seat first, so an expert drawn for
    two cases of the stage goes on the first."""
    return (
        Assignment.objects.filter(
            review__case_id__in=[c.pk for c in cases],
            review__state=ExpertReview.State.OPEN,
            state=Assignment.State.ACCEPTED,
        )
        .select_related("expert", "review__field", "review__case")
        .order_by("id")
    )


def is_staff_viewer(user: Viewer) -> bool:
    return is_scoped_staff(user)


def visible_inspections(user: Viewer) -> QuerySet[Inspection]:
    base = Inspection.objects.select_related(*SHOWN)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return base.none()
    if is_scoped_staff(user):
        if getattr(user, "is_superuser", False):
            return base
        prefix = scope_prefix(user)
        staff = staff_of(user)
        assert prefix is not None and staff is not None  # is_scoped_staff
        scoped = base.filter(region_code__startswith=prefix)
        if staff.role_set & REGION_WIDE_ROLES:
            return scoped
        mine = Q(inspectors__user_id=user.pk)
        if staff.department_id is not None:
            mine |= Q(parties__department_id=staff.department_id)
        return scoped.filter(pk__in=Inspection.objects.filter(mine).values("pk"))
    own = represented(user).values("pk")
    return base.filter(
        Q(covered__case__applicant_id__in=own) | Q(project__owner_id__in=own)
    ).distinct()


def todays_inspections(user: Viewer, on: datetime.date) -> QuerySet[Inspection]:
    """The inspector's own visits of the day, and those already begun and not finished."""
    start = datetime.datetime.combine(on, datetime.time.min, tzinfo=rules.SHANGHAI)
    end = start + datetime.timedelta(days=1)
    return (
        visible_inspections(user)
        .filter(inspectors__user_id=user.pk)
        .filter(
            Q(
                state=Inspection.InspectionState.SCHEDULED,
                scheduled_at__gte=start,
                scheduled_at__lt=end,
            )
            | Q(state=Inspection.InspectionState.IN_PROGRESS)
        )
        .order_by("scheduled_at", "id")
    )


def upcoming(user: Viewer, now: datetime.datetime | None = None) -> QuerySet[Inspection]:
    """Open visits in the user's scope, soonest first."""
    now = now or timezone.now()
    return (
        visible_inspections(user)
        .filter(
            state__in=[
                Inspection.InspectionState.SCHEDULED,
                Inspection.InspectionState.IN_PROGRESS,
            ]
        )
        .order_by("scheduled_at", "id")
    )


def detail(inspection_qs: QuerySet[Inspection]) -> QuerySet[Inspection]:
    return inspection_qs.prefetch_related(
        Prefetch("inspectors", queryset=Inspector.objects.select_related("user", "assignment")),
        "findings",
        "parties",
        "photos__finding",
        "reschedules",
        "covered__case__handling_item",
    )


def of_case(case: Case) -> QuerySet[Inspection]:
    """The inspections that cover `case`, newest first (the caller has loaded the case
    through its own scoping)."""
    return (
        Inspection.objects.filter(covered__case=case)
        .select_related(*SHOWN)
        .order_by("-scheduled_at", "-id")
    )


def current_digest(inspection: Inspection) -> str:
    """The fingerprint of the record as it stands (`rules.digest`). Reads through `.all()` so
    that a list that prefetched them (`detail`) costs no query per inspection; the models'
    orderings (by line number, by id) keep it stable."""
    return rules.digest(
        [(f.order, f.result, f.note) for f in inspection.findings.all()],
        [(p.name, p.attended, p.representative, p.findings) for p in inspection.parties.all()],
        [p.sha256 for p in inspection.photos.all()],
        inspection.conclusion,
    )


# A drawn expert sent on a visit sees it while it is open and their seat on the review stands.
EXPERT_OPEN = (Inspection.InspectionState.SCHEDULED, Inspection.InspectionState.IN_PROGRESS)
EXPERT_SEATS = ("accepted", "submitted")


def expert_inspections(user: Viewer, *, pk: int | None = None) -> list[Inspection]:
    """The visits an expert's own account is sent on (as a drawn expert of the case's review):
    open ones, with the seat still standing, and not yet signed by them as the record stands.
    Once their signature on the current record is in, the visit (and its case) is gone from
    their view; a change to the record after it brings it back for a new signature."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    found = Inspection.objects.filter(pk=pk) if pk is not None else Inspection.objects.all()
    rows = detail(
        found.filter(
            state__in=EXPERT_OPEN,
            inspectors__user_id=user.pk,
            inspectors__assignment__state__in=EXPERT_SEATS,
        )
        .select_related(*SHOWN)
        .distinct()
        .order_by("scheduled_at", "id")
    )
    out = []
    for inspection in rows:
        digest = current_digest(inspection)
        mine = [i for i in inspection.inspectors.all() if i.user_id == user.pk and i.assignment]
        if mine and mine[0].confirmed_digest != digest:
            out.append(inspection)
    return out


def expert_inspection(user: Viewer, pk: int) -> Inspection | None:
    """One of `expert_inspections`, or None."""
    return next(iter(expert_inspections(user, pk=pk)), None)
