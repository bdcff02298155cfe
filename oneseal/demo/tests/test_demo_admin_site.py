"""The demo's accounts enter the Django admin by their roles (`organisation.actions.set_roles`),
not by a flag the demo sets: losing the last role worked there shuts one out from its next
request, as it would an account opened any other way."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from oneseal.organisation import actions as organisation_actions


@pytest.fixture(scope="module")
def demo(demo_savepoint):
    return None


def enters_admin(user) -> bool:
    client = Client()
    client.force_login(user)
    r = client.get("/admin/")
    assert r.status_code in (200, 302), r.status_code
    return r.status_code == 200


@pytest.mark.parametrize("username", ["catadmin", "orgadmin"])
def test_a_demo_account_leaves_the_admin_with_its_last_admin_role(demo, db, username):
    User = get_user_model()
    user = User.objects.get(username=username)
    assert enters_admin(user)
    organisation_actions.set_roles(user.staff, [], actor=User.objects.get(username="admin"))
    assert not enters_admin(user)
