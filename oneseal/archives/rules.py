"""Pure rules of the archive (no database): which retention rule applies, the archival number
(档号), and the order of a package's files.

Order (DA/T 22—2015 《归档文件整理规则》 §6, one case as one piece (件), read for a licensing file):
the index (卷内目录) first; the results before what led to them (复文在前，来文在后: the
licence and the decisions); then the application as received and its materials in the
checklist's order (正文在前，附件在后); then the procedural notices in the order they were
issued; last the record of how the case was handled (the event history with its hash chain).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from .models import RETENTION_CODES, ArchiveFile, Retention

# When no rule matches at all (no default rule entered): 30 years, the period
# 国家档案局令第8号 gives the routine licensing files of an organ.
FALLBACK = Retention.YEARS_30

# The documents that are the case's result (the reply) and come before the application.
RESULT_KINDS = (
    "licence",
    "grant",
    "denial",
    "refusal",
    "withdrawal",
    "termination",
    "cancellation",
    "deemed_renewal",
    "revocation",
    "joint_result",
)

KIND_ORDER: dict[str, int] = {
    ArchiveFile.Kind.INDEX: 0,
    ArchiveFile.Kind.DECISION: 1,
    ArchiveFile.Kind.APPLICATION: 2,
    ArchiveFile.Kind.MATERIAL: 3,
    ArchiveFile.Kind.NOTICE: 4,
    ArchiveFile.Kind.HISTORY: 5,
}


@dataclass(frozen=True)
class RuleRow:
    scope: str  # RetentionRule.Scope value
    item_id: int | None
    topic_id: int | None
    period: str
    label: str  # what the rule names, for the archive's "retention basis"


def retention_for(
    rules: Iterable[RuleRow], *, item_id: int, topic_id: int | None
) -> tuple[str, str]:
    """(period, where it came from): the item's rule, else its topic's, else the default."""
    by_scope: dict[str, RuleRow] = {}
    for rule in rules:
        if rule.scope == "item" and rule.item_id == item_id:
            by_scope["item"] = rule
        elif rule.scope == "topic" and topic_id is not None and rule.topic_id == topic_id:
            by_scope["topic"] = rule
        elif rule.scope == "default":
            by_scope["default"] = rule
    for scope in ("item", "topic", "default"):
        if scope in by_scope:
            return by_scope[scope].period, by_scope[scope].label
    return FALLBACK, "国家档案局令第8号（未设规则时的默认期限）"


def archive_number(fonds: str, year: int, period: str, piece: int) -> str:
    """档号 in the shape of DA/T 13 (全宗号-年度-保管期限-问题代码-件号); the bureau's region
    code stands for the fonds number and XK (行政许可) for the matter."""
    return f"{fonds}-{year}-{RETENTION_CODES[Retention(period)]}-XK-{piece:04d}"


@dataclass
class Entry:
    """One file of a package before it is stored."""

    kind: str
    title: str
    name_stem: str
    extension: str
    content: bytes
    content_type: str
    dated: datetime.date | None = None
    source: str = ""
    pdfa: bool = False
    # Within a kind: the checklist's order, an event's seq, a document's issue.
    sort_key: tuple = ()


def ordered(entries: list[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: (KIND_ORDER[e.kind], e.sort_key))


def file_name(position: int, entry: Entry) -> str:
    """The name in the package: its position first, so any listing shows the archival order;
    characters a file system refuses are replaced."""
    safe = "".join("_" if ch in '\\/:*?"<>|\0' or ord(ch) < 32 else ch for ch in entry.name_stem)
    return f"{position:03d}-{safe[:80]}.{entry.extension}"


def list_checksum(lines: Iterable[tuple[str, str]]) -> str:
    """SHA-256 over a hand-over list's lines ("档号 package-SHA-256", in the list's order): the
    number the archives check the batch they received against."""
    import hashlib

    text = "\n".join(f"{number} {digest}" for number, digest in lines)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
