"""What a page shows beside a row's own fields."""

from typing import TypeVar

_Row = TypeVar("_Row")


def shown_with(row: _Row, **values: object) -> _Row:
    """`row` with `values` its template reads beside the row's own fields (`case.row_clock`,
    `licence.today_standing` …). A model class does not declare them, so they go into the
    instance's dict, which is where Django's templates (and setattr) would put them."""
    vars(row).update(values)
    return row
