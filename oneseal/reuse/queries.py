"""Reads of reuse: what a case reused and whether each document is still in force, and what
each line of a case could reuse."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from oneseal.actors import Actor
from oneseal.calendars.queries import today
from oneseal.cases.models import Case, CaseMaterial
from oneseal.cases.queries import visible_cases

from . import sources
from .models import ImportedLicence, ReusedMaterial


@dataclass(frozen=True)
class ReusedLine:
    row: ReusedMaterial
    problem: str  # "" while the document is in force; else why it no longer is


def of_case(case: Case, on: datetime.date | None = None) -> list[ReusedLine]:
    """Every document the case reused, each checked again today: a licence revoked, a decision
    revoked or an e-licence the library withdrew since it was picked is flagged."""
    on = on or today()
    rows = list(
        ReusedMaterial.objects.filter(case=case)
        .select_related("case_material__material", "verified_by__staff")
        .order_by("case_material__material__order", "pk")
    )
    out = []
    for row in rows:
        now = sources.resolve(row.kind, row.source_id, case.applicant, on)
        out.append(ReusedLine(row, now.problem if now is not None else "—"))
    return out


def flagged(case: Case, on: datetime.date | None = None) -> list[ReusedLine]:
    return [line for line in of_case(case, on) if line.problem]


def offers_for_case(case: Case, on: datetime.date | None = None) -> dict[int, list]:
    """For each line of the case (by line id), the applicant's documents in force that stand
    for its material and it has not reused yet."""
    on = on or today()
    lines = list(case.materials.select_related("material"))
    by_material = sources.offers([line.material for line in lines], case.applicant, on)
    taken = set(
        ReusedMaterial.objects.filter(case=case).values_list(
            "case_material_id", "kind", "source_id"
        )
    )
    return {
        line.pk: [
            c for c in by_material.get(line.material_id, []) if (line.pk, c.kind, c.id) not in taken
        ]
        for line in lines
    }


def visible_line(user: Actor, case_id: int, line_id: int) -> CaseMaterial:
    """A line of a case the user sees (staff by region, applicants their own); 404 otherwise."""
    case = visible_cases(user).get(pk=case_id)
    return CaseMaterial.objects.select_related("material", "case").get(pk=line_id, case=case)


def imported(filters: dict | None = None) -> QuerySet[ImportedLicence]:
    qs = ImportedLicence.objects.all()
    f = filters or {}
    if f.get("holder_code"):
        qs = qs.filter(holder_code=f["holder_code"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    return qs
