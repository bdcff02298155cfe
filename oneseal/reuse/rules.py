"""Pure rules of reuse: which document a material's name calls for, whose a holder code is,
and what makes a library e-licence in force on a day."""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable

from django.utils.translation import gettext as _

from oneseal.applicants import rules as applicant_rules

# Words a checklist adds to a document's name that say which copy to bring, not which document.
COPY_WORDS = re.compile(r"(复印件|原件|副本|正本|扫描件|电子件|及其?|或|（[^）]*）|\([^)]*\))")


def name_key(name: str) -> str:
    """A name as compared: full-width forms, spaces and the copy words gone."""
    text = unicodedata.normalize("NFKC", name or "")
    text = "".join(text.split())
    return COPY_WORDS.sub("", text)


def names_match(material_name: str, document_name: str) -> bool:
    """The default mapping: a material 营业执照（副本）复印件 is met by a 营业执照; a material
    食品经营许可证 by an e-licence type 食品经营许可证. Short names (one or two characters)
    never match by containment, so 证 does not stand for every licence."""
    m, d = name_key(material_name), name_key(document_name)
    if len(m) < 3 or len(d) < 3:
        return m == d and bool(m)
    return d in m or m in d


def matches(
    material_name: str,
    *,
    type_name: str,
    type_code: str = "",
    mappings: Iterable[tuple[str, str]] | None = None,
) -> bool:
    """Whether a document of `type_name` / `type_code` stands for the material: by the
    material's mapping rows (type name, type code) when it has any, else by the names."""
    rows = list(mappings or [])
    if rows:
        return any(
            (code and code == type_code) or (name and name_key(name) == name_key(type_name))
            for name, code in rows
        )
    return names_match(material_name, type_name)


def holder_of(code: str) -> tuple[str, str]:
    """(kind, normalised code) of a holder's 统一社会信用代码 or 居民身份证号码; ValueError
    naming what is wrong."""
    text = applicant_rules.normalise(code)
    if not text:
        raise ValueError(_("请填写持证主体代码"))
    if len(text) == 18 and text[:17].isdigit():
        # An ID number's first 17 characters are digits; a credit code's registering-body
        # prefix (1-9, A, N, Y) followed by a region code may be too, so try both.
        try:
            return "person", applicant_rules.validate_id_number(text)
        except ValueError:
            pass
    try:
        return "organisation", applicant_rules.validate_credit_code(text)
    except ValueError as exc:
        raise ValueError(
            _("持证主体代码既不是有效的统一社会信用代码，也不是有效的居民身份证号码：{e}").format(
                e=exc
            )
        ) from None


def imported_problem(
    *, status: str, valid_from: datetime.date, valid_until: datetime.date | None, on: datetime.date
) -> str:
    """Why a library e-licence is not in force on `on`, or ""."""
    from .models import ImportedLicence

    if status != ImportedLicence.Status.VALID:
        return _("证照状态为“{s}”").format(s=ImportedLicence.Status(status).label)
    if valid_from > on:
        return _("有效期自{d}起，尚未生效").format(d=long_date(valid_from))
    if valid_until is not None and valid_until < on:
        return _("有效期已于{d}届满").format(d=long_date(valid_until))
    return ""


def long_date(d: datetime.date) -> str:
    return _("{y}年{m}月{d}日").format(y=d.year, m=d.month, d=d.day)
