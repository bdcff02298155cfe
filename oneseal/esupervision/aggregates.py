"""The 90th percentile as an SQL aggregate on both databases: PostgreSQL's ordered-set
`percentile_disc(0.9)`, and on SQLite (the embedded demo) the same nearest-rank rule
registered as a function on each new connection."""

from django.db.models import Aggregate, IntegerField

from .rules import nearest_rank

SQLITE_NAME = "oneseal_p90"


class Percentile90(Aggregate):
    function = "percentile_disc"
    name = "Percentile90"
    template = "%(function)s(0.9) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            function=SQLITE_NAME,
            template="%(function)s(%(expressions)s)",
            **extra,
        )


class _NearestRank90:
    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return nearest_rank(self.values, 0.9)


def register_sqlite_functions(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate(SQLITE_NAME, 1, _NearestRank90)
