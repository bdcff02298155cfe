"""Reads of the hand-over: the hand-overs a user sees, and the report per department
(received, finished, still open, overdue) that the reform office follows (seed 000: the
bureau finishes what the departments handed over)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from oneseal.actors import Actor
from oneseal.cases.models import CLOSED_STATES, State
from oneseal.organisation.models import Role
from oneseal.organisation.rules import scope_prefix, staff_of

from .models import HandedOverCase, Handover

# Roles that see every hand-over of their region; a department's supervisor sees their own.
REGION_WIDE = frozenset({Role.CLERK, Role.REVIEWER, Role.SIGNATORY, Role.OVERSEER})


def visible_handovers(user: Actor) -> QuerySet[Handover]:
    prefix = scope_prefix(user)
    if prefix is None:
        return Handover.objects.none()
    found = Handover.objects.filter(bureau__region__code__startswith=prefix)
    staff = staff_of(user)
    superuser = getattr(user, "is_superuser", False)
    if staff is not None and not superuser and not staff.role_set & REGION_WIDE:
        if staff.department_id is None or Role.SUPERVISOR not in staff.role_set:
            return Handover.objects.none()
        found = found.filter(department_id=staff.department_id)
    return found.select_related("bureau", "department", "received_by", "confirmed_by")


def handed_over_cases(user: Actor) -> QuerySet[HandedOverCase]:
    return HandedOverCase.objects.filter(handover__in=visible_handovers(user)).select_related(
        "case__handling_item", "case__applicant", "handover__department"
    )


@dataclass(frozen=True)
class ReportRow:
    department: str
    handovers: int
    received: int
    finished: int
    open: int
    overdue: int
    past_statutory: int
    with_missing: int
    papers: int
    unconfirmed: int


def report(user: Actor, on: datetime.date) -> list[ReportRow]:
    """Per department, as of `on`: cases handed over, finished (decided or closed), still open,
    open past the promised limit, open past the statutory limit, handed over with papers
    missing, papers received, and hand-overs the department has not confirmed yet."""
    finished = Q(case__decided_on__isnull=False) | Q(case__state__in=CLOSED_STATES)
    running = Q(case__state=State.ACCEPTED)
    rows = (
        handed_over_cases(user)
        .values("department__name", "department__order", "department_id")
        .annotate(
            received=Count("pk"),
            finished=Count("pk", filter=finished),
            overdue=Count("pk", filter=running & Q(case__promised_due__lt=on)),
            past_statutory=Count("pk", filter=running & Q(case__statutory_due__lt=on)),
            with_missing=Count("pk", filter=~Q(missing=[])),
            papers=Sum("papers_count"),
            handovers=Count("handover", distinct=True),
            unconfirmed=Count(
                "handover", filter=Q(handover__confirmed_at__isnull=True), distinct=True
            ),
        )
        .order_by("department__order", "department_id")
    )
    return [
        ReportRow(
            department=r["department__name"],
            handovers=r["handovers"],
            received=r["received"],
            finished=r["finished"],
            open=r["received"] - r["finished"],
            overdue=r["overdue"],
            past_statutory=r["past_statutory"],
            with_missing=r["with_missing"],
            papers=r["papers"] or 0,
            unconfirmed=r["unconfirmed"],
        )
        for r in rows
    ]
