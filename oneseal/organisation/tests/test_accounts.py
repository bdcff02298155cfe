"""Accounts come through audited actions too: the installation's first superuser on an empty
install (only by saying `system=True`), and the sign-in accounts an administrator opens for the
staff they are about to place."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.db.models import QuerySet

from oneseal.audit.models import AuditEvent
from oneseal.audit.verification import Report, check_audit_log
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.organisation import actions
from oneseal.organisation.models import Role


def test_the_first_superuser_of_an_empty_install_is_made_by_the_system_with_an_audit_row(db):
    assert not get_user_model().objects.exists()
    user = actions.create_superuser(
        username="admin", display_name="系统管理员", password="Pingluo-2025!", system=True
    )
    assert (
        user.is_superuser and user.is_staff and user.is_active and user.first_name == "系统管理员"
    )
    assert check_password("Pingluo-2025!", user.password)
    event = AuditEvent.objects.get(action="organisation.create_superuser")
    assert event.actor is None and event.subject_id == str(user.pk)
    assert event.data == {"username": "admin", "system": True}
    report = Report()
    check_audit_log(report)
    assert report.problems == [] and report.audit_rows == 1


def test_without_system_nobody_but_a_superuser_makes_a_superuser(db, administrator, root):
    for actor in (None, administrator):
        with pytest.raises(NotPermitted):
            actions.create_superuser(
                username="second", display_name="第二", password="Pingluo-2025!", actor=actor
            )
    assert not get_user_model().objects.filter(username="second").exists()
    made = actions.create_superuser(
        username="second", display_name="第二", password="Pingluo-2025!", actor=root
    )
    assert (
        AuditEvent.objects.get(action="organisation.create_superuser").actor == root
        and made.is_superuser
    )


def test_an_administrator_opens_an_account_in_their_region_with_an_audit_row(administrator, county):
    encoded = make_password("Pingluo-2025!")
    user = actions.create_account(
        actor=administrator,
        region=county,
        username="catadmin2",
        display_name="杨帆",
        encoded_password=encoded,
    )
    # Not into the admin yet: a role worked there lets the account in (set_roles).
    assert not user.is_staff and not user.is_superuser and user.password == encoded
    event = AuditEvent.objects.get(action="organisation.create_account")
    assert event.actor == administrator and event.region_code == "640221"
    assert event.data == {"username": "catadmin2"}
    plain = actions.create_account(
        actor=administrator,
        region=county,
        username="clerk9",
        display_name="王九",
        password="Pingluo-2025!",
    )
    assert not plain.is_staff and check_password("Pingluo-2025!", plain.password)


def test_accounts_are_refused_outside_the_administrators_region_and_to_other_roles(
    administrator, other_county, make_staff, county
):
    clerk = make_staff("clerk", county, Role.CLERK)
    with pytest.raises(NotPermitted):
        actions.create_account(
            actor=administrator,
            region=other_county,
            username="far",
            display_name="外区",
            password="Pingluo-2025!",
        )
    with pytest.raises(NotPermitted):
        actions.create_account(
            actor=clerk,
            region=county,
            username="near",
            display_name="本区",
            password="Pingluo-2025!",
        )
    assert not get_user_model().objects.filter(username__in=["far", "near"]).exists()
    assert not AuditEvent.objects.filter(action="organisation.create_account").exists()


def test_bad_account_details_are_named_by_field_and_nothing_is_stored(administrator, county):
    get_user_model().objects.create_user("taken", password="pw")
    with pytest.raises(ValidationFailed) as refused:
        actions.create_account(
            actor=administrator,
            region=county,
            username="TAKEN",
            display_name=" ",
            encoded_password="not-a-hash",
        )
    assert set(refused.value.fields) == {"username", "display_name", "password"}
    with pytest.raises(ValidationFailed) as refused:
        actions.create_superuser(username="bad name!", display_name="某人", system=True)
    assert set(refused.value.fields) == {"username", "password"}
    assert get_user_model().objects.count() == 2  # taken and the administrator
    assert not AuditEvent.objects.filter(
        action__in=["organisation.create_account", "organisation.create_superuser"]
    ).exists()


def test_a_name_taken_a_moment_ago_is_named_not_a_server_error(administrator, county, monkeypatch):
    actions.create_account(
        actor=administrator,
        region=county,
        username="clerk9",
        display_name="王九",
        password="Pingluo-2025!",
    )
    exists = QuerySet.exists  # the check ran before the other insert
    monkeypatch.setattr(
        QuerySet, "exists", lambda self: False if self.model is get_user_model() else exists(self)
    )
    with pytest.raises(ValidationFailed) as refused:
        actions.create_account(
            actor=administrator,
            region=county,
            username="clerk9",
            display_name="王九",
            password="Pingluo-2025!",
        )
    assert list(refused.value.fields) == ["username"]
    monkeypatch.undo()
    assert AuditEvent.objects.filter(action="organisation.create_account").count() == 1
