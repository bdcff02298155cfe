"""The demo's running of the reform, as `oneseal load-demo` adds it: the twelve departments'
agreements signed and sealed, the staff moved with their quotas, a transition per department,
the second batch's transition still running on the demo's today, and the departments' old
seals (the `seals` step): the first batch's sealed away on the transfer date, the second
batch's still active past its date."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.test.utils import override_settings

from oneseal.audit.models import AuditEvent
from oneseal.catalogue.models import ItemVersion
from oneseal.demo import builder
from oneseal.demo.data import organisation as org
from oneseal.demo.steps import seals as seals_step
from oneseal.demo.steps import transfers as step
from oneseal.documents import queries as document_queries
from oneseal.documents.models import Seal, SealHandover
from oneseal.documents.signing import check_signature
from oneseal.organisation.models import Bureau
from oneseal.transfers import queries
from oneseal.transfers.models import Agreement, StaffTransfer, Transition

from .conftest import planned_for_the_loaded_demo

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TODAY = datetime.date(2025, 12, 5)


@pytest.fixture(scope="module")
def demo(demo_savepoint, django_db_blocker):
    with django_db_blocker.unblock():
        lines = step.load(today=TODAY)
        lines += seals_step.load(today=TODAY)
        planned_for_the_loaded_demo()
        return lines


@pytest.fixture
def bureau(demo, db):
    return Bureau.objects.get(region__code=org.COUNTY_CODE)


def test_the_twelve_departments_agreements_are_signed_and_sealed(bureau, demo):
    first_batch = Agreement.objects.filter(transfer_date=builder.TRANSFER_DATE)
    assert first_batch.count() == 12
    assert sum(a.items.count() for a in first_batch) == 100  # the plan's 100 items
    assert all(a.signed and a.sealed for a in first_batch)
    seal = Seal.objects.get(bureau=bureau, kind=Seal.Kind.BUREAU)
    market = first_batch.get(department__short_name="市场监管局")
    assert market.items.count() == 22 and market.handovers.filter(kind="archive").exists()
    pdf = default_storage.open(market.file, "rb").read()
    assert check_signature(pdf, [seal.certificate_pem]).ok
    assert "划转协议 13 份" in demo[0]


def test_staff_moved_with_quotas_and_the_shares_against_the_target(bureau):
    register = queries.staff_register(bureau, TODAY)
    assert len(register.rows) == 23
    quotas = {(q.body, q.kind): (q.approved, q.taken) for q in register.quotas}
    assert quotas[("bureau", "administrative")] == (20, 17)
    assert quotas[("centre", "institution")] == (40, 6)
    shares = {
        row.department.short_name: row.share for row in queries.department_shares(bureau, TODAY)
    }
    assert shares["市场监管局"].verdict == "within"  # 5 of 12
    assert shares["民政局"].verdict == "below"  # 1 of 4
    cleared = [r for r in register.rows if r.alone_on_day]
    assert len(cleared) == 22 and all(r.staff.role_set == {"reviewer"} for r in cleared)
    (training,) = [r for r in register.rows if not r.alone_on_day]
    assert training.staff.display_name == "宋雨桐" and not training.staff.role_set


def test_a_transition_per_department_and_one_still_running_today(bureau):
    assert Transition.objects.filter(starts_on=builder.TRANSFER_DATE).count() == 12
    running = [t for t in Transition.objects.all() if t.running_on(TODAY)]
    assert [t.department.short_name for t in running] == ["气象局"]
    assert running[0].liaison_name == "邵光明"
    duties = queries.open_transition_duties(org.COUNTY_CODE, today=TODAY)
    assert [d.transition.department.short_name for d in duties] == ["气象局"]


def test_the_second_batch_switched_its_item_on_the_agreements_date(bureau):
    agreement = Agreement.objects.get(department__short_name="气象局")
    version = ItemVersion.objects.in_force(TODAY).get(name="雷电防护装置设计审核和竣工验收")
    assert version.transfer_status == "transferred"
    assert version.effective_from == agreement.transfer_date


def test_loading_again_changes_nothing(bureau):
    before = (AuditEvent.objects.count(), StaffTransfer.objects.count())
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        assert step.load(today=TODAY) == []
        assert seals_step.load(today=TODAY) == []
    assert (AuditEvent.objects.count(), StaffTransfer.objects.count()) == before


def test_the_first_batchs_old_seals_were_sealed_away_on_the_transfer_date(bureau, demo):
    old = Seal.objects.filter(kind=Seal.Kind.DEPARTMENT, department__region=bureau.region)
    sealed = old.filter(state=Seal.SealState.SEALED_AWAY)
    assert sealed.count() == 12
    assert set(sealed.values_list("sealed_away_on", flat=True)) == {builder.TRANSFER_DATE}
    assert all(s.holder == "韩立新" and "档案室" in s.place for s in sealed)
    market = SealHandover.objects.get(seal__department__short_name="市场监管局")
    assert market.received_by == "韩立新" and market.handed_over_by
    assert (
        market.transfer_date == builder.TRANSFER_DATE and market.recorded_by.username == "orgadmin"
    )
    assert (
        AuditEvent.objects.filter(
            action="documents.seal_away_department_seal", actor__username="orgadmin"
        ).count()
        == 12
    )
    assert any("12 枚" in line for line in demo)


def test_the_second_batchs_old_seal_is_still_active_and_warned(bureau, demo):
    agreement = Agreement.objects.get(department__short_name="气象局")
    (warning,) = document_queries.seal_warnings(bureau.region.prefix, today=TODAY)
    assert warning.department.short_name == "气象局"
    assert warning.seal.state == Seal.SealState.ACTIVE
    assert warning.transfer_date == agreement.transfer_date < TODAY
    assert any("电子监察预警" in line and "气象局" in line for line in demo)
