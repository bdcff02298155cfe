"""Whether an account enters the Django admin (`is_staff`) follows its roles and nothing else
(`organisation.actions.set_roles`, ADMIN_SITE_ROLES): whichever path opens the account, seats
the staff member or changes their roles, losing the last such role shuts the account out from
its next request. Rollout, staff transfer and the demo: their own apps' tests."""

import pytest
from django.contrib.auth import get_user_model

from oneseal.audit.models import AuditEvent
from oneseal.organisation import actions
from oneseal.organisation.models import Role, Staff

from .test_admin import staff_post

pytestmark = pytest.mark.django_db


def enters_admin(client) -> bool:
    """The next request to the admin: a user Django reads afresh."""
    r = client.get("/admin/")
    assert r.status_code in (200, 302), r.status_code
    return r.status_code == 200


@pytest.fixture
def seated(root, county, bureau):
    """An account opened and seated by an administrator, given no role yet."""

    def seat(username: str) -> Staff:
        user = actions.create_account(
            actor=root, region=county, username=username, display_name="韩立新", password="x"
        )
        return actions.save_staff(
            Staff(user=user, region=county, bureau=bureau, display_name="韩立新"), actor=root
        )

    return seat


def test_the_last_admin_role_withdrawn_on_the_staff_page_shuts_the_account_out(
    client, root, county, bureau, seated
):
    staff = seated("hanlx")
    admin_client = client_class_for(staff.user)
    client.force_login(root)
    r = client.post(
        f"/admin/organisation/staff/{staff.pk}/change/",
        staff_post(staff.user, county, bureau, ["catalogue_admin", "clerk"]),
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    assert enters_admin(admin_client)
    r = client.post(
        f"/admin/organisation/staff/{staff.pk}/change/",
        staff_post(staff.user, county, bureau, ["clerk"]),
    )
    assert r.status_code == 302
    assert not enters_admin(admin_client)


def test_an_account_is_opened_outside_the_admin_and_a_clerks_role_keeps_it_out(
    root, county, seated
):
    staff = seated("wangxy")
    assert not staff.user.is_staff
    actions.set_roles(staff, [Role.CLERK], actor=root)
    assert not get_user_model().objects.get(pk=staff.user_id).is_staff


def test_a_flag_set_by_hand_is_mended_when_the_roles_are_saved_unchanged(
    client, root, county, bureau, seated
):
    staff = seated("liuyang")
    actions.set_roles(staff, [Role.CLERK], actor=root)
    # The superuser's user page (django.contrib.auth's admin) sets the flag directly.
    get_user_model().objects.filter(pk=staff.user_id).update(is_staff=True)
    staff_client = client_class_for(staff.user)
    assert enters_admin(staff_client)
    client.force_login(root)
    r = client.post(
        f"/admin/organisation/staff/{staff.pk}/change/",
        staff_post(staff.user, county, bureau, ["clerk"]),
    )
    assert r.status_code == 302
    assert not enters_admin(staff_client)
    assert AuditEvent.objects.get(action="organisation.admin_site").data["admin_site"] is False


def test_a_staff_record_given_another_account_takes_the_admin_with_it(
    client, root, county, bureau, seated
):
    staff = seated("zhaoli")
    actions.set_roles(staff, [Role.ARCHIVIST], actor=root)
    before = client_class_for(staff.user)
    assert enters_admin(before)
    other = actions.create_account(
        actor=root, region=county, username="zhaoli2", display_name="赵丽", password="x"
    )
    after = client_class_for(other)
    client.force_login(root)
    r = client.post(
        f"/admin/organisation/staff/{staff.pk}/change/",
        staff_post(other, county, bureau, ["archivist"], display_name="赵丽"),
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    assert Staff.objects.get(pk=staff.pk).user == other
    assert not enters_admin(before)
    assert enters_admin(after)


def test_a_superuser_keeps_the_admin_without_roles(root, county, bureau):
    staff = actions.save_staff(
        Staff(user=root, region=county, bureau=bureau, display_name="超级管理员"), actor=root
    )
    other = get_user_model().objects.create_superuser("root9", password="pw-root-9")
    actions.set_roles(staff, [Role.ADMINISTRATOR], actor=other)
    actions.set_roles(staff, [], actor=other)
    assert get_user_model().objects.get(pk=root.pk).is_staff


def client_class_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client
