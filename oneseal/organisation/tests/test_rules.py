from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role, scope_prefix


def test_a_county_clerk_acts_in_the_county_and_its_townships_only(
    make_staff, county, other_county, regions
):
    clerk = make_staff("c1", county, Role.CLERK)
    assert has_role(clerk, Role.CLERK, county)
    assert not has_role(clerk, Role.CLERK, other_county)
    assert not has_role(clerk, Role.CLERK, regions.get(code="640200"))  # not the city above it
    assert not has_role(clerk, Role.SIGNATORY, county)  # not a role they hold
    assert scope_prefix(clerk) == "640221"


def test_a_city_overseer_sees_every_county_of_the_city_and_no_other(
    make_staff, county, other_county, regions
):
    overseer = make_staff("o1", regions.get(code="640200"), Role.OVERSEER)
    assert has_role(overseer, Role.OVERSEER, county) and has_role(
        overseer, Role.OVERSEER, other_county
    )
    assert not has_role(overseer, Role.OVERSEER, regions.get(code="511602"))


def test_anonymous_and_inactive_users_hold_no_role(make_staff, county):
    assert not has_role(AnonymousUser(), Role.CLERK, county)
    assert scope_prefix(AnonymousUser()) is None
    user = make_staff("gone", county, Role.CLERK)
    user.is_active = False
    user.save()
    assert not has_role(user, Role.CLERK, county)
    assert scope_prefix(user) is None


def test_a_user_without_a_staff_record_sees_nothing(db, county):
    user = get_user_model().objects.create_user("citizen", password="x")
    assert not has_role(user, Role.CLERK, county)
    assert scope_prefix(user) is None


def test_the_staff_row_and_every_role_are_read_in_one_query_and_again_per_request(
    make_staff, county, django_assert_num_queries
):
    from oneseal.organisation.models import Staff, StaffRole
    from oneseal.organisation.rules import staff_of

    user = make_staff("many", county, Role.CLERK, Role.SIGNATORY)
    with django_assert_num_queries(1):
        staff = staff_of(user)
        assert staff.role_set == {Role.CLERK, Role.SIGNATORY}
        assert staff.region == county
        assert has_role(user, Role.SIGNATORY, county)
    # The roles handed to the record are those its relation holds.
    assert {r.role for r in staff.roles.all()} == staff.role_set
    # The next request loads its user afresh: a role taken away no longer counts.
    StaffRole.objects.filter(staff__user=user, role=Role.SIGNATORY).delete()
    fresh = get_user_model().objects.get(pk=user.pk)
    assert has_role(fresh, Role.CLERK, county) and not has_role(fresh, Role.SIGNATORY, county)
    # Staff without any role: the row, no role (and no second query for the roles).
    bare = make_staff("none", county)
    with django_assert_num_queries(1):
        staff = staff_of(bare)
        assert staff.role_set == frozenset()
    assert staff == Staff.objects.get(user=bare)
    assert not has_role(bare, Role.CLERK, county)
