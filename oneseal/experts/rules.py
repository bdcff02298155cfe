"""Pure policy of the expert pool: who may be drawn for a review, and the draw itself.

The draw ranks every eligible expert by SHA-256 of "seed:expert id" and takes the first n. A
hash of distinct inputs is, for this purpose, an independent uniform number, so every subset
of n eligible experts is equally likely; and the ranking depends on nothing but the seed and
the recorded ids, so anyone can recompute a draw years later with any SHA-256, independent
of a library's random generator changing between versions.
"""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


class Reason:
    """Why an expert was left out of a draw (codes stored in `Draw.excluded`)."""

    FIELD = "field"
    SUSPENDED = "suspended"
    REGION = "region"
    UNAVAILABLE = "unavailable"
    APPLICANT = "applicant"
    EMPLOYER = "employer"
    RELATIVE = "relative"
    RECENT = "recent"
    ON_REVIEW = "on_review"

    LABELS = {
        FIELD: _("专业领域不符"),
        SUSPENDED: _("已暂停抽取"),
        REGION: _("不属于本区划可抽取的专家"),
        UNAVAILABLE: _("评审期间不能参评"),
        APPLICANT: _("本人即为申请人"),
        EMPLOYER: _("申请人单位的工作人员"),
        RELATIVE: _("申报的近亲属或关联单位为申请人"),
        RECENT: _("近期评审过同一申请人"),
        ON_REVIEW: _("已被抽取参加本次评审"),
    }
    # A conflict of interest: no override may bring such an expert in.
    CONFLICTS = frozenset({SUSPENDED, APPLICANT, EMPLOYER, RELATIVE})


def reason_label(code: str) -> str:
    return str(Reason.LABELS.get(code, code))


@dataclass(frozen=True)
class Target:
    """What a draw is for: the review's field, the case's region and applicant, the dates."""

    field_id: int
    region_code: str
    starts_on: datetime.date
    ends_on: datetime.date
    applicant_number: str  # ID number or credit code, normalised
    applicant_name: str
    applicant_is_organisation: bool


@dataclass(frozen=True)
class Candidate:
    """One expert as the draw sees them."""

    expert_id: int
    field_ids: frozenset[int]
    active: bool
    region_prefix: str
    id_number: str
    employer_name: str
    employer_credit_code: str
    unavailable: tuple[tuple[datetime.date, datetime.date], ...] = ()
    declared_numbers: frozenset[str] = field(default_factory=frozenset)
    reviewed_applicant_recently: bool = False
    on_review: bool = False


def _same_name(a: str, b: str) -> bool:
    return "".join(a.split()) == "".join(b.split()) != ""


def exclusion_reasons(c: Candidate, t: Target) -> list[str]:
    """Every reason the candidate may not be drawn for the target; empty when eligible."""
    reasons = []
    if t.field_id not in c.field_ids:
        reasons.append(Reason.FIELD)
    if not c.active:
        reasons.append(Reason.SUSPENDED)
    if not t.region_code.startswith(c.region_prefix):
        reasons.append(Reason.REGION)
    if any(start <= t.ends_on and end >= t.starts_on for start, end in c.unavailable):
        reasons.append(Reason.UNAVAILABLE)
    if c.id_number and c.id_number == t.applicant_number:
        reasons.append(Reason.APPLICANT)
    if t.applicant_is_organisation and (
        (c.employer_credit_code and c.employer_credit_code == t.applicant_number)
        or (not c.employer_credit_code and _same_name(c.employer_name, t.applicant_name))
    ):
        reasons.append(Reason.EMPLOYER)
    if t.applicant_number and t.applicant_number in c.declared_numbers:
        reasons.append(Reason.RELATIVE)
    if c.reviewed_applicant_recently:
        reasons.append(Reason.RECENT)
    if c.on_review:
        reasons.append(Reason.ON_REVIEW)
    return reasons


def rank_key(seed: str, expert_id: int) -> str:
    return hashlib.sha256(f"{seed}:{expert_id}".encode("ascii")).hexdigest()


def draw(seed: str, eligible: list[int], n: int) -> list[int]:
    """The n experts of `eligible` with the smallest keys, in key order (fewer when fewer are
    eligible). Order of `eligible` does not matter."""
    if n < 0:
        raise ValueError("n must not be negative")
    return sorted(set(eligible), key=lambda expert_id: rank_key(seed, expert_id))[:n]


def recent_since(on: datetime.date, days: int) -> datetime.date:
    """The first day of the look-back for "reviewed the same applicant recently"."""
    return on - datetime.timedelta(days=days)
