"""Reads of documents: who sees which, what a case still calls for, the public verification
record and the check of a file."""

import datetime
import hashlib
import io
import re
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader

from oneseal.calendars.queries import today as business_today
from oneseal.calendars.rules import WorkCalendar
from oneseal.cases.models import (
    OPEN_PROPOSAL_STATES,
    Case,
    CaseEvent,
    Licence,
    LicenceVersion,
    RevocationProposal,
)
from oneseal.cases.queries import Viewer, is_scoped_staff, licence_of, visible_cases
from oneseal.organisation.models import Bureau, Department
from oneseal.organisation.rules import scope_prefix
from oneseal.prepared import Prepared

from . import rules, signing, switchover, verification
from .models import Document, DocumentKind, PendingNotice, Seal

CODE_IN_KEYWORDS = re.compile(r"oneseal-verification-code:([0-9A-Z]+)")
KIND_ORDER = {kind: i for i, kind in enumerate(DocumentKind.values)}


# --- who sees which -------------------------------------------------------------------------


def visible_documents(user: Viewer) -> QuerySet[Document]:
    """The documents of the cases the user sees (cases.queries.visible_cases): staff of the
    case's region and above, and the applicant whose case it is. Everyone else sees none, and
    a refused request cannot tell a missing document from a hidden one."""
    return Document.objects.filter(case_id__in=visible_cases(user).values("pk"))


def documents_for(user: Viewer, case: Case) -> list[Document]:
    """The documents of `case` the user may open, oldest first (a superseded or revoked one
    stays listed with its state); empty when the user may not see the case."""
    return list(
        visible_documents(user)
        .filter(case=case)
        .select_related("supersedes", "superseded_by", "template")
        .order_by("issued_at", "id")
    )


# --- what a case still calls for --------------------------------------------------------------


def notice_event(case: Case, kind: str) -> CaseEvent | None:
    """The latest event of the case that calls for this kind of document."""
    return (
        CaseEvent.objects.filter(case=case, notice_due__in=rules.NOTICE_OF_KIND[DocumentKind(kind)])
        .order_by("-seq")
        .first()
    )


def owed_event(case: Case, kind: str) -> CaseEvent | None:
    """For a kind served on one addressee per event (`rules.ADDRESSED_KINDS`): the earliest
    event of the kind whose addressee has no document yet (superseded ones do not count), or
    the latest event when every addressee has one (so the refusal names the document)."""
    answered = (
        Document.objects.filter(case=case, kind=kind)
        .exclude(state=Document.DocumentState.SUPERSEDED)
        .values("event_id")
    )
    events = CaseEvent.objects.filter(
        case=case, notice_due__in=rules.NOTICE_OF_KIND[DocumentKind(kind)]
    )
    return (
        events.exclude(pk__in=answered).order_by("seq").first() or events.order_by("-seq").first()
    )


def active_seal(bureau: Bureau | None) -> Seal | None:
    # Read afresh by every act that issues a notice (a seal sealed away stops the next one, in
    # every process), by SQL built once per connection (oneseal.prepared). At most one is active
    # (a unique constraint).
    return None if bureau is None else _ACTIVE_SEAL.first(bureau.pk)


_ACTIVE_SEAL = Prepared(
    lambda bureau_id: Seal.objects.filter(
        bureau_id=bureau_id, kind=Seal.Kind.BUREAU, state=Seal.SealState.ACTIVE
    )[:1],
    int,
)


def _licence_blockers(licence: Licence | None) -> list[str]:
    if licence is None:
        return [_("该办件没有证照")]
    if licence.state == Licence.LicenceState.HELD:
        return [_("容缺材料尚未补齐，证照暂缓发放")]
    if licence.state == Licence.LicenceState.REVOKED:
        return [_("证照{number}已撤销").format(number=licence.number)]
    if licence.state == Licence.LicenceState.CANCELLED:
        return [_("证照{number}已注销").format(number=licence.number)]
    return []


def _revocation_ended(event: CaseEvent) -> bool:
    """A notice of proposed revocation is owed only while its procedure is open: a proposal
    withdrawn (or decided) before the notice went out calls for none."""
    proposal = (
        RevocationProposal.objects.filter(pk=event.data.get("proposal")).only("state").first()
    )
    return proposal is None or proposal.state not in OPEN_PROPOSAL_STATES


def _superseded_version(licence: Licence | None, event: CaseEvent) -> int | None:
    """The licence's current version number when `event` made an earlier one (its document was
    replaced by the next version's, so it is not due again); None while it is the current one."""
    if licence is None:
        return None
    made = (
        LicenceVersion.objects.filter(licence=licence, event=event)
        .values_list("number", flat=True)
        .first()
    )
    if made is None or made == licence.version:
        return None
    return licence.version


def issue_blockers(
    case: Case, *, kind: str, replacing: Document | None = None, event: CaseEvent | None = None
) -> list[str]:
    """Why this document cannot be issued now: the case has no event calling for it, it was
    issued already (a correction goes through `reissue_document`), a licence is held back or
    revoked, or the bureau has no active seal. `event`: the act of an addressed kind
    (`rules.ADDRESSED_KINDS`) whose notice is meant; otherwise the latest that calls for it."""
    if kind not in DocumentKind.values:
        return [_("未知的文书种类")]
    label = DocumentKind(kind).label
    event = event or notice_event(case, kind)
    if event is None:
        return [_("该办件没有需要出具{label}的事项").format(label=label)]
    out = []
    others = Document.objects.filter(case=case, event=event, kind=kind)
    if replacing is not None:
        others = others.exclude(pk=replacing.pk)
    existing = others.exclude(state=Document.DocumentState.SUPERSEDED).first()
    if existing is not None and existing.state == Document.DocumentState.GENUINE:
        out.append(
            _("已出具{label}（{number}），如需更正请重新出具").format(
                label=label, number=existing.number
            )
        )
    elif existing is not None:
        # A revoked document was issued in error: the case does not call for it again.
        out.append(
            _("{label}（{number}）已撤销，不再出具").format(label=label, number=existing.number)
        )
    if kind == DocumentKind.LICENCE:
        licence = licence_of(case)
        out += _licence_blockers(licence)
        current = _superseded_version(licence, event)
        if current is not None:
            out.append(_("证照已换发第{n}版，本次的证照不再出具").format(n=current))
    if kind == DocumentKind.REVOCATION_NOTICE and _revocation_ended(event):
        out.append(_("该撤销程序已结束，不再出具告知书"))
    out += signing.sign_blockers(active_seal(case.bureau), case.bureau)
    return out


@dataclass(frozen=True)
class DueDocument:
    kind: str
    label: str
    event: CaseEvent
    blockers: list[str] = field(default_factory=list)  # empty: it can be issued now


def due_documents(case: Case) -> list[DueDocument]:
    """The kinds of document the case's events call for and that it does not have yet (none
    issued for that event, or only superseded ones), in the order of the events, each with the reasons it
    cannot be issued now. A licence whose grant was revoked is no longer due; one held back for
    tolerated materials is due with that reason."""
    latest: dict[str, CaseEvent] = {}
    addressed: list[tuple[str, CaseEvent]] = []
    for event in CaseEvent.objects.filter(case=case).exclude(notice_due="").order_by("seq"):
        for kind, answers in rules.NOTICE_OF_KIND.items():
            if event.notice_due in answers:
                if kind in rules.ADDRESSED_KINDS:
                    addressed.append((kind, event))  # every addressee is owed their own
                else:
                    latest[kind] = event
    if not latest and not addressed:
        return []
    # A revoked document counts as handled: it was issued in error, and the case does not call
    # for it again; a superseded one has its successor.
    issued = set(
        Document.objects.filter(case=case)
        .exclude(state=Document.DocumentState.SUPERSEDED)
        .values_list("event_id", "kind")
    )
    licence = licence_of(case) if DocumentKind.LICENCE in latest else None
    seal_blockers = signing.sign_blockers(active_seal(case.bureau), case.bureau)
    out = []
    for kind, event in sorted(
        [*latest.items(), *addressed], key=lambda pair: (pair[1].seq, KIND_ORDER[pair[0]])
    ):
        if (event.pk, kind) in issued:
            continue
        blockers = []
        if kind == DocumentKind.REVOCATION_NOTICE and _revocation_ended(event):
            continue
        if kind == DocumentKind.LICENCE:
            if licence is None or licence.state in (
                Licence.LicenceState.REVOKED,
                Licence.LicenceState.CANCELLED,
            ):
                continue
            if _superseded_version(licence, event) is not None:
                continue  # a later version's licence replaced it
            blockers += _licence_blockers(licence)
        out.append(
            DueDocument(kind, str(DocumentKind(kind).label), event, blockers + seal_blockers)
        )
    return out


# --- notices to issue (the window's queue) -----------------------------------------------------


def still_owed(queryset: QuerySet[PendingNotice]) -> QuerySet[PendingNotice]:
    """The queued notices the law still calls for. A notice of proposed revocation is owed only
    while a procedure is open on the case (one at a time per licence): one withdrawn or decided
    before its notice went out calls for none, so it neither waits in the queue nor counts late."""
    open_procedure = RevocationProposal.objects.filter(
        case_id=OuterRef("case_id"), state__in=OPEN_PROPOSAL_STATES
    )
    return queryset.filter(document__isnull=True).exclude(
        Q(kind=DocumentKind.REVOCATION_NOTICE) & ~Exists(open_procedure)
    )


def pending_notices(user: Viewer) -> QuerySet[PendingNotice]:
    """The notices of the user's cases that their act could not issue and nobody has issued
    since, oldest first."""
    return (
        still_owed(PendingNotice.objects.filter(case_id__in=visible_cases(user).values("pk")))
        .select_related("case__applicant", "case__handling_item", "event")
        .order_by("queued_at", "id")
    )


def notice_overdue_on(cal: WorkCalendar, queued_on: datetime.date) -> "datetime.date":
    """The first day a notice queued on `queued_on` and still not issued is overdue: the day
    after the NOTICE_ISSUE_DAYS-th working day after it."""
    return cal.add(queued_on, rules.NOTICE_ISSUE_DAYS).date + datetime.timedelta(days=1)


def overdue_notices(
    cal: WorkCalendar, today: datetime.date, queryset: QuerySet[PendingNotice]
) -> QuerySet[PendingNotice]:
    """The open notices of `queryset` not issued within NOTICE_ISSUE_DAYS working days. The
    distinct queue days are few, so each is judged on the calendar and the rows are filtered
    by the days found overdue."""
    queryset = still_owed(queryset)
    days = set(queryset.values_list("queued_on", flat=True).distinct())
    late = [d for d in days if notice_overdue_on(cal, d) <= today]
    return queryset.filter(queued_on__in=late)


# --- the seals of a region and their switch-over (seed 000 四(二)5) -------------------------------


def in_region(queryset: QuerySet[Seal], prefix: str) -> QuerySet[Seal]:
    """The bureaus' seals and the departments' old seals of the regions under `prefix`."""
    if prefix == "":
        return queryset
    return queryset.filter(
        Q(bureau__region__code__startswith=prefix) | Q(department__region__code__startswith=prefix)
    )


def visible_seals(user: Viewer) -> QuerySet[Seal]:
    """The seals of the reader's region and below, to active staff with a role (and the
    superuser); nobody else sees any. The keys are never read here."""
    prefix = scope_prefix(user) if is_scoped_staff(user) else None
    if prefix is None:
        return Seal.objects.none()
    return (
        in_region(Seal.objects.all(), prefix)
        .select_related("bureau__region", "department__region", "handover")
        .defer("private_key_pem", "certificate_pem")
        .order_by("kind", "department__order", "department__id", "-valid_from", "-id")
    )


def seal_region_code(seal: Seal) -> str:
    owner = seal.bureau or seal.department
    return owner.region.code if owner is not None else ""


def still_active_on(seal: Seal, on: datetime.date) -> bool:
    """Whether an old seal was still in the department's hands on `on`: not yet sealed away
    (or sealed away only later), and not void."""
    if seal.state == Seal.SealState.REVOKED:
        return False
    return seal.sealed_away_on is None or seal.sealed_away_on > on


@dataclass(frozen=True)
class SealWarning:
    """A department whose transfer date has passed while its old seal is still active (or was
    never registered as handed over): documents of its items carry only the bureau's seal, so
    the old one must be handed over and sealed away."""

    department: Department
    transfer_date: datetime.date
    seal: Seal | None  # None: no old seal registered at all
    days_late: int

    @property
    def text(self) -> str:
        if self.seal is None:
            return _("划转日期{date}已过，原审批印章尚未登记移交").format(
                date=rules.chinese_date(self.transfer_date)
            )
        return _("划转日期{date}已过，“{name}”仍未移交封存").format(
            date=rules.chinese_date(self.transfer_date), name=self.seal.name
        )


def seal_warnings(prefix: str | None, *, today: datetime.date) -> list[SealWarning]:
    """For e-supervision and the seals page: per department of the regions under `prefix`
    whose transfer date (`switchover.transfer_dates`) is before `today`, each old seal still
    active on `today`, or the department itself when it has no old seal registered. A seal
    sealed away on the transfer date is in order; one still active the day after is late."""
    if prefix is None:
        return []
    departments = Department.objects.select_related("region")
    if prefix:
        departments = departments.filter(region__code__startswith=prefix)
    by_id = {d.pk: d for d in departments}
    dates = {pk: on for pk, on in switchover.transfer_dates(list(by_id)).items() if on < today}
    if not dates:
        return []
    seals: dict[int | None, list[Seal]] = {}
    for seal in Seal.objects.filter(kind=Seal.Kind.DEPARTMENT, department_id__in=list(dates)).defer(
        "private_key_pem", "certificate_pem"
    ):
        seals.setdefault(seal.department_id, []).append(seal)
    out = []
    for pk, on in dates.items():
        mine = seals.get(pk, [])
        late = (today - on).days
        if not mine:
            out.append(SealWarning(by_id[pk], on, None, late))
        out += [SealWarning(by_id[pk], on, s, late) for s in mine if still_active_on(s, today)]
    return sorted(
        out, key=lambda w: (w.transfer_date, w.department.order, w.department.pk, w.seal is None)
    )


# --- verification -------------------------------------------------------------------------------


def public_document(code: str) -> Document | None:
    """The document a printed verification code names, with what the public page shows."""
    return (
        Document.objects.select_related(
            "bureau", "case__applicant", "case__handling_item", "seal", "superseded_by"
        )
        .filter(verification_code=rules.normalise_code(code))
        .first()
    )


def licence_of_document(document: Document) -> Licence | None:
    """The licence whose force a licence or grant document follows (None for a notice)."""
    if document.kind not in rules.LICENCE_KINDS:
        return None
    # A change, renewal or replacement case issues a new version of the licence it names.
    return licence_of(document.case)


def document_standing(document: Document, *, today: datetime.date | None = None) -> rules.Standing:
    """`rules.standing` of the document today (Asia/Shanghai), with its licence read."""
    return rules.standing(document, licence_of_document(document), today or business_today())


def embedded_code(data: bytes) -> str:
    """The verification code written into the PDF's document information at issue."""
    try:
        info = PdfFileReader(io.BytesIO(data), strict=False).trailer_view.get("/Info")
        info = info.get_object() if info is not None else None
        keywords = str(info.get("/Keywords", "")) if info is not None else ""
    except Exception:  # a damaged file may still be identified by its hash; the code is a fallback
        return ""
    match = CODE_IN_KEYWORDS.search(keywords)
    return match.group(1) if match else ""


@dataclass(frozen=True)
class FileCheck:
    """What a file says about itself, asked two separate questions: is it authentic (signed by
    one of the bureau's seals, and byte for byte the file the bureau stored), and is the
    document it is in force today (`standing`)."""

    signature: signing.SignatureCheck
    document: Document | None
    matches_record: bool  # the file is byte for byte the one the bureau stored
    seal: Seal | None  # the seal whose certificate signed the file
    standing: rules.Standing | None = None  # None when no record was found
    # A sealed record another app keeps instead of a document (a project's joint report).
    record: verification.SealedRecord | None = None

    @property
    def authentic(self) -> bool:
        return (
            self.signature.ok
            and self.matches_record
            and (self.document is not None or self.record is not None)
            and self.seal is not None
        )

    @property
    def in_force(self) -> bool:
        if self.document is None and self.record is not None:
            return self.record.in_force
        return self.standing is not None and self.standing.in_force

    @property
    def genuine(self) -> bool:
        """Authentic and in force: what a holder of the file wants to hear."""
        return self.authentic and self.in_force

    @property
    def verdict(self) -> str:
        """One sentence: what is wrong first, else that it is authentic and whether in force."""
        if not self.signature.signed:
            return _("文件没有电子签章或无法读取，不能证明由本局签发")
        if not (self.signature.intact and self.signature.valid):
            return _("电子签章与文件内容不符：文件在签章后被改动或已损坏")
        if not self.signature.trusted or self.seal is None:
            return _("签章证书不是本局任何一枚印章的证书")
        if not self.signature.covers_whole_file:
            return _("签章之后文件被追加了内容")
        if self.document is None and self.record is None:
            return _("本局没有该文件的签发记录")
        if not self.matches_record:
            found = self.document or self.record
            assert found is not None  # answered above when neither was found
            number = found.number
            return _("文件与本局保存的文书（{number}）不一致").format(number=number)
        if self.standing is not None and not self.standing.in_force:
            return _("文件真实，但已不再有效：{why}").format(why=self.standing.text)
        return _("文件真实，现行有效")


def check_file(data: bytes, *, today: datetime.date | None = None) -> FileCheck:
    """Validate a file's signature against every seal certificate we ever issued (old seals
    keep verifying after rotation), find its record by SHA-256 or by its embedded code, and
    say whether the document is in force. Any bytes at all are answered, never raised on."""
    certificates = list(
        Seal.objects.exclude(certificate_pem="").values_list("certificate_pem", flat=True)
    )
    signature = signing.check_signature(data, certificates)
    digest = hashlib.sha256(data).hexdigest()
    document = (
        Document.objects.select_related(
            "bureau", "seal", "case__applicant", "case__handling_item", "superseded_by"
        )
        .filter(sha256=digest)
        .first()
    )
    matches = document is not None
    record = None
    if document is None:
        record = verification.find(sha256=digest)
        matches = record is not None
    if document is None and record is None:
        code = embedded_code(data)
        document = public_document(code) if code else None
        if document is None and code:
            record = verification.find(code=rules.normalise_code(code))
    seal = (
        Seal.objects.filter(fingerprint=signature.fingerprint).first()
        if signature.fingerprint
        else None
    )
    standing = document_standing(document, today=today) if document is not None else None
    return FileCheck(signature, document, matches, seal, standing, record)
