"""The accounts a rollout opens and the staff a transfer moves enter the Django admin by their
roles alone (`organisation.actions.set_roles`): losing the last role worked there shuts the
account out from its next request."""

import pytest
from django.test import Client

from oneseal.organisation import actions as organisation_actions
from oneseal.organisation.models import Role, Staff
from oneseal.transfers import actions


def enters_admin(user) -> bool:
    client = Client()
    client.force_login(user)  # each call a new request, the user read afresh
    r = client.get("/admin/")
    assert r.status_code in (200, 302), r.status_code
    return r.status_code == 200


def test_a_rolled_out_seat_enters_the_admin_by_its_role_and_leaves_with_it(started, city_admin):
    director = Staff.objects.select_related("user").get(user__username="640521-director")
    assert director.role_set == {Role.SIGNATORY, Role.CATALOGUE_ADMIN}
    assert enters_admin(director.user)
    organisation_actions.set_roles(director, [Role.SIGNATORY], actor=city_admin)
    assert not enters_admin(director.user)
    window = Staff.objects.select_related("user").get(user__username="640521-window")
    assert not enters_admin(window.user)


@pytest.mark.django_db
def test_a_moved_member_keeps_the_admin_by_the_role_kept_and_loses_it_with_that_role(
    root, county, bureau, department
):
    user = organisation_actions.create_account(
        actor=root, region=county, username="ma_xl", display_name="马小兰", password="x"
    )
    member = organisation_actions.save_staff(
        Staff(user=user, region=county, department=department, display_name="马小兰"), actor=root
    )
    organisation_actions.set_roles(member, [Role.SUPERVISOR, Role.ARCHIVIST], actor=root)
    assert enters_admin(user)
    actions.set_quota(bureau, actor=root, body="centre", kind="institution", approved=1)
    actions.record_staff_transfer(
        member,
        actor=root,
        department=department,
        moved_on="2025-09-26",
        body="centre",
        quota_kind="institution",
    )
    member = Staff.objects.get(pk=member.pk)
    # The department's acting role is withdrawn; the archivist's stays, and the admin with it.
    assert member.role_set == {Role.ARCHIVIST}
    assert enters_admin(user)
    organisation_actions.set_roles(member, [], actor=root)
    assert not enters_admin(user)
