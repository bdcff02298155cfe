"""Organisation changes go through audited actions: who may change what, the rules on roles
(who may sign, review, supervise), and the audit rows — the same from the admin and the demo."""

import pytest
from django.contrib.auth import get_user_model

from oneseal.audit.models import AuditEvent
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.organisation import actions
from oneseal.organisation.models import Bureau, Department, Role, Section, Staff, StaffRole
from oneseal.organisation.rules import has_role
from oneseal.regions.models import Region


@pytest.fixture
def newcomer(db, county, bureau):
    user = get_user_model().objects.create_user("newcomer", password="pw")
    return Staff.objects.create(user=user, region=county, bureau=bureau, display_name="钱新人")


def roles_of(staff):
    return set(StaffRole.objects.filter(staff=staff).values_list("role", flat=True))


def test_an_administrator_grants_and_withdraws_roles_each_with_an_audit_row(
    administrator, newcomer, county
):
    assert actions.set_roles(newcomer, [Role.CLERK, Role.SIGNATORY], actor=administrator) == [
        "clerk",
        "signatory",
    ]
    assert roles_of(newcomer) == {"clerk", "signatory"}
    assert has_role(newcomer.user, Role.SIGNATORY, county)
    granted = AuditEvent.objects.filter(
        action="organisation.grant_role", subject_id=str(newcomer.pk)
    )
    assert sorted(granted.values_list("data__role", flat=True)) == ["clerk", "signatory"]
    assert all(e.actor == administrator and e.region_code == "640221" for e in granted)
    assert "钱新人：授予“签批领导”" in granted.values_list("summary", flat=True)
    actions.set_roles(newcomer, [Role.CLERK], actor=administrator)
    assert roles_of(newcomer) == {"clerk"}
    withdrawn = AuditEvent.objects.get(action="organisation.withdraw_role")
    assert withdrawn.data == {"role": "signatory", "user": newcomer.user_id}
    # The same roles again: nothing written.
    before = AuditEvent.objects.count()
    actions.set_roles(newcomer, [Role.CLERK], actor=administrator)
    assert AuditEvent.objects.count() == before


def test_only_an_administrator_of_the_region_or_a_superuser_changes_roles(
    make_staff, newcomer, other_county, root, county
):
    signatory = make_staff("boss", county, Role.SIGNATORY)
    elsewhere = make_staff("far", other_county, Role.ADMINISTRATOR)
    for actor in (signatory, elsewhere, None):
        with pytest.raises(NotPermitted):
            actions.set_roles(newcomer, [Role.SIGNATORY], actor=actor)
    assert roles_of(newcomer) == set()
    actions.set_roles(newcomer, [Role.REVIEWER], actor=root)
    assert roles_of(newcomer) == {"reviewer"}
    assert not AuditEvent.objects.filter(
        action="organisation.grant_role", actor__in=[signatory, elsewhere]
    ).exists()


def test_nobody_changes_their_own_roles_and_only_a_superuser_makes_administrators(
    administrator, newcomer, root
):
    own = Staff.objects.get(user=administrator)
    with pytest.raises(NotPermitted, match="不能更改自己的角色"):
        actions.set_roles(own, [Role.ADMINISTRATOR, Role.SIGNATORY], actor=administrator)
    with pytest.raises(NotPermitted, match="只能由超级管理员"):
        actions.set_roles(newcomer, [Role.ADMINISTRATOR], actor=administrator)
    actions.set_roles(newcomer, [Role.ADMINISTRATOR], actor=root)
    assert roles_of(newcomer) == {"administrator"}
    assert roles_of(own) == {"administrator"}


def test_a_city_administrator_seats_administrators_in_its_county_bureaus_and_nowhere_else(
    make_staff, administrator, newcomer, county, other_county, root
):
    """`rules.may_grant_administrator`: a city's administrator grants and withdraws the role
    for staff of a county bureau inside the city; a county's administrator never, another
    city's administrator never, the city's own staff only by the superuser."""
    city, far_city = Region.objects.get(code="640200"), Region.objects.get(code="640500")
    city_admin = make_staff("city_admin", city, Role.ADMINISTRATOR)
    far_city_admin = make_staff("zw_admin", far_city, Role.ADMINISTRATOR)
    neighbour = Staff.objects.get(
        user=make_staff(
            "dwk",
            other_county,
            bureau=Bureau.objects.create(region=other_county, name="大武口区审批服务管理局"),
        )
    )
    city_member = Staff.objects.get(
        user=make_staff(
            "szs",
            city,
            bureau=Bureau.objects.create(region=city, name="石嘴山市行政审批局"),
        )
    )
    assert not actions.role_blockers(newcomer, Role.ADMINISTRATOR)
    refused = [
        (administrator, newcomer),  # a county's administrator, in their own county
        (administrator, neighbour),  # … in another county
        (administrator, city_member),  # … at city level
        (far_city_admin, newcomer),  # another city's administrator
        (city_admin, city_member),  # the city's own staff
    ]
    for actor, member in refused:
        with pytest.raises(NotPermitted):
            actions.set_roles(member, [Role.ADMINISTRATOR], actor=actor)
        assert roles_of(member) == set()
    with pytest.raises(NotPermitted, match="市级系统管理员仅可"):
        actions.set_roles(city_member, [Role.ADMINISTRATOR], actor=city_admin)
    for member in (newcomer, neighbour):
        actions.set_roles(member, [Role.ADMINISTRATOR], actor=city_admin)
        assert roles_of(member) == {"administrator"}
    granted = AuditEvent.objects.filter(action="organisation.grant_role", actor=city_admin)
    assert sorted(granted.values_list("region_code", flat=True)) == ["640202", "640221"]
    # The county administrator seated by the city cannot seat or unseat their peer.
    with pytest.raises(NotPermitted):
        actions.set_roles(Staff.objects.get(user=administrator), [], actor=newcomer.user)
    actions.set_roles(neighbour, [], actor=city_admin)
    assert roles_of(neighbour) == set()
    actions.set_roles(city_member, [Role.ADMINISTRATOR], actor=root)
    assert roles_of(city_member) == {"administrator"}
    # Nor can the city seat one in a county and then move them up to the city: moving an
    # administrator is granting the role where they land.
    seated = newcomer
    seated.refresh_from_db()
    seated.region, seated.bureau, seated.section = city, None, None
    with pytest.raises(NotPermitted, match="系统管理员的调动"):
        actions.save_staff(seated, actor=city_admin)
    seated.refresh_from_db()
    assert seated.region == county and roles_of(seated) == {"administrator"}
    # To another county bureau of the city it may (it could grant the role there).
    seated.region, seated.bureau, seated.section = other_county, neighbour.bureau, None
    actions.save_staff(seated, actor=city_admin)
    seated.refresh_from_db()
    assert seated.region == other_county and roles_of(seated) == {"administrator"}


def test_a_role_is_given_only_where_it_can_be_exercised(administrator, county, department):
    user = get_user_model().objects.create_user("outsider", password="pw")
    outsider = Staff.objects.create(user=user, region=county, display_name="孙外部")
    with pytest.raises(ValidationFailed) as signing:
        actions.set_roles(outsider, [Role.SIGNATORY], actor=administrator)
    assert "签批领导" in signing.value.fields["bureau"][0]
    with pytest.raises(ValidationFailed) as supervising:
        actions.set_roles(outsider, [Role.SUPERVISOR], actor=administrator)
    assert "department" in supervising.value.fields
    with pytest.raises(ValidationFailed) as unknown:
        actions.set_roles(outsider, ["emperor"], actor=administrator)
    assert "emperor" in unknown.value.fields["roles"][0]
    outsider.department = department
    actions.save_staff(outsider, actor=administrator)
    with pytest.raises(ValidationFailed) as mixed:
        actions.set_roles(outsider, [Role.OVERSEER, Role.SUPERVISOR], actor=administrator)
    assert "只读角色" in mixed.value.fields["roles"][0]
    actions.set_roles(outsider, [Role.SUPERVISOR], actor=administrator)
    assert roles_of(outsider) == {"supervisor"}


def test_staff_are_placed_inside_their_scope_and_their_bureau_with_the_changes_audited(
    administrator, newcomer, county, other_county, bureau
):
    other_bureau_section = Section.objects.create(
        bureau=type(bureau).objects.create(region=other_county, name="大武口区审批服务管理局"),
        name="市场准入科",
    )
    newcomer.section = other_bureau_section
    with pytest.raises(ValidationFailed) as wrong:
        actions.save_staff(newcomer, actor=administrator)
    assert "section" in wrong.value.fields
    section = actions.save_section(
        Section(bureau=bureau, name="市场准入审批科"), actor=administrator
    )
    newcomer.section = section
    newcomer.phone = "0952-6000000"
    actions.save_staff(newcomer, actor=administrator)
    event = AuditEvent.objects.filter(action="organisation.save_staff").latest("seq")
    assert event.data["fields"] == {"section": [None, section.pk], "phone": ["", "0952-6000000"]}
    # Moved to a region outside the administrator's scope: refused, nothing changed.
    newcomer.region = other_county
    newcomer.bureau = newcomer.section = None
    with pytest.raises(NotPermitted):
        actions.save_staff(newcomer, actor=administrator)
    assert Staff.objects.get(pk=newcomer.pk).region == county


def test_a_staff_member_cannot_be_moved_out_of_what_their_roles_need(administrator, newcomer):
    actions.set_roles(newcomer, [Role.SIGNATORY], actor=administrator)
    newcomer.bureau = None
    with pytest.raises(ValidationFailed) as error:
        actions.save_staff(newcomer, actor=administrator)
    assert "签批领导" in error.value.fields["bureau"][0]


def test_departments_and_sections_are_saved_with_audit_rows_and_named_errors(
    administrator, county, bureau, other_county
):
    dept = actions.save_department(
        Department(region=county, name="平罗县林业和草原局", short_name="林草局"),
        actor=administrator,
    )
    assert AuditEvent.objects.get(action="organisation.save_department").data["created"] is True
    with pytest.raises(ValidationFailed) as duplicate:
        actions.save_department(
            Department(region=county, name="平罗县林业和草原局"), actor=administrator
        )
    assert duplicate.value.fields
    with pytest.raises(NotPermitted):
        actions.save_department(
            Department(region=other_county, name="大武口区林草局"), actor=administrator
        )
    with pytest.raises(ValidationFailed) as missing:
        actions.save_section(Section(name="无局科室"), actor=administrator)
    assert "bureau" in missing.value.fields
    dept.phone = "0952-6011299"
    actions.save_department(dept, actor=administrator)
    assert AuditEvent.objects.filter(action="organisation.save_department").latest("seq").data[
        "fields"
    ] == {"phone": ["", "0952-6011299"]}


def test_a_role_withdrawn_no_longer_counts_for_the_record_the_caller_holds(
    administrator, newcomer, county
):
    actions.set_roles(newcomer, [Role.CLERK, Role.SIGNATORY], actor=administrator)
    assert has_role(newcomer.user, Role.SIGNATORY, county)  # read once, kept on the user
    actions.set_roles(newcomer, [Role.CLERK], actor=administrator)
    assert not has_role(newcomer.user, Role.SIGNATORY, county)
    assert newcomer.role_set == {"clerk"}
