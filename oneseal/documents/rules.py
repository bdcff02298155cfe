"""Pure policy of documents: which case event each kind answers, how a 文号 reads, how a
verification code looks. No database."""

import datetime
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from .models import DocumentKind

if TYPE_CHECKING:
    from oneseal.cases.models import CaseEvent, Licence

    from .models import Document

# Which CaseEvent.notice_due each kind of document is issued for. The licence is the
# certificate of a grant (《行政许可法》第三十九条), so it answers the grant event too.
NOTICE_OF_KIND: dict[str, tuple[str, ...]] = {
    DocumentKind.ACCEPTANCE: ("acceptance",),
    DocumentKind.TOLERATED_ACCEPTANCE: ("tolerated_acceptance",),
    DocumentKind.CORRECTION: ("correction",),
    DocumentKind.REFUSAL: ("refusal",),
    DocumentKind.SPECIAL_PROCEDURE: ("special_procedure",),
    DocumentKind.EXTENSION: ("extension",),
    DocumentKind.GRANT: ("grant",),
    DocumentKind.DENIAL: ("denial",),
    DocumentKind.REVOCATION_NOTICE: ("revocation_notice",),
    DocumentKind.REVOCATION: ("revocation",),
    # A change, renewal or replacement copy is the licence's next version, issued by its grant;
    # a renewal the law deems granted (第五十条第二款) issues the next version too.
    DocumentKind.LICENCE: ("grant", "deemed_renewal"),
    DocumentKind.CANCELLATION: ("cancellation",),
    DocumentKind.DEEMED_RENEWAL: ("deemed_renewal",),
    # The receipt answers the act of receiving (window, portal, API); withdrawal and termination
    # close the case with a written decision like any other end of an application.
    DocumentKind.RECEIPT: ("receipt",),
    DocumentKind.WITHDRAWAL: ("withdrawal",),
    DocumentKind.TERMINATION: ("termination",),
    # A stage or life event whose every case is decided: one notice lists their results.
    DocumentKind.JOINT_RESULT: ("joint_result",),
    DocumentKind.HEARING_RIGHT: ("hearing_right",),
    DocumentKind.HEARING_NOTICE: ("hearing_notice",),
    DocumentKind.INTERESTED_PARTY: ("interested_party",),
}

# Kinds served on one addressee each (`event.data["addressee"]`): the applicant and every
# interested party get their own notice of the same act, one event each, so each event is
# answered by its own document — never by a later event's notice of the same kind.
ADDRESSED_KINDS = frozenset(
    {DocumentKind.HEARING_RIGHT, DocumentKind.HEARING_NOTICE, DocumentKind.INTERESTED_PARTY}
)

# A notice the system could not issue with its act is overdue when it is still not issued after
# this many working days: the window has the day after the act to fix what blocked it (a seal
# renewed, a wording published) and hand the notice over (《行政许可法》第三十二条第二款 wants the
# written notice with the act; a day's grace covers an act recorded late in the day or by the
# worker at night).
NOTICE_ISSUE_DAYS = 1


def notice_date(event: "CaseEvent") -> datetime.date:
    """The date a notice is dated: the day its act was done. A deemed acceptance takes effect
    on the day the materials arrived, but its notice is made when the silence was found
    (the worker's day, `noticed_on`), and says so."""
    made = (event.data or {}).get("noticed_on")
    return datetime.date.fromisoformat(made) if made else event.on


# The character of each kind in the 文号, after the bureau's abbreviation: 平审批受〔2025〕第000001号.
KIND_MARK = {
    DocumentKind.ACCEPTANCE: "受",
    DocumentKind.TOLERATED_ACCEPTANCE: "容",
    DocumentKind.CORRECTION: "补",
    DocumentKind.REFUSAL: "不受",
    DocumentKind.SPECIAL_PROCEDURE: "特",
    DocumentKind.EXTENSION: "延",
    DocumentKind.GRANT: "许",
    DocumentKind.DENIAL: "不许",
    DocumentKind.REVOCATION_NOTICE: "撤告",
    DocumentKind.REVOCATION: "撤",
    DocumentKind.LICENCE: "证",
    DocumentKind.CANCELLATION: "注",
    DocumentKind.DEEMED_RENEWAL: "续",
    DocumentKind.RECEIPT: "收",
    DocumentKind.WITHDRAWAL: "撤回",
    DocumentKind.TERMINATION: "终",
    DocumentKind.JOINT_RESULT: "联",
    DocumentKind.HEARING_RIGHT: "听告",
    DocumentKind.HEARING_NOTICE: "听通",
    DocumentKind.INTERESTED_PARTY: "利告",
}

# Crockford's base-32 without the letters read as digits: codes are typed from paper.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 50 bits: guessing a valid code is hopeless at any request rate we serve


def bureau_abbreviation(region_name: str) -> str:
    """平罗县 → 平审批: the first character of the region, as county bureaus abbreviate."""
    return f"{region_name[:1]}审批"


def document_number(region_name: str, kind: str, year: int, seq: int) -> str:
    return (
        f"{bureau_abbreviation(region_name)}{KIND_MARK[DocumentKind(kind)]}〔{year}〕第{seq:06d}号"
    )


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a person types from paper: any case, spaces and dashes, O for 0, I/L for 1."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans("OIL", "011"))


def chinese_date(day: datetime.date | str | None) -> str:
    """2025-01-20 → 2025年1月20日, as official documents write dates."""
    if day is None or day == "":
        return ""
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    return f"{day.year}年{day.month}月{day.day}日"


# --- standing: is a document in force today ------------------------------------------------------

# The kinds whose force is the licence's: the licence itself and the decision that granted it.
LICENCE_KINDS = frozenset({DocumentKind.LICENCE, DocumentKind.GRANT})

# Licence states (cases.models.Licence.LicenceState values) in which the licence is in force.
# "changed" and "renewed" keep the licence's one number in force with a new version or term; any
# state not named here (held, suspended, revoked, cancelled, expired, or one added later) is
# not in force, so a new state can never make a withdrawn licence look valid.
IN_FORCE_LICENCE_STATES = frozenset({"valid", "changed", "renewed"})


@dataclass(frozen=True)
class Standing:
    """Whether a document is in force today, and if not why and since when. Separate from
    whether the file or record is genuine (`queries.FileCheck`): a genuine document may well be
    no longer in force."""

    in_force: bool
    reason: str  # "in_force", "document_revoked", "superseded", "licence_revoked", "cancelled",
    #              "expired", "held", "not_yet_valid", or the licence's state value
    since: datetime.date | None = None
    superseded_by: str = ""  # the number of the document that replaced this one
    detail: str = ""  # the stated reason (a revocation's), shown where the public may see it

    @property
    def text(self) -> str:
        """One sentence in the user's language."""
        since = chinese_date(self.since)
        if self.reason == "in_force":
            return _("现行有效")
        if self.reason == "document_revoked":
            return _("该文书已于{date}撤销，不再有效").format(date=since)
        if self.reason == "superseded":
            if since:
                return _("该文书已于{date}被文书{number}取代，不再有效").format(
                    date=since, number=self.superseded_by
                )
            return _("该文书已被文书{number}取代，不再有效").format(number=self.superseded_by)
        if self.reason == "licence_revoked":
            return _("该行政许可已于{date}撤销，证照不再有效").format(date=since)
        if self.reason == "cancelled":
            return _("该行政许可已于{date}注销，证照不再有效").format(date=since)
        if self.reason == "expired":
            return _("证照有效期已于{date}届满，不再有效").format(date=since)
        if self.reason == "held":
            return _("证照暂缓发放（容缺材料尚未补齐），尚未生效")
        if self.reason == "not_yet_valid":
            return _("证照自{date}起有效，目前尚未生效").format(date=since)
        return _("证照当前状态为“{state}”，不在有效状态").format(state=self.detail or self.reason)


def standing(document: "Document", licence: "Licence | None", today: datetime.date) -> Standing:
    """Whether `document` is in force on `today`. The document's own state comes first (a
    revoked or superseded document is out of force whatever its licence is); a licence or the
    grant decision behind it then follows the licence (`licence` may be None for a notice):
    revoked (撤销, 《行政许可法》第六十九条), cancelled (注销, 第七十条), held (暂缓发放), past
    its validity (有效期届满), or not yet valid. Every interface asks this one function, so the
    public page, the API and `oneseal verify` agree."""
    if document.state == "revoked":
        return Standing(
            False, "document_revoked", document.revoked_on, detail=document.revocation_reason
        )
    if document.state == "superseded":
        newer = getattr(
            document, "superseded_by", None
        )  # the reverse one-to-one raises when absent
        return Standing(
            False,
            "superseded",
            newer.dated if newer is not None else None,
            superseded_by=newer.number if newer is not None else "",
        )
    if document.kind not in LICENCE_KINDS or licence is None:
        return Standing(True, "in_force")
    return licence_standing(licence, today)


def licence_standing(licence: "Licence", today: datetime.date) -> Standing:
    """Whether a licence is in force on `today`, read from its state by value (so a state added
    to `Licence.LicenceState` later is out of force until named in `IN_FORCE_LICENCE_STATES`)
    and from its term. The case pages show this beside the case's own state, so a revoked
    licence's case no longer reads only 准予许可."""
    state = str(licence.state)
    if state == "revoked":
        return Standing(
            False, "licence_revoked", licence.revoked_on, detail=licence.revocation_reason
        )
    if state == "cancelled":
        return Standing(False, "cancelled", licence.cancelled_on)
    if state == "held":
        return Standing(False, "held")
    if state == "expired":
        return Standing(False, "expired", licence.valid_until)
    if state not in IN_FORCE_LICENCE_STATES:
        label = licence.get_state_display() if hasattr(licence, "get_state_display") else state
        return Standing(False, state, detail=str(label))
    if licence.valid_until is not None and licence.valid_until < today:
        return Standing(False, "expired", licence.valid_until)
    if licence.valid_from is not None and licence.valid_from > today:
        return Standing(False, "not_yet_valid", licence.valid_from)
    return Standing(True, "in_force")
