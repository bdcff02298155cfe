"""The API's one pagination: limit/offset, each bounded. DRF's own class ignores a bad value
and passes any offset to the database, where 10^20 is out of range for PostgreSQL (a 500);
here a value that is not a whole number in range is a 400 naming the parameter."""

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

from oneseal.interface.counts import capped_count

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

    def get_count(self, queryset) -> int:
        count, self.count_estimated = capped_count(queryset)
        return count

    def paginate_queryset(self, queryset, request, view=None):
        page = super().paginate_queryset(queryset, request, view)
        if page is not None and self.count_estimated and self.offset + self.limit >= self.count:
            # The estimate ends at or before this page: whether there is a next page is read,
            # not guessed, so that paging goes on to the real end.
            end = self.offset + self.limit
            more = len(page) == self.limit and queryset[end : end + 1].exists()
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
