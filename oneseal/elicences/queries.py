"""Reads of e-licences: the one scoping function, the public finder, the file check and the
export the provincial e-licence library takes in."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from oneseal.calendars.queries import today
from oneseal.cases.models import Licence
from oneseal.cases.queries import Viewer, visible_licences
from oneseal.documents.models import Seal
from oneseal.documents.signing import asn1_certificate
from oneseal.documents.verification import SealedRecord

from . import ofd
from .models import ELicence, ELicenceQuerySet


def visible_elicences(user: Viewer) -> ELicenceQuerySet:
    """E-licences of the licences the user sees (`cases.queries.visible_licences`): staff in
    their region and below, a holder only their own, nobody else anything."""
    return ELicence.objects.filter(licence_id__in=visible_licences(user).values("pk"))


def for_licence(licence: Licence) -> list[ELicence]:
    return list(ELicence.objects.filter(licence=licence).order_by("-issue"))


def public_elicence(code: str) -> ELicence | None:
    """By its 核验码 or its 证照标识 (as typed, or as the common verification page normalises
    it), as anyone may look it up."""
    from oneseal.documents.rules import normalise_code

    code = (code or "").strip()
    if not code:
        return None
    found = ELicence.objects.filter(identifier=code).first()
    if found is None:
        key = normalise_code(code)
        found = (
            ELicence.objects.filter(verification_code=key).first()
            or ELicence.objects.filter(identifier_key=key).first()
        )
    return found


def sealed_elicence(*, code: str = "", sha256: str = "") -> SealedRecord | None:
    """The common verification page's finder (`documents.verification`)."""
    if code:
        found = public_elicence(code)
    elif sha256:
        found = ELicence.objects.filter(sha256=sha256).first()
    else:
        return None
    if found is None:
        return None
    return SealedRecord(
        kind=_("电子证照"),
        number=found.identifier,
        dated=found.issued_on,
        issuer=found.issuer_name,
        subject=f"{found.type_name}（{found.number}）",
        sha256=found.sha256,
        url=reverse("elicences:verify", args=[found.verification_code]),
        in_force=found.standing(today()) == ELicence.State.VALID,
    )


def seal_certificates() -> list[bytes]:
    pems = Seal.objects.exclude(certificate_pem="").values_list("certificate_pem", flat=True)
    return [asn1_certificate(pem).dump() for pem in pems]


@dataclass(frozen=True)
class OfdFileCheck:
    """An OFD checked: its signature (`ofd.check`), the record its SHA-256 names, and whether
    that e-licence is in force today."""

    signature: ofd.OfdCheck
    elicence: ELicence | None
    on: datetime.date

    @property
    def authentic(self) -> bool:
        return self.signature.ok and self.elicence is not None

    @property
    def verdict(self) -> str:
        if not self.signature.readable:
            return _("文件不是带签名的OFD电子证照，或已损坏")
        if not self.signature.intact:
            return _("OFD文件在签名后被改动：其中的文件与签名记录的摘要不符")
        if not self.signature.valid:
            return _("签名无效：签名与文件内容不符")
        if not self.signature.trusted:
            return _("签名证书不是本局任何一枚印章的证书")
        if self.elicence is None:
            return _("本局没有该文件的签发记录")
        standing = self.elicence.standing(self.on)
        if standing != ELicence.State.VALID:
            return _("文件真实，但证照{state}").format(
                state=self.elicence.standing_display(self.on)
            )
        return _("文件真实，证照现行有效")


def check_ofd(data: bytes, *, on: datetime.date | None = None) -> OfdFileCheck:
    """Any bytes are answered, never raised on. The record is found only by the file's exact
    SHA-256: a file that differs from the stored one in any byte names no record."""
    import hashlib

    signature = ofd.check(data, seal_certificates())
    found = ELicence.objects.filter(sha256=hashlib.sha256(data).hexdigest()).first()
    return OfdFileCheck(signature, found if data else None, on or today())


def stored_check(elicence: ELicence) -> OfdFileCheck | None:
    """The stored file checked as a holder's copy would be: None while it is not made yet."""
    if not elicence.generated:
        return None
    with elicence.file.open("rb") as handle:
        data = handle.read()
    return check_ofd(data)


# --- export to the provincial library -------------------------------------------------------

# (GB/T 36903 element, how it is read from an e-licence): the JSON keys and the xlsx columns.
EXPORT_FIELDS: list[tuple[str, str]] = [
    ("证照标识", "identifier"),
    ("证照类型代码", "type_code"),
    ("证照类型名称", "type_name"),
    ("证照编号", "number"),
    ("持证主体", "holder_name"),
    ("持证主体代码", "holder_code"),
    ("持证主体代码类型", "holder_code_type"),
    ("证照颁发机构", "issuer_name"),
    ("证照颁发机构代码", "issuer_code"),
    ("发证日期", "issued_on"),
    ("有效期起始日期", "valid_from"),
    ("有效期截止日期", "valid_until"),
    ("证照状态", "state"),
    ("状态变更日期", "state_changed_on"),
    ("核验码", "verification_code"),
    ("文件摘要(SHA-256)", "sha256"),
    ("照面信息", "face"),
]


@dataclass(frozen=True)
class ExportFilter:
    start: datetime.date
    end: datetime.date
    region: str = ""  # a region-code prefix within the caller's scope


def export_errors(f: ExportFilter) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if f.end < f.start:
        errors["end"] = [_("截止日期不能早于起始日期")]
    elif (f.end - f.start).days > 366:
        errors["end"] = [_("一次最多导出一年")]
    if f.region and not f.region.isdigit():
        errors["region"] = [_("区划代码只能是数字")]
    return errors


def export_rows(user: Viewer, f: ExportFilter) -> QuerySet[ELicence]:
    """The e-licences issued or changed in state within the period, in the caller's scope and
    the region asked for."""
    from django.db.models import Q

    rows = visible_elicences(user).filter(
        Q(issued_on__range=(f.start, f.end)) | Q(state_changed_on__range=(f.start, f.end))
    )
    if f.region:
        rows = rows.filter(region_code__startswith=f.region)
    return rows.order_by("issued_on", "id")


def export_record(elicence: ELicence, on: datetime.date) -> dict:
    out: dict = {}
    for key, attr in EXPORT_FIELDS:
        value = getattr(elicence, attr)
        if attr == "state":
            value = elicence.standing_display(on)
        elif attr == "face":
            value = [{"照面项名称": k, "照面项值": v} for k, v in value]
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        out[key] = value if value is not None else ""
    return out


def export_xlsx(rows: Iterable[ELicence], on: datetime.date) -> bytes:
    from openpyxl import Workbook

    from oneseal import spreadsheets

    book = Workbook(write_only=True)
    sheet = book.create_sheet("电子证照")
    spreadsheets.append(sheet, [key for key, _attr in EXPORT_FIELDS])
    for elicence in rows:
        record = export_record(elicence, on)
        record["照面信息"] = "；".join(
            f"{i['照面项名称']}：{i['照面项值']}" for i in record["照面信息"]
        )
        spreadsheets.append(sheet, [record[key] for key, _attr in EXPORT_FIELDS])
    return spreadsheets.to_bytes(book)
