"""The organisation in the Django admin calls the organisation's actions: the same permission,
rules and audit rows; nothing is saved or deleted behind them."""

import pytest
from django.contrib.auth import get_user_model

from oneseal.audit.models import AuditEvent
from oneseal.organisation.models import Department, Role, Staff, StaffRole


@pytest.fixture
def orgadmin(make_staff, county, bureau):
    user = make_staff("orgadmin", county, Role.ADMINISTRATOR, bureau=bureau)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def staff_post(user, region, bureau, roles, **extra):
    return {
        "user": user.pk,
        "display_name": "周新",
        "phone": "",
        "region": region.pk,
        "bureau": bureau.pk,
        "section": "",
        "department": "",
        "service_centre": "",
        "roles": roles,
        **extra,
    }


def test_adding_staff_with_roles_in_the_admin_goes_through_the_actions(
    client, root, county, bureau
):
    user = get_user_model().objects.create_user("zhouxin", password="pw")
    client.force_login(root)
    r = client.post(
        "/admin/organisation/staff/add/", staff_post(user, county, bureau, ["clerk", "signatory"])
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    staff = Staff.objects.get(user=user)
    assert set(StaffRole.objects.filter(staff=staff).values_list("role", flat=True)) == {
        "clerk",
        "signatory",
    }
    assert AuditEvent.objects.filter(
        action="organisation.save_staff", actor=root, subject_id=str(staff.pk)
    ).exists()
    assert AuditEvent.objects.filter(action="organisation.grant_role", actor=root).count() == 2
    # Withdrawing the signatory role from the change page: one audit row.
    r = client.post(
        f"/admin/organisation/staff/{staff.pk}/change/", staff_post(user, county, bureau, ["clerk"])
    )
    assert r.status_code == 302
    assert AuditEvent.objects.get(action="organisation.withdraw_role").data["role"] == "signatory"


def test_an_administrator_edits_their_region_only_and_never_their_own_roles(
    client, orgadmin, county, other_county, bureau, make_staff
):
    client.force_login(orgadmin)
    far = Staff.objects.get(user=make_staff("far", other_county, Role.CLERK))
    assert client.get(f"/admin/organisation/staff/{far.pk}/change/").status_code in (302, 403, 404)
    assert client.get("/admin/organisation/staff/").status_code == 200
    own = Staff.objects.get(user=orgadmin)
    before = AuditEvent.objects.count()
    r = client.post(
        f"/admin/organisation/staff/{own.pk}/change/",
        staff_post(
            orgadmin, county, bureau, ["administrator", "signatory"], display_name="orgadmin"
        ),
        follow=True,
    )
    assert "不能更改自己的角色" in r.content.decode()
    assert set(StaffRole.objects.filter(staff=own).values_list("role", flat=True)) == {
        "administrator"
    }
    assert AuditEvent.objects.count() == before, "the refused change left nothing behind"


def test_the_admin_applies_the_one_rule_on_the_administrator_role(
    client, orgadmin, county, bureau, make_staff
):
    """A city's administrator seats a county bureau's administrator from the staff page; the
    county's own administrator is refused with the reason and nothing is saved."""
    from oneseal.regions.models import Region

    member = Staff.objects.get(user=make_staff("member", county, Role.CLERK, bureau=bureau))
    page = f"/admin/organisation/staff/{member.pk}/change/"
    data = staff_post(member.user, county, bureau, ["clerk", "administrator"])
    client.force_login(orgadmin)
    before = AuditEvent.objects.count()
    r = client.post(page, data, follow=True)
    assert "市级系统管理员仅可" in r.content.decode()
    assert set(member.roles.values_list("role", flat=True)) == {"clerk"}
    assert AuditEvent.objects.count() == before
    city_admin = make_staff("city_admin", Region.objects.get(code="640200"), Role.ADMINISTRATOR)
    city_admin.is_staff = True
    city_admin.save(update_fields=["is_staff"])
    client.force_login(city_admin)
    assert client.post(page, data).status_code == 302
    assert set(member.roles.values_list("role", flat=True)) == {"clerk", "administrator"}
    assert AuditEvent.objects.get(action="organisation.grant_role").actor == city_admin


def test_a_refused_role_is_shown_and_nothing_is_saved(client, root, county, bureau):
    user = get_user_model().objects.create_user("nobureau", password="pw")
    client.force_login(root)
    data = staff_post(user, county, bureau, ["signatory"])
    data["bureau"] = ""
    r = client.post("/admin/organisation/staff/add/", data, follow=True)
    assert "签批领导" in r.content.decode()
    assert not Staff.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(action__startswith="organisation.").exists()


def test_departments_are_saved_through_the_action_and_nothing_is_deleted_in_the_admin(
    client, root, county, department
):
    client.force_login(root)
    r = client.post(
        "/admin/organisation/department/add/",
        {
            "region": county.pk,
            "name": "平罗县林业和草原局",
            "short_name": "林草局",
            "code": "19",
            "phone": "",
            "order": 19,
        },
    )
    assert r.status_code == 302
    created = Department.objects.get(name="平罗县林业和草原局")
    assert AuditEvent.objects.get(action="organisation.save_department").subject_id == str(
        created.pk
    )
    assert (
        client.post(
            f"/admin/organisation/department/{department.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert Department.objects.filter(pk=department.pk).exists()


def test_a_user_without_the_administrator_role_does_not_see_the_organisation(
    client, make_staff, county
):
    clerk = make_staff("clerk", county, Role.CLERK)
    clerk.is_staff = True
    clerk.save(update_fields=["is_staff"])
    client.force_login(clerk)
    assert client.get("/admin/organisation/staff/").status_code == 403


def test_an_administrator_given_the_role_can_use_the_admin_and_loses_it_with_the_role(
    client, root, county, bureau
):
    # Opened the way a rolled-out county's seats are (no admin flag), then given the role:
    # the role is worked in the admin, so it lets the account in.
    from oneseal.organisation import actions

    user = actions.create_account(
        actor=root, region=county, username="hanlx", display_name="韩立新", password="pw-Long-1!"
    )
    staff = actions.save_staff(
        Staff(user=user, region=county, bureau=bureau, display_name="韩立新"), actor=root
    )
    client.force_login(user)
    assert client.get("/admin/organisation/staff/").status_code == 302
    actions.set_roles(staff, ["administrator"], actor=root)
    assert client.get("/admin/organisation/staff/").status_code == 200
    assert AuditEvent.objects.get(action="organisation.admin_site").data["admin_site"] is True
    # Another role without admin work keeps it while the administrator role stays.
    actions.set_roles(staff, ["administrator", "clerk"], actor=root)
    assert client.get("/admin/").status_code == 200
    actions.set_roles(staff, ["clerk"], actor=root)
    assert client.get("/admin/organisation/staff/").status_code == 302
    assert not get_user_model().objects.get(pk=user.pk).is_staff


def test_a_clerk_never_gets_into_the_admin_by_a_role(client, root, county, bureau):
    from oneseal.organisation import actions

    user = actions.create_account(
        actor=root, region=county, username="wangxy", display_name="王晓燕", password="pw-Long-1!"
    )
    staff = actions.save_staff(
        Staff(user=user, region=county, bureau=bureau, display_name="王晓燕"), actor=root
    )
    actions.set_roles(staff, ["clerk", "reviewer"], actor=root)
    assert not get_user_model().objects.get(pk=user.pk).is_staff
    assert not AuditEvent.objects.filter(action="organisation.admin_site").exists()
