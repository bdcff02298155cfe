"""Pure policy of documents: which case event each kind answers, how a 文号 reads, how a
verification code looks. No database."""

import datetime
import secrets

from .models import DocumentKind

# Which CaseEvent.notice_due each kind of document is issued for. The licence is the
# certificate of a grant (《行政许可法》第三十九条), so it answers the grant event too.
NOTICE_OF_KIND = {
    DocumentKind.ACCEPTANCE: ("acceptance",),
    DocumentKind.TOLERATED_ACCEPTANCE: ("tolerated_acceptance",),
    DocumentKind.CORRECTION: ("correction",),
    DocumentKind.REFUSAL: ("refusal",),
    DocumentKind.SPECIAL_PROCEDURE: ("special_procedure",),
    DocumentKind.EXTENSION: ("extension",),
    DocumentKind.GRANT: ("grant",),
    DocumentKind.DENIAL: ("denial",),
    DocumentKind.REVOCATION: ("revocation",),
    DocumentKind.LICENCE: ("grant",),
}

# A notice the system could not issue with its act is overdue when it is still not issued after
# this many working days: the window has the day after the act to fix what blocked it (a seal
# renewed, a wording published) and hand the notice over (《行政许可法》第三十二条第二款 wants the
# written notice with the act; a day's grace covers an act recorded late in the day or by the
# worker at night).
NOTICE_ISSUE_DAYS = 1


def notice_date(event) -> datetime.date:
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
    DocumentKind.REVOCATION: "撤",
    DocumentKind.LICENCE: "证",
}

# Crockford's base-32 without the letters read as digits: codes are typed from paper.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 50 bits: guessing a valid code is hopeless at any request rate we serve


def bureau_abbreviation(region_name: str) -> str:
    """平罗县 → 平审批: the first character of the region, as county bureaus abbreviate."""
    return f"{region_name[:1]}审批"


def document_number(region_name: str, kind: str, year: int, seq: int) -> str:
    return f"{bureau_abbreviation(region_name)}{KIND_MARK[DocumentKind(kind)]}〔{year}〕第{seq:06d}号"


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a person types from paper: any case, spaces and dashes, O for 0, I/L for 1."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def chinese_date(day: datetime.date | str | None) -> str:
    """2025-01-20 → 2025年1月20日, as official documents write dates."""
    if day is None or day == "":
        return ""
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    return f"{day.year}年{day.month}月{day.day}日"
