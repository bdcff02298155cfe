"""Migration 0002: bindings made online without papers are undone, each audited; an account
keeps the one person it signed up as."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("applicants", "0001_initial"), ("audit", "0001_initial")]
AFTER = [("applicants", "0003_one_person_per_account")]


@pytest.fixture
def back_to_the_latest_schema(migrations_recorded):
    # Going back to BEFORE unapplies every migration that depends on those (the audit chain
    # among them); later tests on this database need the whole schema again.
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_organisations_and_extra_people_bound_to_an_account_are_unbound_and_audited(
    back_to_the_latest_schema,
):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User = old.get_model("auth", "User")
    Applicant = old.get_model("applicants", "Applicant")
    owner = User.objects.create(username="owner")
    own = Applicant.objects.create(
        kind="person", name="王五", id_number="640221199003071238", phone="1", user=owner
    )
    stolen = Applicant.objects.create(
        kind="person", name="张珊", id_number="640221199605180423", phone="1", user=owner
    )
    company = Applicant.objects.create(
        kind="organisation",
        name="平罗县沙湖人家餐饮有限公司",
        credit_code="91350100M000100Y43",
        phone="1",
        user=owner,
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Applicant = new.get_model("applicants", "Applicant")
    AuditEvent = new.get_model("audit", "AuditEvent")
    assert Applicant.objects.get(pk=own.pk).user_id == owner.pk
    assert Applicant.objects.get(pk=stolen.pk).user_id is None
    assert Applicant.objects.get(pk=company.pk).user_id is None
    rows = AuditEvent.objects.filter(action="applicants.unbind_account")
    assert sorted(int(r.subject_id) for r in rows) == sorted([stolen.pk, company.pk])
    assert all(r.data["user"] == owner.pk for r in rows)
