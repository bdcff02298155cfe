"""What other apps add to a licensing decision (grant or deny), without cases importing them.

A hearing's record is what the decision must rest on (《行政许可法》第四十八条第二款), and the
views of interested parties must have been heard (第三十六条): the hearings app, which depends
on cases, registers its checks here in its AppConfig.ready, as the documents app registers its
issuer with `cases.notices`.

- a blockers check, `check(case) -> list[str]`: what stands in the way of any decision now (a
  hearing still open, a party's views not answered); shown with the decision's other blockers.
  A check whose answer depends on the day of the decision registers as `dated_blockers`,
  `check(case, on=day) -> list[str]`: a department's opinion still awaited (the linkage), whose
  silence may count as consent from a given working day on. The projects app registers the
  shared steps still without their report (联合审图, 多评合一, 联合验收).
- a citation check, `cite(case, hearing_record) -> (problems, data)`: whether the record the
  decider cites (`hearing_record`, an id or None) is the one the decision must rest on; `data`
  goes into the decision event, so the notice and the case page show it.
"""

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .models import Case

BlockersCheck = Callable[["Case"], list[str]]
CitationCheck = Callable[["Case", "int | None"], tuple[list[str], dict]]


class DatedBlockersCheck(Protocol):
    def __call__(self, case: "Case", *, on: datetime.date) -> list[str]: ...


# In registration order (the apps' order in INSTALLED_APPS); each with whether it takes `on`.
_blockers: list[tuple[BlockersCheck | DatedBlockersCheck, bool]] = []
_citations: list[CitationCheck] = []


def register(
    *,
    blockers: BlockersCheck | None = None,
    dated_blockers: DatedBlockersCheck | None = None,
    cite: CitationCheck | None = None,
) -> None:
    known = [check for check, _dated in _blockers]
    if blockers is not None and blockers not in known:
        _blockers.append((blockers, False))
    if dated_blockers is not None and dated_blockers not in known:
        _blockers.append((dated_blockers, True))
    if cite is not None and cite not in _citations:
        _citations.append(cite)


def blockers(case: "Case", *, on: datetime.date) -> list[str]:
    """Every registered check's blockers of a decision made on `on`."""
    out: list[str] = []
    for check, dated in _blockers:
        out += check(case, on=on) if dated else check(case)  # type: ignore[call-arg]
    return out


def cited(case: "Case", hearing_record: "int | None") -> tuple[list[str], dict]:
    problems: list[str] = []
    data: dict = {}
    for check in _citations:
        more, extra = check(case, hearing_record)
        problems += more
        data.update(extra)
    return problems, data
