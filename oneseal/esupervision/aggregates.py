"""The 90th percentile as an SQL aggregate on both databases: PostgreSQL's ordered-set
`percentile_disc(0.9)`, and on SQLite (the embedded demo) the same nearest-rank rule
registered as a function on each new connection."""

from typing import TYPE_CHECKING, Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Aggregate, IntegerField
from django.db.models.sql.compiler import SQLCompiler

if TYPE_CHECKING:
    # The stubs' name for (sql, params); Django has no such name at run time.
    from django.db.models.sql.compiler import _AsSqlType

from .rules import nearest_rank

SQLITE_NAME = "oneseal_p90"


class Percentile90(Aggregate):
    function = "percentile_disc"
    name = "Percentile90"
    template = "%(function)s(0.9) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = IntegerField()

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> "_AsSqlType":
        return super().as_sql(
            compiler,
            connection,
            function=SQLITE_NAME,
            template="%(function)s(%(expressions)s)",
            **extra,
        )


class _NearestRank90:
    def __init__(self) -> None:
        self.values: list[int] = []

    def step(self, value: int | None) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self) -> int | None:
        return nearest_rank(self.values, 0.9)


def register_sqlite_functions(
    sender: object, connection: BaseDatabaseWrapper, **kwargs: object
) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate(SQLITE_NAME, 1, _NearestRank90)
