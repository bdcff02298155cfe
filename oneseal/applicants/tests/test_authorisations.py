"""Authorisations: an account acts for an organisation only while a window-recorded
authorisation of its person stands."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from oneseal.applicants.actions import (
    record_authorisation,
    register_applicant,
    revoke_authorisation,
    sign_up,
)
from oneseal.applicants.models import Applicant, Authorisation
from oneseal.applicants.queries import acts_for, represented
from oneseal.audit.models import AuditEvent
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.organisation.models import Role

COMPANY = "91350100M000100Y43"


@pytest.fixture
def clerk(make_staff, county):
    return make_staff("clerk", county, Role.CLERK)


@pytest.fixture
def company(clerk):
    return register_applicant(
        actor=clerk,
        kind="organisation",
        name="平罗县沙湖人家餐饮有限公司",
        number=COMPANY,
        phone="0952-6021835",
        representative="马玉兰",
    )


@pytest.fixture
def ma(db):
    user, person = sign_up(
        username="mayulan",
        password="Pingluo-2025!",
        name="马玉兰",
        number="640221198203150024",
        phone="13995210001",
    )
    return person


@pytest.fixture
def agent(db):
    user, person = sign_up(
        username="lijianguo",
        password="Pingluo-2025!",
        name="李建国",
        number="640221198008151136",
        phone="13895216630",
    )
    return person


def today():
    return timezone.localdate()


def test_a_clerk_records_the_legal_representative_and_the_account_then_acts_for_the_organisation(
    clerk, company, ma
):
    assert not acts_for(ma.user, company)
    a = record_authorisation(
        company,
        person=ma,
        capacity="representative",
        papers="营业执照副本、法定代表人身份证",
        actor=clerk,
    )
    assert a.valid_from == today() and a.valid_until is None and a.recorded_by == clerk
    assert acts_for(ma.user, company)
    assert set(represented(ma.user)) == {ma, company}
    row = AuditEvent.objects.get(action="applicants.authorise", subject_id=str(a.pk))
    assert (
        row.actor == clerk
        and row.data["capacity"] == "representative"
        and COMPANY not in str(row.data)
    )


def test_an_authorisation_counts_only_within_its_period(clerk, company, agent):
    start = today() + datetime.timedelta(days=3)
    record_authorisation(
        company,
        person=agent,
        capacity="agent",
        papers="授权委托书",
        valid_from=start,
        valid_until=start + datetime.timedelta(days=30),
        actor=clerk,
    )
    assert not acts_for(agent.user, company)
    assert acts_for(agent.user, company, on=start)
    assert acts_for(agent.user, company, on=start + datetime.timedelta(days=30))
    assert not acts_for(agent.user, company, on=start + datetime.timedelta(days=31))
    assert list(represented(agent.user, on=start + datetime.timedelta(days=31))) == [agent]


def test_revoking_ends_the_standing_at_once_and_is_audited(clerk, company, ma):
    a = record_authorisation(
        company, person=ma, capacity="representative", papers="营业执照", actor=clerk
    )
    with pytest.raises(ValidationFailed) as blank:
        revoke_authorisation(a, actor=clerk, reason=" ")
    assert "reason" in blank.value.fields
    revoke_authorisation(a, actor=clerk, reason="单位申请撤销")
    assert not acts_for(ma.user, company)
    assert AuditEvent.objects.filter(
        action="applicants.revoke_authorisation", subject_id=str(a.pk)
    ).exists()
    with pytest.raises(InvalidTransition):
        revoke_authorisation(a, actor=clerk, reason="再次撤销")
    # A new one may be recorded once the old one is revoked.
    record_authorisation(
        company, person=ma, capacity="representative", papers="营业执照", actor=clerk
    )
    assert acts_for(ma.user, company)


def test_the_person_may_renounce_but_nobody_else_online_may_revoke(clerk, company, ma, agent):
    a = record_authorisation(
        company, person=ma, capacity="representative", papers="营业执照", actor=clerk
    )
    with pytest.raises(NotPermitted):
        revoke_authorisation(a, actor=agent.user, reason="恶意撤销")
    revoke_authorisation(a, actor=ma.user, reason="不再担任法定代表人")
    assert Authorisation.objects.get(pk=a.pk).revoked_by == ma.user


def test_only_a_clerk_records_an_authorisation(company, ma):
    with pytest.raises(NotPermitted):
        record_authorisation(
            company, person=ma, capacity="representative", papers="营业执照", actor=ma.user
        )
    assert not Authorisation.objects.exists()


def test_every_problem_is_named_by_its_field(clerk, company, ma, agent):
    stranger = register_applicant(
        actor=clerk, kind="person", name="马𠮷祥", number="11010519491231002X", phone="13909520000"
    )
    with pytest.raises(ValidationFailed) as e:
        record_authorisation(
            ma,
            person=company,
            capacity="agent",
            papers="",
            valid_from=today() - datetime.timedelta(days=1),
            actor=clerk,
        )
    assert set(e.value.fields) == {"organisation", "person", "papers", "valid_from", "valid_until"}
    with pytest.raises(ValidationFailed) as no_account:
        record_authorisation(
            company,
            person=stranger,
            capacity="agent",
            papers="授权委托书",
            valid_until=today() + datetime.timedelta(days=10),
            actor=clerk,
        )
    assert "网上办事账号" in no_account.value.fields["person"][0]
    with pytest.raises(ValidationFailed) as not_the_representative:
        record_authorisation(
            company, person=agent, capacity="representative", papers="营业执照", actor=clerk
        )
    assert "马玉兰" in not_the_representative.value.fields["person"][0]
    assert not Authorisation.objects.exists()


def test_a_standing_authorisation_is_not_recorded_twice(clerk, company, agent):
    until = today() + datetime.timedelta(days=90)
    record_authorisation(
        company, person=agent, capacity="agent", papers="授权委托书", valid_until=until, actor=clerk
    )
    with pytest.raises(ValidationFailed) as twice:
        record_authorisation(
            company,
            person=agent,
            capacity="agent",
            papers="授权委托书",
            valid_until=until,
            actor=clerk,
        )
    assert "person" in twice.value.fields and Authorisation.objects.count() == 1


def test_a_new_legal_representative_ends_the_previous_ones_standing(clerk, ma, agent):
    company = register_applicant(
        actor=clerk,
        kind="organisation",
        name="平罗县某某商贸有限公司",
        number="91350100M000100Y43",
        phone="0952-6021835",
    )
    first = record_authorisation(
        company, person=ma, capacity="representative", papers="营业执照", actor=clerk
    )
    record_authorisation(
        company, person=agent, capacity="representative", papers="变更后的营业执照", actor=clerk
    )
    first.refresh_from_db()
    assert first.revoked_at is not None and first.revoked_by == clerk
    assert not acts_for(ma.user, company) and acts_for(agent.user, company)


def test_an_account_never_acts_for_another_person(clerk, ma, agent):
    assert not acts_for(ma.user, agent) and acts_for(ma.user, ma)
    assert not acts_for(get_user_model()(pk=None), ma)
    assert list(represented(ma.user)) == [ma]
    assert Applicant.objects.filter(user=ma.user).count() == 1
