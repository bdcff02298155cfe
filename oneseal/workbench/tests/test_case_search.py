"""The case search by number or applicant name: the same answers on both databases, and on
PostgreSQL the trigram indexes of cases 0014 answer it (on SQLite that migration does
nothing)."""

import importlib

import pytest
from django.db import connection

from oneseal.applicants.actions import register_applicant
from oneseal.applicants.models import Applicant
from oneseal.cases import actions
from oneseal.testing import at
from oneseal.workbench import queries

search_indexes = importlib.import_module(
    "oneseal.cases.migrations.0014_case_search_trigram_indexes"
)


@pytest.fixture
def cases(db, item, applicant, clerk):
    other = register_applicant(
        actor=clerk,
        kind="organisation",
        name="Zhang Sanfeng Trading",
        number="91640200MA76L0XM1W",
        phone="0952-6012346",
    )
    return [
        actions.receive(item, actor=clerk, applicant=who, at=at(f"2025-03-0{d} 09:00"))
        for d, who in ((3, applicant), (4, other), (5, applicant))
    ]


def found(user, text):
    rows = queries.queue_cases(user, queries.QUEUE_BY_KEY["all"], filters={"q": text})
    return sorted(c.pk for c in rows)


def test_search_by_part_of_a_number_or_a_name(cases, clerk, applicant):
    first, zhang, third = cases
    assert found(clerk, first.number[-6:]) == [first.pk]
    assert found(clerk, first.number[:10]) == sorted(c.pk for c in cases)
    assert found(clerk, "sanF") == [zhang.pk]  # either case
    assert found(clerk, applicant.name[2:5]) == [first.pk, third.pk]
    assert found(clerk, "无此申请人") == []


def test_a_name_too_common_to_list_still_finds_its_cases(cases, clerk, monkeypatch):
    monkeypatch.setattr(queries, "NAME_MATCHES_LISTED", 0)
    assert found(clerk, "sanf") == [cases[1].pk]


def test_the_search_stays_within_the_callers_scope(cases, far_staff):
    assert found(far_staff, cases[0].number) == []


def test_a_number_too_common_to_list_still_finds_its_cases(cases, clerk, monkeypatch):
    monkeypatch.setattr(queries, "NUMBER_MATCHES_LISTED", 1)
    assert found(clerk, cases[0].number[:10]) == sorted(c.pk for c in cases)
    assert found(clerk, cases[0].number) == [cases[0].pk]


def test_the_matching_numbers_are_read_once_for_the_whole_page(cases, client, clerk):
    """The page's statements (its tabs' counts, heading and rows) name the cases found by
    number by id: the number's LIKE is read once, not once per statement."""
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client.force_login(clerk)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("workbench:home"), {"queue": "all", "q": cases[0].number})
    assert page.status_code == 200 and cases[0].number in page.content.decode()
    assert cases[1].number not in page.content.decode()
    pattern = f"%{cases[0].number}%"
    by_number = [
        q["sql"]
        for q in captured.captured_queries
        if pattern in q["sql"] and '"cases_case"."number"' in q["sql"]
    ]
    assert len(by_number) == 1, by_number


def _indexes() -> set[str]:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%_trgm"])
        else:
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%trgm'")
        return {row[0] for row in cur.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_the_migration_builds_the_trigram_indexes_on_postgresql_only(item, applicant, clerk):
    case = actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00"))
    with connection.schema_editor(atomic=False) as editor:
        search_indexes.create(None, editor)
    try:
        if connection.vendor != "postgresql":
            assert _indexes() == set()
            return
        assert _indexes() == {"case_number_trgm", "applicant_name_trgm"}
        rows = queries.number_matches(case.number[-8:])
        applicants = Applicant.objects.filter(name__icontains=applicant.name[1:4]).order_by()
        with connection.cursor() as cur:
            # A table of a few rows is read whole (or along any index) whatever its trigram
            # indexes: forbid both, to see whether the search's conditions are answered from
            # the trigram indexes at all (the bench shows the plans at 1,000,000 cases).
            cur.execute("SET enable_seqscan = off")
            cur.execute("SET enable_indexscan = off")
            try:
                assert "case_number_trgm" in rows.explain()
                assert "applicant_name_trgm" in applicants.explain()
            finally:
                cur.execute("RESET enable_seqscan")
                cur.execute("RESET enable_indexscan")
        assert list(rows) == [case]
    finally:
        with connection.schema_editor(atomic=False) as editor:
            search_indexes.drop(None, editor)
    assert _indexes() == set()
