"""Who is told for an applicant (`applicant_accounts`): asked on every act an applicant hears
of, so its statement is built once per connection; the answer is the same for every shape."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from oneseal.applicants.actions import register_applicant
from oneseal.applicants.models import Authorisation
from oneseal.notifications.queries import applicant_accounts
from oneseal.testing import models_built

pytestmark = pytest.mark.django_db
ON = datetime.date(2026, 3, 2)


def _person(clerk, name, number, user=None):
    return register_applicant(
        actor=clerk, kind="person", name=name, number=number, phone="13909520000", user=user
    )


def _authorise(organisation, person, clerk, *, since, until=None, revoked=False):
    return Authorisation.objects.create(
        organisation=organisation,
        person=person,
        capacity=Authorisation.Capacity.AGENT,
        papers="授权委托书",
        valid_from=since,
        valid_until=until,
        recorded_by=clerk,
        recorded_at=timezone.now(),
        revoked_at=timezone.now() if revoked else None,
        revoked_by=clerk if revoked else None,
    )


def test_each_shape_answers_who_acts_for_the_applicant_on_the_day(
    clerk, applicant, django_assert_num_queries
):
    users = get_user_model().objects
    agent, expired, revoked, later, idle = (
        users.create_user(name, password="x") for name in ("agent", "old", "gone", "new", "idle")
    )
    people = [
        _person(clerk, "甲", "640221198001011237", agent),
        _person(clerk, "乙", "640221199002150049", expired),
        _person(clerk, "丙", "640221197003030023", revoked),
        _person(clerk, "丁", "640221196004040018", later),
        _person(clerk, "戊", "640221195005050037", idle),
    ]
    idle.is_active = False
    idle.save()
    _authorise(applicant, people[0], clerk, since=ON - datetime.timedelta(days=10), until=ON)
    _authorise(
        applicant,
        people[1],
        clerk,
        since=ON - datetime.timedelta(days=10),
        until=ON - datetime.timedelta(days=1),
    )
    _authorise(applicant, people[2], clerk, since=ON - datetime.timedelta(days=10), revoked=True)
    _authorise(applicant, people[3], clerk, since=ON + datetime.timedelta(days=1))
    _authorise(applicant, people[4], clerk, since=ON - datetime.timedelta(days=10))
    with django_assert_num_queries(1):
        assert applicant_accounts(applicant, ON) == [agent]
    assert applicant_accounts(applicant, ON + datetime.timedelta(days=1)) == [later]
    with django_assert_num_queries(1):
        assert applicant_accounts(people[0], ON) == [agent]
    walk_in = _person(clerk, "己", "640221198506060050")
    with django_assert_num_queries(0):
        assert applicant_accounts(walk_in, ON) == []
    assert applicant_accounts(people[4], ON) == []  # an inactive account is nobody's


def test_the_statement_is_built_once_per_connection(clerk, applicant, monkeypatch):
    applicant_accounts(applicant, ON)  # built here, or by an earlier test on this connection
    built = models_built(monkeypatch)
    applicant_accounts(applicant, ON + datetime.timedelta(days=3))
    assert built == []
