"""The session store (`oneseal.interface.sessions`): Django's database sessions, the row read by
a statement built once per connection; an expired or unknown session is no session."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from oneseal.interface.sessions import SessionStore
from oneseal.organisation.models import Role
from oneseal.testing import models_built

pytestmark = pytest.mark.django_db


def test_a_session_is_read_without_building_its_statement(monkeypatch):
    store = SessionStore()
    store["who"] = "王窗口"
    store.save()
    assert SessionStore(store.session_key).load() == {"who": "王窗口"}
    built = models_built(monkeypatch)
    again = SessionStore(store.session_key)
    assert again.load() == {"who": "王窗口"}
    assert Session not in built


def test_an_expired_or_unknown_session_loads_empty_and_gives_up_its_key():
    store = SessionStore()
    store["who"] = "王窗口"
    store.save()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.load() == {} and expired.session_key is None
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {} and unknown.session_key is None


def test_a_signed_in_session_expired_is_signed_out(make_staff, county, bureau):
    client = Client()
    client.force_login(make_staff("clerk", county, Role.CLERK, bureau=bureau))
    assert client.get("/workbench/intake/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get("/workbench/intake/").status_code == 302
