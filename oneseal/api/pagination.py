"""The API's one pagination: limit/offset, each bounded. DRF's own class ignores a bad value
and passes any offset to the database, where 10^20 is out of range for PostgreSQL (a 500);
here a value that is not a whole number in range is a 400 naming the parameter."""

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

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
