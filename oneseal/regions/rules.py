"""GB/T 2260 codes are hierarchical by digit pairs: 64 0000 is a province, 6402 00 a city,
640221 a county; townships carry the 9-digit statistical code (640221100) that extends the
county's. A region's *prefix* is its code without the trailing zero pairs, so a region's
descendants are exactly the codes that start with its prefix."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

PROVINCE, CITY, COUNTY, TOWNSHIP = "province", "city", "county", "township"


def level_of(code: str) -> str:
    if not code.isdigit() or len(code) not in (6, 9, 12):
        raise ValueError(
            _("区划代码应为6位（县级及以上）或9/12位（乡镇）数字：{code}").format(code=code)
        )
    if len(code) > 6:
        return TOWNSHIP
    if code[2:] == "0000":
        return PROVINCE
    if code[4:] == "00":
        return CITY
    return COUNTY


def prefix_of(code: str) -> str:
    level = level_of(code)
    if level == PROVINCE:
        return code[:2]
    if level == CITY:
        return code[:4]
    if level == TOWNSHIP:
        return code[:9]
    return code


def codes_after(prefix: str) -> str | None:
    """The least digit string above every code that starts with `prefix`, so that those codes
    are exactly the range [prefix, codes_after(prefix)): "6402" → "6403", "6409" → "641".
    Digits only: under a collation other than C, punctuation sorts before the digits, so the
    tempting "640:" (the character after "9") would end the range before "64091" starts it.
    None when no digit string is above them ("99", or "" for every code)."""
    kept = prefix.rstrip("9")
    if not kept:
        return None
    return kept[:-1] + str(int(kept[-1]) + 1)


def prefix_scope(prefix: str, field: str) -> Q:
    """The rows whose region code (`field`, e.g. "region_code" or "region__code") starts with
    `prefix`, as a range that a plain b-tree on the code answers: under a collation other than
    C, PostgreSQL uses such an index for LIKE only with pattern ops.

    For a prefix of digits the range alone is exact, region codes being digits (level_of): no
    LIKE beside it, for PostgreSQL takes the LIKE's selectivity as independent of the range's,
    so it expected a tenth of a county's cases and chose plans for a few rows where it read a
    hundred thousand (docs/scaling.md). Any other prefix keeps the LIKE."""
    if not prefix:
        return Q(**{f"{field}__startswith": ""})
    if not (prefix.isascii() and prefix.isdigit()):
        return Q(**{f"{field}__startswith": prefix})
    scope = Q(**{f"{field}__gte": prefix})
    after = codes_after(prefix)
    return scope if after is None else scope & Q(**{f"{field}__lt": after})


def parent_code(code: str) -> str | None:
    """The code of the enclosing region. Municipalities and province-governed counties have no
    city row in the table, so callers fall back to the province when the city is absent."""
    level = level_of(code)
    if level == PROVINCE:
        return None
    if level == CITY:
        return code[:2] + "0000"
    if level == COUNTY:
        return code[:4] + "00"
    return code[:6]
