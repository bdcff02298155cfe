"""What other apps add to a licensing decision (grant or deny), without cases importing them.

A hearing's record is what the decision must rest on (《行政许可法》第四十八条第二款), and the
views of interested parties must have been heard (第三十六条): the hearings app, which depends
on cases, registers its checks here in its AppConfig.ready, as the documents app registers its
issuer with `cases.notices`.

- a blockers check, `check(case) -> list[str]`: what stands in the way of any decision now (a
  hearing still open, a party's views not answered); shown with the decision's other blockers.
- a citation check, `cite(case, hearing_record) -> (problems, data)`: whether the record the
  decider cites (`hearing_record`, an id or None) is the one the decision must rest on; `data`
  goes into the decision event, so the notice and the case page show it.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Case

BlockersCheck = Callable[["Case"], list[str]]
CitationCheck = Callable[["Case", "int | None"], tuple[list[str], dict]]

_blockers: list[BlockersCheck] = []
_citations: list[CitationCheck] = []


def register(*, blockers: BlockersCheck | None = None, cite: CitationCheck | None = None) -> None:
    if blockers is not None and blockers not in _blockers:
        _blockers.append(blockers)
    if cite is not None and cite not in _citations:
        _citations.append(cite)


def blockers(case: "Case") -> list[str]:
    return [b for check in _blockers for b in check(case)]


def cited(case: "Case", hearing_record: "int | None") -> tuple[list[str], dict]:
    problems: list[str] = []
    data: dict = {}
    for check in _citations:
        more, extra = check(case, hearing_record)
        problems += more
        data.update(extra)
    return problems, data
