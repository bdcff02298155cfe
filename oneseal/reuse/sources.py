"""The documents a material can name instead of a file, wherever they are kept: the
applicant's own licences (`cases.Licence`, with the signed licence or grant document), this
bureau's decisions on the applicant's cases (`documents.Document`), and the provincial
library's e-licences (`ImportedLicence`). Each is read as a `Candidate` with the reason, if
any, it cannot be picked today: not the applicant's, or not in force."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from oneseal.applicants.models import Applicant
from oneseal.cases.models import Licence
from oneseal.catalogue.models import Material
from oneseal.documents.models import Document, DocumentKind
from oneseal.projects.bundles import licence_document

from . import rules
from .models import ImportedLicence, MaterialMapping, ReusedMaterial

# This bureau's decisions that say something lasting about the applicant (a grant, a
# cancellation, a renewal the law presumed); notices of the procedure are not evidence of it.
DECISION_KINDS = (DocumentKind.GRANT, DocumentKind.CANCELLATION, DocumentKind.DEEMED_RENEWAL)
DECISION_WORDS = ("决定书", "批准文件", "批复")


@dataclass(frozen=True)
class Candidate:
    kind: str  # ReusedMaterial.Kind
    id: int
    identifier: str  # the licence's number, the document's 文号, the e-licence's 证照标识
    title: str  # as the case page shows it
    type_name: str
    type_code: str
    issuer: str
    issued_on: datetime.date
    valid_until: datetime.date | None
    holder_name: str
    holder_code: str
    file_name: str = ""  # the stored file, when there is one
    file_size: int = 0
    file_sha256: str = ""
    content_type: str = ""
    other_names: tuple[str, ...] = ()  # more names the material may call it by
    problem: str = ""  # why it cannot be picked on the day it was read; "" when it can

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"

    @property
    def kind_label(self) -> str:
        return str(ReusedMaterial.Kind(self.kind).label)


def _licence(licence: Licence, applicant: Applicant, on: datetime.date) -> Candidate:
    document = licence_document(licence)
    problem = ""
    if licence.holder_id != applicant.pk:
        problem = _("不属于申请人")
    elif not licence.is_in_force(on):
        problem = _("证照状态为“{s}”").format(s=licence.standing_display(on))
    elif document is None:
        problem = _("尚无已签发的电子文书")
    return Candidate(
        kind=ReusedMaterial.Kind.LICENCE,
        id=licence.pk,
        identifier=licence.number,
        title=licence.name,
        type_name=licence.name,
        type_code="",
        issuer=licence.case.bureau.name,
        issued_on=licence.issued_on,
        valid_until=licence.valid_until,
        holder_name=licence.holder.name,
        holder_code=licence.holder.number,
        file_name=document.file.name if document else "",
        file_size=document.size if document else 0,
        file_sha256=document.sha256 if document else "",
        content_type="application/pdf" if document else "",
        problem=problem,
    )


def _decision(document: Document, applicant: Applicant, on: datetime.date) -> Candidate:
    case = document.case
    licence = getattr(case, "licence", None)
    problem = ""
    if case.applicant_id != applicant.pk:
        problem = _("不属于申请人")
    elif document.state != Document.DocumentState.GENUINE:
        problem = _("文书状态为“{s}”").format(s=document.get_state_display())
    elif licence is not None and licence.state == Licence.LicenceState.REVOKED:
        problem = _("所准予的许可已撤销")
    label = document.get_kind_display()
    return Candidate(
        kind=ReusedMaterial.Kind.DECISION,
        id=document.pk,
        identifier=document.number,
        title=f"{case.handling_item.item_version.name}{label}",
        type_name=str(label),
        type_code="",
        issuer=document.bureau.name,
        issued_on=document.dated,
        valid_until=None,
        holder_name=case.applicant.name,
        holder_code=case.applicant.number,
        file_name=document.file.name,
        file_size=document.size,
        file_sha256=document.sha256,
        content_type="application/pdf",
        # A checklist names a decision by its item: 建设工程规划许可决定书, …批准文件.
        other_names=tuple(
            f"{case.handling_item.item_version.name}{word}" for word in DECISION_WORDS
        ),
        problem=problem,
    )


def _imported(row: ImportedLicence, applicant: Applicant, on: datetime.date) -> Candidate:
    problem = ""
    if row.holder_code != applicant.number:
        problem = _("不属于申请人")
    else:
        problem = rules.imported_problem(
            status=row.status, valid_from=row.valid_from, valid_until=row.valid_until, on=on
        )
    return Candidate(
        kind=ReusedMaterial.Kind.IMPORTED,
        id=row.pk,
        identifier=row.identifier,
        title=row.type_name + (f"（{row.number}）" if row.number else ""),
        type_name=row.type_name,
        type_code=row.type_code,
        issuer=row.issuer,
        issued_on=row.issued_on,
        valid_until=row.valid_until,
        holder_name=row.holder_name,
        holder_code=row.holder_code,
        file_name=row.file.name if row.file else "",
        file_size=row.file_size,
        file_sha256=row.file_sha256,
        content_type=row.file_type,
        problem=problem,
    )


def owned(applicant: Applicant, on: datetime.date) -> list[Candidate]:
    """Every document of the applicant the system knows, each with its problem on `on`."""
    licences = Licence.objects.filter(holder=applicant).select_related(
        "holder", "case__bureau", "case__handling_item__item_version"
    )
    decisions = (
        Document.objects.filter(case__applicant=applicant, kind__in=DECISION_KINDS)
        .select_related(
            "bureau", "case__applicant", "case__licence", "case__handling_item__item_version"
        )
        .order_by("-dated", "-pk")
    )
    imported = ImportedLicence.objects.filter(holder_code=applicant.number)
    return [
        *(_licence(li, applicant, on) for li in licences),
        *(_decision(d, applicant, on) for d in decisions),
        *(_imported(r, applicant, on) for r in imported),
    ]


def mappings_for(material_name: str, rows: Iterable[MaterialMapping] | None = None) -> list:
    key = rules.name_key(material_name)
    rows = MaterialMapping.objects.all() if rows is None else rows
    return [(m.type_name, m.type_code) for m in rows if rules.name_key(m.material_name) == key]


def matching(material: Material, found: Iterable[Candidate], mappings: list) -> list[Candidate]:
    """The candidates that stand for `material`, by its mapping (else by names)."""
    out = []
    for c in found:
        names = (c.type_name, *c.other_names)
        if any(
            rules.matches(material.name, type_name=n, type_code=c.type_code, mappings=mappings)
            for n in names
        ):
            out.append(c)
    return out


def offers(
    materials: Iterable[Material], applicant: Applicant, on: datetime.date
) -> dict[int, list[Candidate]]:
    """For each material (by id) the applicant's documents in force that stand for it: what
    the portal, the window and the API offer instead of an upload."""
    found = [c for c in owned(applicant, on) if not c.problem]
    rows = list(MaterialMapping.objects.all())
    return {m.pk: matching(m, found, mappings_for(m.name, rows)) for m in materials}


def resolve(kind: str, pk: object, applicant: Applicant, on: datetime.date) -> Candidate | None:
    """The document `kind` / `pk` names, read for `applicant` on `on` (its problem says why it
    cannot be picked), or None when there is no such document."""
    try:
        pk = int(str(pk))
    except (TypeError, ValueError):
        return None
    if kind == ReusedMaterial.Kind.LICENCE:
        licence = (
            Licence.objects.select_related(
                "holder", "case__bureau", "case__handling_item__item_version"
            )
            .filter(pk=pk)
            .first()
        )
        return _licence(licence, applicant, on) if licence else None
    if kind == ReusedMaterial.Kind.DECISION:
        document = (
            Document.objects.select_related(
                "bureau", "case__applicant", "case__licence", "case__handling_item__item_version"
            )
            .filter(pk=pk, kind__in=DECISION_KINDS)
            .first()
        )
        return _decision(document, applicant, on) if document else None
    if kind == ReusedMaterial.Kind.IMPORTED:
        row = ImportedLicence.objects.filter(pk=pk).first()
        return _imported(row, applicant, on) if row else None
    return None
