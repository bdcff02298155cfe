"""oneseal.prepared: a statement built once per connection gives what its queryset gives, with
each call's values; an insert is save(force_insert=True), signals included."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, connections, transaction
from django.db.models import F, signals
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from oneseal.audit import chain
from oneseal.audit.actions import record
from oneseal.audit.models import AuditEvent, AuditHead
from oneseal.catalogue.models import ItemVersion
from oneseal.organisation.models import Staff
from oneseal.prepared import KeptCount, Prepared, insert, update
from oneseal.regions.models import Region
from oneseal.testing import at, audit_verify, day, travel

pytestmark = pytest.mark.django_db


def test_a_prepared_read_gives_what_its_queryset_gives_for_each_call(make_staff, county):
    users = [make_staff("c1", county, "clerk"), make_staff("r1", county, "reviewer", "signatory")]
    staff = [u.staff for u in users]

    def build(user_id):
        return (
            Staff.objects.select_related("region", "bureau")
            .filter(user_id=user_id)
            .annotate(role_name=F("roles__role"))
            .order_by("roles__role")
        )

    prepared = Prepared(build, int)
    for s in staff:
        expected = list(build(s.user_id))
        got = prepared(s.user_id)
        assert [(o.pk, o.role_name) for o in got] == [(o.pk, o.role_name) for o in expected]
        # The joined rows come with it, as select_related gives them: no query to read them.
        with CaptureQueriesContext(connection) as queries:
            assert got[0].region.code == county.code
        assert len(queries) == 0
    assert prepared(10**6) == []


def test_dates_and_constants_reach_the_statement_as_the_queryset_puts_them(item):
    version = item.item_version

    def build(on, pk):
        return ItemVersion.objects.in_force(on).filter(pk=pk)

    prepared = Prepared(build, datetime.date, int)
    for on in (datetime.date(2020, 1, 1), datetime.date(2030, 1, 1)):
        assert [v.pk for v in prepared(on, version.pk)] == [v.pk for v in build(on, version.pk)]


def test_a_new_statement_never_finds_a_freed_ones_compiled_sql(item, county):
    """CPython gives a freed object's id to the next one made: a statement kept by id found the
    freed statement's SQL (two values) and failed on one value (CI, stop 28)."""
    version = item.item_version
    for _ in range(20):
        two = Prepared(
            lambda on, pk: ItemVersion.objects.in_force(on).filter(pk=pk), datetime.date, int
        )
        assert [v.pk for v in two(datetime.date(2030, 1, 1), version.pk)] == [version.pk]
        del two
        one = Prepared(lambda code: Region.objects.filter(code=code), str)
        assert [r.pk for r in one(county.code)] == [county.pk]
        del one


def test_a_statement_whose_shape_depends_on_the_values_is_refused():
    def build(code):
        return Region.objects.filter(code__startswith=code)  # a LIKE pattern Django rewrites

    with pytest.raises(ValueError):
        Prepared(build, str)("64")


@pytest.mark.django_db(transaction=True)
def test_a_prepared_lock_needs_a_transaction():
    AuditHead.objects.get_or_create(pk=1)
    prepared = Prepared(lambda pk: AuditHead.objects.select_for_update().filter(pk=pk), int)
    if connection.features.has_select_for_update:
        with pytest.raises(TransactionManagementError):
            prepared(1)
    with transaction.atomic():
        assert prepared(1)[0].pk == 1


def test_insert_is_save_with_its_signals(county):
    seen = []

    def saved(sender, instance, created, **kwargs):
        seen.append((instance.pk, created))

    signals.post_save.connect(saved, sender=AuditEvent, dispatch_uid="test_prepared")
    try:
        with transaction.atomic():
            head = chain.lock_head()
            row = AuditEvent(action="test.insert", subject_type="x", subject_id="1")
            row.seq, row.prev_hash = head.seq + 1, head.hash
            row.hash = chain.row_hash(row)
            chain.insert_moving_head(row, seq=row.seq, hash=row.hash)
    finally:
        signals.post_save.disconnect(saved, sender=AuditEvent, dispatch_uid="test_prepared")
    assert seen == [(row.pk, True)] and not row._state.adding
    stored = AuditEvent.objects.get(pk=row.pk)
    assert (stored.seq, stored.hash, stored.data) == (row.seq, row.hash, {})
    head = AuditHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (row.seq, row.hash)


def test_one_audit_row_is_appended_in_three_statements_on_postgresql_and_the_log_verifies(
    county,
):
    record("test.first", actor=None, subject=county)  # the head row exists from here on
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        row = record("test.second", actor=None, subject=county, data={"n": 1})
    sql = [q["sql"] for q in queries.captured_queries]
    statements = [s for s in sql if not s.startswith(("SAVEPOINT", "RELEASE", "BEGIN"))]
    # The head locked and read; the row inserted and the head moved: one statement on
    # PostgreSQL (a data-modifying WITH), two elsewhere.
    assert len(statements) == (2 if connection.vendor == "postgresql" else 3), statements
    head = AuditHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (row.seq, row.hash)
    audit_verify()


def test_a_model_with_a_save_of_its_own_is_saved_by_it(bureau, county):
    from oneseal.appointments.models import Hall

    # Hall.save copies its region's code.
    hall = insert(Hall(bureau=bureau, region=county, name="政务服务大厅"))
    assert Hall.objects.get(pk=hall.pk).region_code == county.code


def _region_by_code(code):
    # A statement no other test prepares: its text is looked for among the server's.
    return Region.objects.filter(code=code).order_by("-level", "pk")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_on_postgresql_a_kept_statement_is_prepared_on_the_server_once_per_connection(county):
    prepared = Prepared(_region_by_code, str)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(7):  # past PostgreSQL's five custom plans: the generic plan answers too
            assert [r.pk for r in prepared(county.code)] == [county.pk]
        assert prepared("999999") == []
    # Django's query log and execute wrappers still see every run (the budget tests count them).
    assert len(queries) == 8
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['SELECT "regions_region"."id"%ORDER BY "regions_region"."level" DESC%'],
        )
        assert cursor.fetchone()[0] == 1
    # An insert's statement too (here the audit row, with its head moved by the same statement).
    record("test.first", actor=None, subject=county)
    row = record("test.second", actor=None, subject=county)
    assert AuditEvent.objects.get(pk=row.pk).hash == row.hash
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['WITH moved AS (UPDATE "audit_audithead"%INSERT INTO "audit_auditevent"%'],
        )
        # At least once: psycopg prepares a text once per set of parameter types (an actor or
        # none), and other tests on this connection may have recorded with an actor.
        assert cursor.fetchone()[0] >= 1
    audit_verify()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_with_prepared_statements_off_nothing_is_prepared_on_the_server(county, settings):
    settings.ONESEAL_PREPARED_STATEMENTS = False
    prepared = Prepared(lambda code: Region.objects.filter(code=code).order_by("-name", "pk"), str)
    for _ in range(7):
        assert [r.pk for r in prepared(county.code)] == [county.pk]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['SELECT "regions_region"."id"%ORDER BY "regions_region"."name" DESC%'],
        )
        assert cursor.fetchone()[0] == 0


def test_update_is_save_with_update_fields_its_signals_and_its_error(county):
    seen = []

    def saving(sender, instance, update_fields, **kwargs):
        seen.append(("pre", instance.pk, update_fields))

    def saved(sender, instance, created, update_fields, **kwargs):
        seen.append(("post", instance.pk, created, update_fields))

    signals.pre_save.connect(saving, sender=Region, dispatch_uid="test_prepared_update")
    signals.post_save.connect(saved, sender=Region, dispatch_uid="test_prepared_update")
    try:
        county.name = "改过的名字"
        update(county, ["name"])
    finally:
        signals.pre_save.disconnect(sender=Region, dispatch_uid="test_prepared_update")
        signals.post_save.disconnect(sender=Region, dispatch_uid="test_prepared_update")
    names = frozenset({"name"})
    assert seen == [("pre", county.pk, names), ("post", county.pk, False, names)]
    assert Region.objects.get(pk=county.pk).name == "改过的名字"
    # Only the fields named are written, as save(update_fields=…) writes them.
    county.name, county.prefix = "又改了", "zz"
    update(county, ["name"])
    stored = Region.objects.get(pk=county.pk)
    assert stored.name == "又改了" and stored.prefix != "zz"
    # The kept statement is on the connection, per model and set of fields.
    assert ("regions.region", names) in connections["default"].__dict__["_oneseal_updates"]
    # A row that is gone: save()'s own error, not a silent success.
    gone = Region.objects.get(pk=county.pk)
    gone.pk = 10**9
    with pytest.raises(DatabaseError, match="did not affect any rows"):
        update(gone, ["name"])
    # No fields: nothing written, as save(update_fields=[]).
    with CaptureQueriesContext(connection) as queries:
        update(county, [])
    assert len(queries) == 0


def test_update_leaves_expressions_and_unknown_names_to_save(county):
    county.level = F("level")
    update(county, ["level"])  # save() resolves the expression
    assert Region.objects.get(pk=county.pk).level is not None
    with pytest.raises(ValueError, match="do not exist"):
        update(county, ["no_such_field"])


def test_update_gives_an_auto_now_field_its_time_and_a_related_object_its_key():
    """The steps save() takes before it writes, on update's own path too: each field's
    pre_save (auto_now stamps the time), a related object saved after it was assigned gives
    its key, an unsaved one is refused."""
    from oneseal.calendars.models import CalendarDay

    with travel("2025-03-03 09:00"):
        entered = CalendarDay.objects.create(date=day("2025-10-08"), is_workday=False)
    assert entered.entered_at == at("2025-03-03 09:00")
    user = get_user_model()
    entered.entered_by = user(username="unsaved")
    with pytest.raises(ValueError, match="unsaved related object"):
        update(entered, ["entered_by"])
    later = user(username="later")
    entered.entered_by = later
    later.save()  # after it was assigned: the row is written with its key
    entered.name = "国庆节"
    with travel("2025-03-04 10:30"), CaptureQueriesContext(connection) as writes:
        update(entered, ["name", "entered_at", "entered_by"])
    assert len(writes) == 1 and writes[0]["sql"].startswith("UPDATE")
    assert entered.entered_at == at("2025-03-04 10:30")
    stored = CalendarDay.objects.get(pk=entered.pk)
    assert (stored.name, stored.entered_at, stored.entered_by_id) == (
        "国庆节",
        at("2025-03-04 10:30"),
        later.pk,
    )
    # A field not named keeps its stored value, as save(update_fields=…) leaves it.
    with travel("2025-03-05 10:30"):
        update(entered, ["name"])
    assert CalendarDay.objects.get(pk=entered.pk).entered_at == at("2025-03-04 10:30")


def test_a_case_moves_by_a_kept_update_and_is_stored_as_save_stored_it(
    handling_item, applicant, clerk
):
    from oneseal.cases.models import Case
    from oneseal.testing import accepted_case

    case = accepted_case(handling_item, applicant, clerk, "2025-03-03")
    stored = Case.objects.get(pk=case.pk)
    assert (stored.state, stored.lock_version, stored.accepted_on, stored.promised_due) == (
        case.state,
        case.lock_version,
        case.accepted_on,
        case.promised_due,
    )
    kept = connections["default"].__dict__["_oneseal_updates"]
    assert any(model == "cases.case" and "state" in fields for model, fields in kept)


def test_a_message_to_an_applicant_is_inserted_by_a_kept_statement(handling_item, applicant, clerk):
    from oneseal.notifications.models import Notification
    from oneseal.testing import accepted_case

    case = accepted_case(handling_item, applicant, clerk, "2025-03-03")
    told = Notification.objects.get(case=case, kind="acceptance")
    assert told.created_at is not None and told.title
    assert "_oneseal_insert_notifications.notification" in connections["default"].__dict__


def test_a_kept_counts_statement_is_built_once_per_key_and_at_most_kept_are_held(county):
    built = []

    def build(code):
        def made():
            built.append(code)
            return Region.objects.filter(code=code)

        return made

    kept = KeptCount(kept=2)
    sql, params = kept.statement(("a",), build(county.code))
    assert sql.startswith("SELECT COUNT(*) FROM (") and county.code in params
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        assert cursor.fetchone()[0] == 1
    assert kept.statement(("a",), build("other")) == (sql, params)  # kept: not built again
    assert kept(("b",), build("000000")) == 0
    assert built == [county.code, "000000"]
    kept.statement(("c",), build("c"))  # a third key: the kept ones are dropped first
    kept.statement(("a",), build(county.code))
    assert built == [county.code, "000000", "c", county.code]
    # No key: built each time, never kept.
    kept.statement(None, build("n"))
    kept.statement(None, build("n"))
    assert built[-2:] == ["n", "n"] and len(kept._sql) == 2
    # None from build, or a filter that matches nothing: 0 without a statement.
    assert kept.statement(("d",), lambda: None) is None
    assert kept.statement(("e",), lambda: Region.objects.filter(pk__in=[])) is None
