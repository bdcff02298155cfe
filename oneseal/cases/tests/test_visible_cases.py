"""The staff scope: their region by a range on the region code (cases.models.region_scope),
plus the cases of the applicants they act for, read first so that the scope stays a range."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from oneseal.applicants.models import Applicant
from oneseal.applicants.rules import id_check_char
from oneseal.cases import actions
from oneseal.cases.models import Case, region_scope
from oneseal.cases.queries import case_is_visible, visible_cases
from oneseal.organisation.rules import staff_of
from oneseal.testing import models_built, needs_postgres

pytestmark = pytest.mark.django_db


def own_person(user, seq: str) -> Applicant:
    first17 = "11010519800101" + seq
    return Applicant.objects.create(
        kind=Applicant.Kind.PERSON,
        name="刘自办",
        id_number=first17 + id_check_char(first17),
        phone="13900000000",
        user=user,
    )


def test_staff_see_their_region_and_their_own_applications_elsewhere(
    handling_item, clerk, applicant, far_staff
):
    theirs = actions.receive(handling_item, actor=clerk, applicant=applicant)
    own = actions.receive(handling_item, actor=clerk, applicant=own_person(far_staff, "007"))
    # 640221's cases to a staff member of 640202: only the one they applied for themselves.
    assert list(visible_cases(far_staff)) == [own]
    assert set(visible_cases(clerk)) == {theirs, own}


def test_a_superuser_who_also_applies_sees_every_case(handling_item, clerk, applicant):
    root = get_user_model().objects.create_superuser("root2", password="root-pw-2")
    others = actions.receive(handling_item, actor=clerk, applicant=applicant)
    own = actions.receive(handling_item, actor=clerk, applicant=own_person(root, "008"))
    assert set(visible_cases(root)) == {others, own}


def test_a_superusers_scope_reads_nothing_before_the_cases(
    handling_item, clerk, applicant, django_assert_num_queries
):
    root = get_user_model().objects.create_superuser("root3", password="root-pw-3")
    own_person(root, "009")
    with django_assert_num_queries(0):
        cases = visible_cases(root)
    with django_assert_num_queries(1):
        assert not cases.exists()


def test_staffs_own_applicants_are_read_once_per_request(
    handling_item, clerk, applicant, far_staff, django_assert_num_queries
):
    user = get_user_model().objects.get(pk=far_staff.pk)  # as a request loads it
    with django_assert_num_queries(2):  # the staff record with its roles, their own applicants
        visible_cases(user)
    with django_assert_num_queries(0):
        visible_cases(user)
    # The next request reads them again: an application they file now is theirs at once.
    own = actions.receive(handling_item, actor=clerk, applicant=own_person(far_staff, "010"))
    assert list(visible_cases(get_user_model().objects.get(pk=far_staff.pk))) == [own]


def test_the_region_range_is_the_prefix_and_nothing_beside_it(handling_item, clerk, applicant):
    case = actions.receive(handling_item, actor=clerk, applicant=applicant)
    assert case.region_code == "640221"
    for prefix, seen in [("6402", True), ("640221", True), ("64022", True), ("640222", False)]:
        assert Case.objects.filter(region_scope(prefix)).exists() is seen, prefix
    Case.objects.filter(pk=case.pk).update(region_code="6402219")
    assert not Case.objects.filter(region_scope("640222")).exists()
    assert Case.objects.filter(region_scope("640221")).exists()


def test_one_case_is_visible_as_the_list_has_it(
    handling_item, clerk, applicant, far_staff, django_assert_num_queries
):
    theirs = actions.receive(handling_item, actor=clerk, applicant=applicant)
    own = actions.receive(handling_item, actor=clerk, applicant=own_person(far_staff, "011"))
    far = get_user_model().objects.get(pk=far_staff.pk)
    near = get_user_model().objects.get(pk=clerk.pk)
    staff_of(far), staff_of(near)
    # A case of the clerk's region: one statement, by primary key and region range.
    with django_assert_num_queries(1):
        assert case_is_visible(near, theirs.pk)
    # Their own application in another region: found by their applicants, a second statement.
    with django_assert_num_queries(2):
        assert case_is_visible(far, own.pk)
    assert not case_is_visible(far, theirs.pk)
    assert not case_is_visible(far, own.pk + theirs.pk + 100)
    assert case_is_visible(near, own.pk)
    # The applicant's account sees its own case and no other.
    person = get_user_model().objects.create_user("self-applicant", password="pw-self-1")
    mine = actions.receive(handling_item, actor=clerk, applicant=own_person(person, "012"))
    assert case_is_visible(person, mine.pk) and not case_is_visible(person, theirs.pk)
    for pk in (theirs.pk, own.pk, mine.pk):
        for user in (far, near, person):
            assert case_is_visible(user, pk) == visible_cases(user).filter(pk=pk).exists()


def test_a_clerk_finds_a_case_of_the_region_without_building_the_statement(
    handling_item, clerk, applicant, monkeypatch
):
    case = actions.receive(handling_item, actor=clerk, applicant=applicant)
    near = get_user_model().objects.get(pk=clerk.pk)
    assert case_is_visible(near, case.pk)
    staff_of(near)
    built = models_built(monkeypatch)
    assert case_is_visible(near, case.pk)
    assert built == []


@pytest.fixture
def non_c_collation(db):
    """On PostgreSQL, cases' region_code under an ICU collation, as a database made with a
    locale other than C has it (the test database here is C.UTF-8, where LIKE and any range
    read a b-tree alike and ":" sorts after "9"). Before any case row: the column is altered
    in the test's transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            table = Case._meta.db_table
            cursor.execute(
                f'ALTER TABLE {table} ALTER COLUMN region_code TYPE varchar(12) COLLATE "und-x-icu"'
            )


# A county, a township of it, counties whose codes end in 9, and cities ending in 9 and 0.
CODES = ["640221", "640221100", "640229", "640290", "640901", "641001", "650102"]
# Province, city, county, township, a city and a county ending in 9, and a bare digit pair.
PREFIXES = ["", "64", "6402", "640221", "640221100", "6409", "640229", "64022", "6499", "99"]


def test_a_prefix_scopes_the_cases_whose_region_code_starts_with_it(
    non_c_collation, handling_item, clerk, applicant
):
    cases = {}
    for code in CODES:
        case = actions.receive(handling_item, actor=clerk, applicant=applicant)
        Case.objects.filter(pk=case.pk).update(region_code=code)
        cases[code] = case
    for prefix in PREFIXES:
        expected = {case for code, case in cases.items() if code.startswith(prefix)}
        assert set(Case.objects.visible_to_prefix(prefix)) == expected, prefix
        assert set(Case.objects.filter(region_scope(prefix))) == expected, prefix
        assert set(Case.objects.filter(state="received").visible_to_prefix(prefix)) == expected


def test_a_digit_prefix_is_a_range_alone_and_any_other_keeps_the_like():
    for prefix in ("64", "640221", "6409", "99"):
        sql = str(Case.objects.filter(region_scope(prefix)).query)
        assert "LIKE" not in sql.upper(), sql
        assert ">=" in sql, sql
    assert "LIKE" in str(Case.objects.filter(region_scope("64-")).query).upper()


def test_a_scope_on_another_field_is_the_same_range(handling_item, clerk, applicant):
    case = actions.receive(handling_item, actor=clerk, applicant=applicant)
    for prefix, seen in [("", True), ("64", True), ("640221", True), ("640222", False)]:
        found = Case.objects.filter(region_scope(prefix, "region__code"))
        assert found.filter(pk=case.pk).exists() is seen, prefix
    assert "LIKE" not in str(Case.objects.filter(region_scope("6402", "region__code")).query)


def test_a_clerk_of_one_county_never_sees_anothers_cases(
    handling_item, clerk, applicant, far_staff
):
    theirs = actions.receive(handling_item, actor=clerk, applicant=applicant)
    for code in ("640202", "640229", "6402029", "640222", "640220"):
        Case.objects.filter(pk=theirs.pk).update(region_code=code)
        assert not visible_cases(clerk).filter(pk=theirs.pk).exists(), code
        assert not case_is_visible(get_user_model().objects.get(pk=clerk.pk), theirs.pk), code
    Case.objects.filter(pk=theirs.pk).update(region_code="640221100")
    assert visible_cases(clerk).filter(pk=theirs.pk).exists()


@pytest.mark.postgres
@needs_postgres
def test_the_planner_counts_a_countys_cases_as_they_are(handling_item, clerk, applicant):
    """With a LIKE beside the range PostgreSQL multiplied the two selectivities and expected a
    tenth of a county's cases (then chose plans for a few rows)."""
    case = actions.receive(handling_item, actor=clerk, applicant=applicant)
    row = Case.objects.filter(pk=case.pk).values()[0]
    for field in ("id", "number", "region_code"):
        del row[field]
    counties = [f"6402{i:02d}" for i in range(21, 31)]
    Case.objects.bulk_create(
        Case(**row, number=f"P{i:07d}", region_code=counties[i % 10]) for i in range(5000)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Case._meta.db_table}")
    for prefix, real in (("640221", 501), ("6402", 5001)):
        plan = Case.objects.filter(region_scope(prefix)).explain(format="json")
        expected = json.loads(plan)[0]["Plan"]["Plan Rows"]
        assert real / 2 < expected < real * 2, (prefix, expected)


@pytest.mark.postgres
@needs_postgres
def test_a_countys_case_list_reads_the_region_code_by_an_index(
    non_c_collation, handling_item, clerk, applicant
):
    case = actions.receive(handling_item, actor=clerk, applicant=applicant)
    # Other counties' cases around it, counted by ANALYZE, so that the planner's choice is the
    # one a real table gets and not a toss-up between indexes over a handful of rows.
    row = Case.objects.filter(pk=case.pk).values()[0]
    for field in ("id", "number", "region_code", "state"):
        del row[field]
    # Received cases of other counties, and the county's own cases further on (accepted).
    others = ["640202", "640205", "640302", "511602"]
    Case.objects.bulk_create(
        Case(
            **row,
            number=f"T{i:07d}",
            region_code="640221" if i % 20 == 0 else others[i % 4],
            state="accepted" if i % 20 == 0 else "received",
        )
        for i in range(4000)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Case._meta.db_table}")
        cursor.execute("SET LOCAL enable_seqscan = off")
    # Alone, region_code also has Django's pattern-ops index (`..._like`), which the LIKE can
    # use (`~>=~`); the range is answered by the plain b-trees, region_code's own and those
    # that lead with the state (`>=`). Unordered: in the list's order, now that the range is
    # estimated as it is (a twentieth here), the order's index read with the range as a
    # filter is the cheaper first page, as it is for a county at 1,000,000 cases.
    scope = Case.objects.visible_to_prefix("640221").order_by().values("pk").explain()
    assert re.search(r"Index Cond: .*region_code", scope), scope
    queue = Case.objects.filter(state="received").visible_to_prefix("640221").explain()
    assert re.search(r"Index Cond: .*\(region_code\)::text >= '640221'", queue), queue


@pytest.mark.postgres
@needs_postgres
def test_an_items_cases_in_a_state_are_read_by_an_index_on_both(handling_item, clerk, applicant):
    """The workbench's tabs with the item filter: one item's cases in one state, within a
    region or not (cases 0019). With (item, region) alone a province's tab read every case of
    the item from the table to test its state."""
    case = actions.receive(handling_item, actor=clerk, applicant=applicant)
    row = Case.objects.filter(pk=case.pk).values()[0]
    for field in ("id", "number", "state", "region_code", "handling_item_id"):
        del row[field]
    states = ["received", "accepted", "granted", "delivered", "denied"]
    # Ten items' cases: the other nine ids name no row, which the foreign key (deferred to the
    # test's end) lets by until they are deleted, and the planner weighs like any others.
    Case.objects.bulk_create(
        Case(
            **row,
            handling_item_id=handling_item.pk + i % 10,
            number=f"S{i:07d}",
            state="received" if i % 50 == 0 else states[1 + i % 4],
            region_code=f"6402{21 + i // 10 % 10}",
        )
        for i in range(20000)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Case._meta.db_table}")
    province = (
        Case.objects.filter(handling_item=handling_item, state="received").order_by().values("pk")
    )
    county = province.filter(region_scope("640221"))
    for queryset in (province, county):
        assert "case_item_state_region" in queryset.explain(), queryset.explain()
    assert county.count() == 201 and province.count() == 401
    # The rows of items that do not exist go before the test's end checks the keys.
    Case.objects.exclude(handling_item=handling_item).delete()


@pytest.mark.postgres
@needs_postgres
def test_the_delivery_queue_is_read_in_its_order_by_an_index(handling_item, clerk, applicant):
    """A province's granted cases by delivery due (the workbench's "deliver" queue, cases
    0019): the first page along the index, not a sort of every granted case."""
    import datetime

    from oneseal.interface.keyset import order_of
    from oneseal.workbench import queries

    case = actions.receive(handling_item, actor=clerk, applicant=applicant)
    row = Case.objects.filter(pk=case.pk).values()[0]
    for field in ("id", "number", "state", "delivery_due"):
        del row[field]
    start = datetime.date(2025, 1, 1)
    Case.objects.bulk_create(
        Case(
            **row,
            number=f"D{i:07d}",
            state="granted" if i % 5 == 0 else "delivered",
            delivery_due=start + datetime.timedelta(days=i % 300),
        )
        for i in range(20000)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Case._meta.db_table}")
    deliver = queries.QUEUE_BY_KEY["deliver"]
    page = Case.objects.filter(state="granted").order_by(*order_of(deliver.keys))[:26]
    assert "case_granted_delivery" in page.explain(), page.explain()


def test_a_region_ending_in_9_finds_its_case_by_the_range_alone(
    non_c_collation, handling_item, clerk, applicant, django_assert_num_queries
):
    """The one-statement lookup's range ended at the character after the prefix's last digit:
    "640229" → "64022:", which under a collation other than C sorts before "640229", so a
    clerk of such a county missed every case of theirs there and paid for the second lookup."""
    from oneseal.organisation.models import Staff
    from oneseal.regions.models import Region

    case = actions.receive(handling_item, actor=clerk, applicant=applicant)
    county = Staff.objects.get(user=clerk).region
    nine = Region.objects.create(
        code="640229", prefix="640229", name="九号县", level=county.level, parent=county.parent
    )
    Staff.objects.filter(user=clerk).update(region=nine)
    Case.objects.filter(pk=case.pk).update(region_code="640229")
    near = get_user_model().objects.get(pk=clerk.pk)
    staff_of(near)
    with django_assert_num_queries(1):
        assert case_is_visible(near, case.pk)
    Case.objects.filter(pk=case.pk).update(region_code="640230")
    assert not case_is_visible(near, case.pk)
