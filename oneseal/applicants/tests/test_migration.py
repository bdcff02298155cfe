"""Migration 0002: bindings made online without papers are undone, each audited; an account
keeps the one person it signed up as."""

import pytest

# Migration 0002's data step, the constraints 0003 adds once it has run, and the audit chain
# (audit 0002 runs after applicants 0002 and chains the rows it wrote). Nothing later in the
# graph touches these tables' columns or constraints, so only these four move.
MOVED = [
    ("applicants", "0002_authorisations"),
    ("applicants", "0003_one_person_per_account"),
    ("audit", "0002_chain"),
    ("audit", "0003_chain_required"),
]


@pytest.mark.django_db(transaction=True)
def test_organisations_and_extra_people_bound_to_an_account_are_unbound_and_audited(
    migration_steps,
):
    steps = migration_steps(*MOVED)
    old = steps.back().apps
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
    new = steps.forward().apps
    Applicant = new.get_model("applicants", "Applicant")
    AuditEvent = new.get_model("audit", "AuditEvent")
    assert Applicant.objects.get(pk=own.pk).user_id == owner.pk
    assert Applicant.objects.get(pk=stolen.pk).user_id is None
    assert Applicant.objects.get(pk=company.pk).user_id is None
    rows = AuditEvent.objects.filter(action="applicants.unbind_account")
    assert sorted(int(r.subject_id) for r in rows) == sorted([stolen.pk, company.pk])
    assert all(r.data["user"] == owner.pk for r in rows)
