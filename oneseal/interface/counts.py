"""Counts of lists that grow without bound (a province's cases). Counting a million rows
costs more than the page itself, so a list counts exactly up to EXACT_COUNT_UP_TO rows (a
count over at most that many) and, above, takes PostgreSQL's estimate, never below the exact
part. SQLite, for small installations, always counts."""

import json
from typing import Any

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

# Up to this many rows a list counts them exactly; beyond, the count is PostgreSQL's estimate.
EXACT_COUNT_UP_TO = 10_000


def capped_count(queryset: QuerySet) -> tuple[int, bool]:
    """The number of rows, and whether it is the planner's estimate (over the cap)."""
    # Only the filter matters to a count: no joins for the row's related objects.
    queryset = queryset.order_by().values("pk")
    return over_the_cap(queryset, queryset[: EXACT_COUNT_UP_TO + 1].count())


def over_the_cap(queryset: QuerySet, counted: int) -> tuple[int, bool]:
    """`capped_count` when the capped count (`counted`, over at most EXACT_COUNT_UP_TO + 1
    rows) was made by the caller, with others in one statement (workbench.queries)."""
    if counted <= EXACT_COUNT_UP_TO:
        return counted, False
    queryset = queryset.order_by().values("pk")
    if connections[queryset.db].vendor != "postgresql":
        return queryset.count(), False
    plan = json.loads(queryset.explain(format="json"))
    return max(int(plan[0]["Plan"]["Plan Rows"]), counted), True


class CappedPaginator(Paginator):
    """A page of a list counted by `capped_count`; `count_estimated` says which count it is.
    A page past an estimate's real end is empty, not an error."""

    count_estimated = False

    def __init__(self, *args: Any, counted: int | None = None, **kwargs: Any) -> None:
        """`counted`: the capped count, when the caller made it (`over_the_cap`)."""
        super().__init__(*args, **kwargs)
        self.counted = counted

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return len(rows)
        if self.counted is not None:
            n, self.count_estimated = over_the_cap(rows, self.counted)
        else:
            n, self.count_estimated = capped_count(rows)
        return n
