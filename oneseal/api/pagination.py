"""The API's one pagination: limit/offset, each bounded. DRF's own class ignores a bad value
and passes any offset to the database, where 10^20 is out of range for PostgreSQL (a 500);
here a value that is not a whole number in range is a 400 naming the parameter."""

import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.utils.urls import remove_query_param, replace_query_param

from oneseal.interface.counts import capped_count
from oneseal.interface.keyset import (
    BadPosition,
    Key,
    KeysetPage,
    Position,
    keyset_page,
    order_of,
    values_of,
)

# Deeper than any list a person pages through; small enough for every database's integers.
MAX_OFFSET = 10**9


def bounded_int(request, name: str, *, default: int, low: int, high: int) -> int:
    """A whole-number query parameter in [low, high], or `default` when absent."""
    text = request.query_params.get(name)
    if text is None or text == "":
        return default
    if not text.isascii() or not text.isdigit() or len(text) > 12 or not low <= int(text) <= high:
        raise ValidationError(
            {name: [_("应为 {low} 到 {high} 之间的整数").format(low=low, high=high)]}
        )
    return int(text)


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    @property
    def max_limit(self) -> int:
        return settings.ONESEAL_API_MAX_LIMIT

    def get_limit(self, request) -> int:
        return bounded_int(
            request,
            self.limit_query_param,
            default=min(self.default_limit, self.max_limit),
            low=1,
            high=self.max_limit,
        )

    def get_offset(self, request) -> int:
        return bounded_int(request, self.offset_query_param, default=0, low=0, high=MAX_OFFSET)


class CappedCountPagination(BoundedLimitOffsetPagination):
    """For lists that grow without bound (a province's cases): the count is exact up to
    EXACT_COUNT_UP_TO and the planner's estimate above it (oneseal.interface.counts). The
    response says which (`count_estimated`)."""

    count_estimated = False
    # The rows to count where the view reads its rows with a condition that only helps their
    # order and changes nothing of which they are (the cases' receiving-time bound,
    # `cases.queries.received_between`): PostgreSQL would count through both conditions'
    # indexes, and its estimate, the count above EXACT_COUNT_UP_TO, would take them for
    # independent (84,254 cases of May 2025 estimated as 7,506).
    counted_rows: QuerySet | None = None

    def get_count(self, queryset) -> int:
        rows = queryset if self.counted_rows is None else self.counted_rows
        count, self.count_estimated = capped_count(rows)
        return count

    def paginate_queryset(self, queryset, request, view=None):
        page = super().paginate_queryset(queryset, request, view)
        if page is not None and self.count_estimated and self.offset + self.limit >= self.count:
            # The estimate ends at or before this page: whether there is a next page is read,
            # not guessed, so that paging goes on to the real end.
            end = self.offset + self.limit
            rows = queryset.queryset if isinstance(queryset, _ReadByIds) else queryset
            more = len(page) == self.limit and rows[end : end + 1].exists()
            self.count = end + 1 if more else self.offset + len(page)
        return page

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_estimated"] = self.count_estimated
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_estimated"] = {
            "type": "boolean",
            "description": _("count 为估计值（超过 10,000 条时）"),
        }
        return schema


class _ReadByIds:
    """A list ordered to the last row (its keys end in the primary key) that reads a slice
    deep in it in two statements: the slice's ids, skipped over by the order's index without
    the rows' other columns or joins, then those rows by primary key. One statement read and
    joined every row it skipped: a county's page at offset 5,000 of a million cases read 5,050
    cases with their applicants and items (184 ms) to show 50 (docs/scaling.md)."""

    def __init__(self, queryset: QuerySet) -> None:
        self.queryset = queryset

    def __getattr__(self, name: str):
        return getattr(self.queryset, name)

    def __getitem__(self, index):
        if not isinstance(index, slice) or not index.start:
            return self.queryset[index]
        ids = list(self.queryset.values_list("pk", flat=True)[index])
        found = {row.pk: row for row in self.queryset.filter(pk__in=ids).order_by()}
        # A row gone between the two statements is left out, as if read a moment later.
        return [found[pk] for pk in ids if pk in found]


class KeysetPagination(CappedCountPagination):
    """A list that grows without bound, paged by keyset (oneseal.interface.keyset): `next` and
    `previous` carry a `cursor` that starts the page after (before) the last (first) row
    shown, with every other parameter of the request kept, so a page costs the same at any
    depth and a row received meanwhile neither repeats nor skips one. `offset` still works for
    clients that count pages themselves (read and thrown away by the database: slow deep in a
    large list), and its `next` link is a cursor. Both together are refused."""

    cursor_query_param = "cursor"
    keys: tuple[Key, ...] = ()

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.keyset: KeysetPage | None = None
        token = request.query_params.get(self.cursor_query_param)
        queryset = queryset.order_by(*order_of(self.keys))
        if token is None and request.query_params.get(self.offset_query_param):
            page = super().paginate_queryset(_ReadByIds(queryset), request, view)
            self.following = (
                Position(values_of(page[-1], self.keys), page=2)
                if page and self.offset + len(page) < self.count
                else None
            )
            return page
        self.limit = self.get_limit(request)
        position = None
        if token is not None:
            if request.query_params.get(self.offset_query_param):
                raise ValidationError(
                    {self.cursor_query_param: [_("cursor 与 offset 不能同时使用")]}
                )
            try:
                position = Position.parse(token, self.keys)
            except BadPosition:
                raise ValidationError(
                    {self.cursor_query_param: [_("无效的分页位置，请从列表第一页重新开始")]}
                ) from None
        self.count = self.get_count(queryset)
        self.keyset = keyset_page(queryset, self.keys, self.limit, position, narrow=True)
        self.following = self.keyset.next
        return self.keyset.rows

    def _cursor_link(self, position: Position | None) -> str | None:
        if position is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), self.offset_query_param)
        return replace_query_param(url, self.cursor_query_param, position.token())

    def get_next_link(self):
        return self._cursor_link(self.following)

    def get_previous_link(self):
        if self.keyset is None:
            return super().get_previous_link()
        return self._cursor_link(self.keyset.previous)

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": str(
                    _(
                        "分页位置：取自上一响应的 next 或 previous 链接，不必自行构造；"
                        "深翻页请用此参数而非 offset"
                    )
                ),
                "schema": {"type": "string"},
            },
        ]


class CaseListPagination(KeysetPagination):
    # The cases' list order (Case.Meta.ordering), read from `case_received_order`.
    keys = (Key("received_at", descending=True, kind=datetime.datetime), Key("id", descending=True))
