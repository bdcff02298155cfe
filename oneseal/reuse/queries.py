"""Reads of reuse: what a case reused and whether each document is still in force, and what
each line of a case could reuse."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Case as Case_
from django.db.models import Model, OuterRef, QuerySet, Subquery, Value, When
from django.utils.translation import gettext as _

from oneseal.applicants.models import Applicant
from oneseal.calendars.queries import today
from oneseal.cases.models import Case, CaseMaterial
from oneseal.cases.queries import Viewer, visible_cases

from . import rules, sources
from .models import ImportedLicence, ReusedMaterial


@dataclass(frozen=True)
class ReusedLine:
    row: ReusedMaterial
    problem: str  # "" while the document is in force; else why it no longer is


def _source(kind: str, model: type[Model], field: str, *, pk: str = "pk", **filters: Any) -> Case_:
    """One field of the document a reuse row names, read in the row's own statement."""
    return Case_(
        When(
            kind=kind,
            then=Subquery(
                model._default_manager.filter(**{pk: OuterRef("source_id")}, **filters).values(
                    field
                )[:1]
            ),
        ),
        default=Value(None),
    )


def _in_force_now(case: Case, on: datetime.date) -> QuerySet[ReusedMaterial]:
    """The case's reuse rows with the standing today of what each names, all in one query:
    the licence's state, validity, holder and signed document; the decision's state, case
    applicant and licence; the e-licence's status, validity and holder."""
    from oneseal.cases.models import Licence
    from oneseal.documents.models import Document, DocumentKind

    licence, decision, imported = (
        ReusedMaterial.Kind.LICENCE,
        ReusedMaterial.Kind.DECISION,
        ReusedMaterial.Kind.IMPORTED,
    )
    return (
        ReusedMaterial.objects.filter(case=case)
        .select_related("case_material__material", "verified_by__staff")
        .annotate(
            lic_state=_source(licence, Licence, "state"),
            lic_until=_source(licence, Licence, "valid_until"),
            lic_holder=_source(licence, Licence, "holder_id"),
            lic_signed=_source(
                licence,
                Document,
                "pk",
                pk="case__licence__pk",
                state=Document.DocumentState.GENUINE,
                kind__in=[DocumentKind.LICENCE, DocumentKind.GRANT],
            ),
            doc_state=_source(decision, Document, "state", kind__in=sources.DECISION_KINDS),
            doc_applicant=_source(
                decision, Document, "case__applicant_id", kind__in=sources.DECISION_KINDS
            ),
            doc_licence=_source(
                decision, Document, "case__licence__state", kind__in=sources.DECISION_KINDS
            ),
            imp_status=_source(imported, ImportedLicence, "status"),
            imp_from=_source(imported, ImportedLicence, "valid_from"),
            imp_until=_source(imported, ImportedLicence, "valid_until"),
            imp_holder=_source(imported, ImportedLicence, "holder_code"),
        )
        .order_by("case_material__material__order", "pk")
    )


def _problem_now(row: Any, applicant: Applicant, on: datetime.date) -> str:
    """Why the document a row names is no longer in force on `on` (as `sources` would say
    reading it alone), "" when it is, "—" when it is gone. `row`: a ReusedMaterial with the
    annotations of `_in_force_now`."""
    from oneseal.cases.models import Licence
    from oneseal.documents.models import Document

    if row.kind == ReusedMaterial.Kind.LICENCE:
        if row.lic_state is None:
            return "—"
        standing = Licence(state=row.lic_state, valid_until=_as_date(row.lic_until))
        if row.lic_holder != applicant.pk:
            return _("不属于申请人")
        if not standing.is_in_force(on):
            return _("证照状态为“{s}”").format(s=standing.standing_display(on))
        return "" if row.lic_signed is not None else _("尚无已签发的电子文书")
    if row.kind == ReusedMaterial.Kind.DECISION:
        if row.doc_state is None:
            return "—"
        if row.doc_applicant != applicant.pk:
            return _("不属于申请人")
        if row.doc_state != Document.DocumentState.GENUINE:
            return _("文书状态为“{s}”").format(s=Document.DocumentState(row.doc_state).label)
        if row.doc_licence == Licence.LicenceState.REVOKED:
            return _("所准予的许可已撤销")
        return ""
    if row.imp_status is None:
        return "—"
    if row.imp_holder != applicant.number:
        return _("不属于申请人")
    return rules.imported_problem(
        status=row.imp_status,
        valid_from=_as_date(row.imp_from),
        valid_until=_as_date(row.imp_until),
        on=on,
    )


def _as_date(value: Any) -> Any:
    # A date read through a CASE expression comes back as text on SQLite.
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    return value


def of_case(case: Case, on: datetime.date | None = None) -> list[ReusedLine]:
    """Every document the case reused, each checked again today — a licence revoked, a
    decision revoked or an e-licence the library withdrew since it was picked is flagged —
    in one statement whatever the number of lines."""
    on = on or today()
    applicant = case.applicant
    return [ReusedLine(row, _problem_now(row, applicant, on)) for row in _in_force_now(case, on)]


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


def visible_line(user: Viewer, case_id: int, line_id: int) -> CaseMaterial:
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
