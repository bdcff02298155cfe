"""Statements of the intake hot path compiled once per connection, not once per call (#15).

Django builds a statement's SQL from the queryset every time it runs it (`SQLCompiler.as_sql`:
the joins of every `select_related`, the columns of every model, the subqueries), and on the
few statements every act and request issues that building costs more CPU than PostgreSQL
spends answering them. `Prepared` builds a queryset once, with stand-in values for its
parameters, keeps the SQL and the compiler Django made for it, and from then on only runs the
SQL with the call's values and turns the rows into model instances as Django's own iterator
does (`ModelIterable`: the related rows of `select_related`, the annotations, the field
converters). What it returns is what the queryset would have returned.

The SQL is compiled per database connection object (one per thread), so each backend gets its
own SQL and nothing is shared between threads. Only the values of the call change between
runs: a queryset whose shape depends on the values (a filter added when one is given) needs
one `Prepared` per shape. The stand-ins must reach the SQL as parameters unchanged (integers,
plain strings, dates; not a LIKE pattern, which Django rewrites): `Prepared` checks that every
stand-in is found among the parameters as it compiles.

On PostgreSQL (psycopg 3) the kept statements also run as server-side prepared statements,
once per connection (`_cursor`): the values are bound by the server, and PostgreSQL parses and
plans each statement once per connection instead of on every run. On the intake path that
parsing and planning was most of PostgreSQL's CPU (the case lock's six-table join alone took
≈ 1.5 ms of it per call; `bench/profile_intake.py --statement-cpu`). Django leaves psycopg's
preparing off (`prepare_threshold=None`, for the sake of transaction-pooling proxies, which
lose a session's prepared statements between transactions); only the statements run here are
prepared, so a deployment behind such a proxy sets ONESEAL_PREPARED_STATEMENTS=0.
"""

import datetime
import itertools
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.models import Model, QuerySet, signals
from django.db.models.query import get_related_populators
from django.db.transaction import TransactionManagementError

M = TypeVar("M", bound=Model)

# Two sets of stand-ins: the queryset is compiled with each, and the parameters that differ
# are the call's values (a constant of the query is the same in both). Small positive integers,
# so that no field's range check (Django drops a lookup out of an integer field's range) sees
# them as impossible.
_STAND_INS: dict[type, Callable[[int, int], Any]] = {
    int: lambda run, i: 30001 + 100 * run + i,
    str: lambda run, i: f"prepared-stand-in-{run}-{i}",
    datetime.date: lambda run, i: datetime.date(1001 + run, 1, 1 + i),
}


_numbers = itertools.count()


class _Compiled:
    __slots__ = (
        "sql",
        "slots",
        "constants",
        "adapters",
        "compiler",
        "converters",
        "model",
        "init_list",
        "start",
        "end",
        "populators",
        "annotations",
        "for_update",
    )


class Prepared(Generic[M]):
    """`Prepared(build, int, ...)`: `build(*values)` returns the queryset for the values, whose
    types are given after it (int, str, datetime.date). Calling the object with the values
    returns the list of model instances the queryset would give."""

    def __init__(self, build: Callable[..., QuerySet[M]], *types: type) -> None:
        unknown = [t for t in types if t not in _STAND_INS]
        if unknown:
            raise TypeError(f"Prepared takes int, str and date values, not {unknown}")
        self.build, self.types = build, types
        # A number never reused, not id(self): a freed object's id comes back for a new one,
        # which would find the old statement still kept on the connection.
        self._key = f"_oneseal_prepared_{next(_numbers)}"
        self._lock = threading.Lock()

    def __call__(self, *values: Any, using: str = DEFAULT_DB_ALIAS) -> list[M]:
        connection = connections[using]
        compiled = connection.__dict__.get(self._key)
        if compiled is None:
            with self._lock:
                compiled = self._compile(connection, using)
                connection.__dict__[self._key] = compiled
        if compiled.for_update and connection.get_autocommit():
            # As Django's own compiler refuses it: the lock would end with the statement.
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        params = list(compiled.constants)
        for position, index in compiled.slots:
            params[position] = compiled.adapters[index](values[index])
        with _cursor(connection) as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if not rows:
            return []
        if compiled.converters:
            rows = list(compiled.compiler.apply_converters(rows, compiled.converters))
        objects = []
        for row in rows:
            obj = compiled.model.from_db(
                using, compiled.init_list, row[compiled.start : compiled.end]
            )
            for populator in compiled.populators:
                populator.populate(row, obj)
            for name, position in compiled.annotations:
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects

    def first(self, *values: Any, using: str = DEFAULT_DB_ALIAS) -> M | None:
        found = self(*values, using=using)
        return found[0] if found else None

    def _compile(self, connection, using: str) -> _Compiled:
        adapters = [_adapter(connection, t) for t in self.types]
        runs = []
        for run in (0, 1):
            values = [_STAND_INS[t](run, i) for i, t in enumerate(self.types)]
            queryset = self.build(*values)
            compiler = queryset.query.get_compiler(using=using)
            sql, params = compiler.as_sql()
            adapted = {
                adapter(v): i for i, (adapter, v) in enumerate(zip(adapters, values, strict=True))
            }
            runs.append((queryset, compiler, sql, list(params), adapted))
        (queryset, compiler, sql, params, first), (_, _, other_sql, other, second) = runs
        if sql != other_sql or len(params) != len(other):
            raise ValueError(f"{self.build!r}: the SQL's shape depends on the values")
        slots = []
        for position, (p, q) in enumerate(zip(params, other, strict=True)):
            if p == q:
                continue  # a constant of the query
            index = first.get(p) if _hashable(p) else None
            if index is None or second.get(q) != index:
                raise ValueError(f"{self.build!r}: parameter {position} is no value of the call")
            slots.append((position, index))
        if {index for _, index in slots} != set(range(len(self.types))):
            raise ValueError(f"{self.build!r}: each value must reach the SQL as a parameter")
        if compiler.has_extra_select or compiler.query.combinator:
            raise ValueError(f"{self.build!r}: extra selects and combined queries are not prepared")
        out = _Compiled()
        out.sql, out.slots, out.constants = sql, slots, params
        out.adapters, out.compiler = adapters, compiler
        select, klass_info = compiler.select, compiler.klass_info
        out.converters = compiler.get_converters([s[0] for s in select[: compiler.col_count]])
        out.model = klass_info["model"]
        fields = klass_info["select_fields"]
        out.start, out.end = fields[0], fields[-1] + 1
        out.init_list = [f[0].target.attname for f in select[out.start : out.end]]
        out.populators = get_related_populators(klass_info, select, using)
        out.annotations = list(compiler.annotation_col_map.items())
        out.for_update = bool(
            queryset.query.select_for_update and connection.features.has_select_for_update
        )
        return out


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:  # an unhashable constant (a list of a JSON lookup): never a value
        return False
    return True


def _adapter(connection, kind: type) -> Callable[[Any], Any]:
    if kind is datetime.date:
        return connection.ops.adapt_datefield_value
    return lambda value: value


class _Insert:
    __slots__ = ("sql", "fields", "returning")


def insert(obj: M, *, using: str = DEFAULT_DB_ALIAS, moving: tuple[str, list] | None = None) -> M:
    """`obj.save(force_insert=True)` for a new row of a model without parents, by an INSERT whose
    SQL is built once per connection: the same values (each field's `pre_save` and
    `get_db_prep_save`), the same signals (`pre_save`, `post_save` with created=True, only when
    someone listens), the primary key read back. A model with a database default, or a row that
    already has its primary key or a model with a save() of its own, is saved by save().

    `moving` (PostgreSQL only): an UPDATE (its SQL and parameters) run by the same statement as a
    data-modifying WITH clause, so that a row and the row that points at it move in one round
    trip; where the database cannot, the caller runs it itself."""
    model = type(obj)
    connection = connections[using]
    meta = model._meta
    if (
        meta.parents
        or obj.pk is not None
        or model.save is not Model.save  # a save() of its own: it runs
        or any(f.has_db_default() for f in meta.concrete_fields)
    ):
        obj.save(force_insert=True, using=using)
        if moving is not None:
            with connection.cursor() as cursor:
                cursor.execute(*moving)
        return obj
    key = f"_oneseal_insert_{meta.label_lower}"
    compiled = connection.__dict__.get(key)
    if compiled is None:
        compiled = connection.__dict__[key] = _compile_insert(model, connection)
    params = _values_to_save(obj, compiled.fields, connection, using=using, update_fields=None)
    sql = compiled.sql
    if moving is not None and connection.vendor == "postgresql":
        sql, params = f"WITH moved AS ({moving[0]}) {sql}", [*moving[1], *params]
        moving = None
    with _cursor(connection) as cursor:
        cursor.execute(sql, params)
        if compiled.returning:
            pk = cursor.fetchone()[0]
        else:
            pk = connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)
        if moving is not None:
            cursor.execute(*moving)
    # As Django's own insert: the backend's converters (none for an integer key on ours).
    obj.pk = pk
    _saved(obj, using=using, update_fields=None)
    return obj


def _values_to_save(
    obj: Model, fields: list, connection, *, using: str, update_fields: frozenset[str] | None
) -> list:
    """What save() does before it writes, for an insert (`update_fields` None) or an update of
    those fields: a related object saved after it was assigned gives its key now and an
    unsaved one is refused, `pre_save` is sent (only when someone listens), and each field's
    value is its `pre_save` (auto_now, auto_now_add) made ready by `get_db_prep_save`."""
    model = type(obj)
    obj._prepare_related_fields_for_save(operation_name="save")
    if signals.pre_save.has_listeners(model):
        signals.pre_save.send(
            sender=model, instance=obj, raw=False, using=using, update_fields=update_fields
        )
    add = update_fields is None
    return [f.get_db_prep_save(f.pre_save(obj, add), connection=connection) for f in fields]


def _saved(obj: Model, *, using: str, update_fields: frozenset[str] | None) -> None:
    """What save() does after it wrote: the row is stored, `post_save` is sent (only when
    someone listens), `created` for an insert."""
    obj._state.adding, obj._state.db = False, using
    model = type(obj)
    if signals.post_save.has_listeners(model):
        signals.post_save.send(
            sender=model,
            instance=obj,
            created=update_fields is None,
            update_fields=update_fields,
            raw=False,
            using=using,
        )


def _compile_insert(model: type[Model], connection) -> _Insert:
    meta = model._meta
    quote = connection.ops.quote_name
    fields = [f for f in meta.concrete_fields if not f.primary_key or not f.db_returning]
    out = _Insert()
    out.fields = fields
    out.returning = connection.features.can_return_columns_from_insert
    # The model's own table and column names, quoted: no value of anyone's goes in.
    table, columns = quote(meta.db_table), ", ".join(quote(f.column) for f in fields)
    values = ", ".join(["%s"] * len(fields))
    returning = f" RETURNING {table}.{quote(meta.pk.column)}" if out.returning else ""
    out.sql = f"INSERT INTO {table} ({columns}) VALUES ({values}){returning}"  # noqa: S608
    return out


class _Update:
    __slots__ = ("sql", "fields")


def update(obj: M, fields: list[str], *, using: str = DEFAULT_DB_ALIAS) -> M:
    """`obj.save(update_fields=fields)` by an UPDATE whose SQL is built once per connection and
    set of fields: the same values (each field's `pre_save` and `get_db_prep_save`), the same
    signals (`pre_save`, `post_save` with created=False and the fields, only when someone
    listens), and Django's error when no row was updated. A model with a parent or a save() of
    its own, or a value that is an expression (F(), a subquery), is saved by save()."""
    model = type(obj)
    connection = connections[using]
    meta = model._meta
    names = frozenset(fields)
    if not names:  # as save() does with no fields to update
        return obj
    concrete = [
        f
        for f in meta.local_concrete_fields
        if not f.primary_key and (f.name in names or f.attname in names)
    ]
    if (
        meta.parents
        or obj.pk is None
        or model.save is not Model.save
        or len(concrete) != len(names)  # a name that is no concrete field: save() says so
        or any(hasattr(getattr(obj, f.attname), "resolve_expression") for f in concrete)
    ):
        obj.save(update_fields=fields, using=using)
        return obj
    key = (meta.label_lower, names)
    kept = connection.__dict__.setdefault("_oneseal_updates", {})
    compiled = kept.get(key)
    if compiled is None:
        compiled = kept[key] = _compile_update(model, concrete, connection)
    params = _values_to_save(obj, compiled.fields, connection, using=using, update_fields=names)
    params.append(meta.pk.get_db_prep_value(obj.pk, connection))
    with _cursor(connection) as cursor:
        cursor.execute(compiled.sql, params)
        updated = cursor.rowcount
    if not updated:
        raise DatabaseError("Save with update_fields did not affect any rows.")
    _saved(obj, using=using, update_fields=names)
    return obj


def _compile_update(model: type[Model], fields: list, connection) -> _Update:
    meta = model._meta
    quote = connection.ops.quote_name
    out = _Update()
    out.fields = fields
    # The model's own table and column names, quoted: no value of anyone's goes in.
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    out.sql = (
        f"UPDATE {quote(meta.db_table)} SET {assignments} "  # noqa: S608
        f"WHERE {quote(meta.db_table)}.{quote(meta.pk.column)} = %s"
    )
    return out


# Never reached by a count: psycopg prepares a statement only when told to (prepare=True).
_ONLY_WHEN_TOLD = 1 << 62

try:
    import psycopg
except ImportError:  # psycopg2: Django's own cursors
    psycopg = None

if psycopg is not None:
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
    from psycopg.pq import Format

    TIMESTAMPTZ_OID = psycopg.adapters.types["timestamptz"].oid

    class _LoggedCursor(CursorDebugWrapper):
        """Django's query log (DEBUG, CaptureQueriesContext) for a statement bound on the
        server: Django reads a logged statement back from a client-binding cursor's text, which
        a server-binding cursor does not keep, so the values are merged into it here, as
        Django does for its own server-side binding."""

        def execute(self, sql, params=None):
            logged = sql if params is None else self.db.ops.compose_sql(sql, params)
            with self.debug_sql(logged, params):
                return CursorWrapper.execute(self, sql, params)

    class _PreparingCursor(psycopg.Cursor):
        """psycopg's server-binding cursor, every statement prepared (once per connection:
        psycopg keeps the names of the statements it prepared, at most `prepared_max`)."""

        def execute(self, query, params=None, *, prepare=None, binary=None):  # type: ignore[override]
            return super().execute(query, params, prepare=True, binary=binary)


def _cursor(connection):
    """The cursor a kept statement runs on: on PostgreSQL with psycopg 3 one that prepares it
    (see the module's text), wrapped as Django wraps its own (the execute wrappers and the
    query log see it); elsewhere Django's own."""
    if (
        connection.vendor != "postgresql"
        or psycopg is None
        or not getattr(settings, "ONESEAL_PREPARED_STATEMENTS", True)
    ):
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    if not isinstance(raw, psycopg.Connection):  # psycopg2's connection
        return connection.cursor()
    if raw.prepare_threshold is None:
        raw.prepare_threshold = _ONLY_WHEN_TOLD
    cursor = _PreparingCursor(raw)
    # As Django's create_cursor: the cursor's time zone when the connection's differs.
    tzloader = raw.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
    if connection.timezone != getattr(tzloader, "timezone", connection.timezone):
        register_tzloader(connection.timezone, cursor)
    with connection.wrap_database_errors:
        if connection.queries_logged:
            connection.validate_thread_sharing()
            return _LoggedCursor(cursor, connection)
        return connection._prepare_cursor(cursor)


class KeptCount:
    """A count whose statement is built once per key and kept: for the counts a page shows on
    every page (the navigation's assigned to me and unread messages, the workbench's tabs),
    building and compiling the queryset cost more CPU than the database spent answering it
    (about 3–4 ms each of a workbench page's 40). The key must hold everything the queryset is
    built from (the user's id, roles, scope, the day), or one user would be counted with
    another's statement; `build` returns None for a count that is 0 without asking."""

    def __init__(self, kept: int = 1024) -> None:
        self.kept = kept
        self._sql: dict[tuple, tuple[str, tuple] | None] = {}

    def __call__(self, key: tuple, build: Callable[[], QuerySet | None]) -> int:
        found = self.statement(key, build)
        if found is None:
            return 0
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(*found)
            return cursor.fetchone()[0]

    def statement(
        self,
        key: tuple | None,
        build: Callable[[], QuerySet | None],
        *,
        using: str = DEFAULT_DB_ALIAS,
    ) -> tuple[str, tuple] | None:
        """The count's statement, `SELECT COUNT(*) FROM (…)` and its parameters, without running
        it (for a caller that asks several counts in one statement); None for a count that is 0.
        A key of None: a statement that cannot be kept (its own key unhashable), built anew."""
        if key is None:
            return self._compile(build(), using)
        key = (using, *key)
        if key in self._sql:
            return self._sql[key]
        found = self._compile(build(), using)
        if len(self._sql) >= self.kept:
            self._sql.clear()
        self._sql[key] = found
        return found

    def clear(self) -> None:
        self._sql.clear()

    @staticmethod
    def _compile(queryset: QuerySet | None, using: str) -> tuple[str, tuple] | None:
        if queryset is None:
            return None
        try:
            sql, params = queryset.query.get_compiler(using=using).as_sql()
        except EmptyResultSet:  # a filter that can match nothing
            return None
        return f"SELECT COUNT(*) FROM ({sql}) kept", tuple(params)  # noqa: S608
