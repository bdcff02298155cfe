"""Counts of lists that grow without bound (a province's cases). Counting a million rows
costs more than the page itself, so a list counts exactly up to EXACT_COUNT_UP_TO rows (a
count over at most that many) and, above, takes PostgreSQL's estimate, never below the exact
part. SQLite, for small installations, always counts."""

import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import DEFAULT_DB_ALIAS, connections
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


class KeptCount:
    """A count whose statement is built once per key and kept: for the counts a page's
    navigation shows on every page (assigned to me, unread messages), building and compiling
    the queryset cost more CPU than the database spent answering it (about 3–4 ms each of a
    workbench page's 40). The key must hold everything the queryset is built from (the
    user's id, roles, scope, the day), or one user would be counted with another's
    statement; `build` returns None for a count that is 0 without asking."""

    def __init__(self, kept: int = 1024) -> None:
        self.kept = kept
        self._sql: dict[tuple, tuple[str, tuple] | None] = {}

    def __call__(self, key: tuple, build: Callable[[], QuerySet | None]) -> int:
        key = (DEFAULT_DB_ALIAS, *key)
        if key not in self._sql:
            self._sql[key] = self._compile(build())
            if len(self._sql) > self.kept:
                self._sql.clear()
                self._sql[key] = self._compile(build())
        found = self._sql[key]
        if found is None:
            return 0
        sql, params = found
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def clear(self) -> None:
        self._sql.clear()

    @staticmethod
    def _compile(queryset: QuerySet | None) -> tuple[str, tuple] | None:
        if queryset is None:
            return None
        try:
            sql, params = queryset.query.get_compiler(using=DEFAULT_DB_ALIAS).as_sql()
        except EmptyResultSet:  # a filter that can match nothing
            return None
        return f"SELECT COUNT(*) FROM ({sql}) kept", tuple(params)  # noqa: S608
