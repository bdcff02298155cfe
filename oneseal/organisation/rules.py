"""Who may act where. Every query that reaches a user and every action goes through these:
a staff member acts only in the region of their scope or below it, and only in their roles."""

from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F

from oneseal.actors import Actor
from oneseal.errors import NotPermitted
from oneseal.prepared import Prepared
from oneseal.regions.models import Region

from .models import Role, Staff


def staff_of(user: Actor) -> Staff | None:
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_oneseal_staff", None)
    if cached is None:
        rows = _STAFF_WITH_ROLES(user.pk)
        cached = keep_staff(user, rows[0] if rows else None, rows)
    return cached or None


def keep_staff(user: Actor, staff: Staff | None, rows: Sequence[Any]) -> Staff | None:
    """The one place a staff record read with its roles is put together, whoever read it
    (`staff_of`, or `backends.StaffBackend` with the user): `rows` are a row per role with its
    `role_name` (one row with None for a record with no role), joined to the record, so the
    roles are handed to it (`Staff.known_roles`, which `role_set` answers from without a query
    of its own). The record is kept on the user for the rest of the request, False for a user
    who is not staff (a TokenActor carries False already), and as `user.staff`, which the
    layouts read (`user.staff.role_set`). Nothing outlives the request: the next one reads
    afresh, so a role given or taken applies at once."""
    if staff is not None:
        staff.known_roles = frozenset(row.role_name for row in rows if row.role_name is not None)
    setattr(user, "_oneseal_staff", staff or False)  # noqa: B010
    if isinstance(user, get_user_model()):
        _USER_STAFF.set_cached_value(user, staff)
    return staff


_USER_STAFF = Staff._meta.get_field("user").remote_field  # the reverse one-to-one, `user.staff`

# Read on every signed-in request that did not come through StaffBackend, by SQL built once per
# connection (oneseal.prepared): the staff record with its region, bureau, department and a row
# per role, in one statement.
_STAFF_WITH_ROLES: Prepared[Any] = Prepared(  # a Staff with its role_name
    lambda user_id: (
        Staff.objects.select_related("region", "bureau", "department")
        .filter(user_id=user_id)
        .annotate(role_name=F("roles__role"))
    ),
    int,
)


def has_role(user: Actor, role: Role | str, region: Region | None = None) -> bool:
    """True when the user holds `role` and `region` (if given) lies within their scope.
    Superusers hold every role everywhere: they run the installation."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    staff = staff_of(user)
    if staff is None or not user.is_active or role not in staff.role_set:
        return False
    return region is None or staff.region.contains(region)


def require_role(user: Actor, role: Role | str, region: Region | None = None) -> None:
    if not has_role(user, role, region):
        raise NotPermitted()


def may_grant_administrator(user: Actor, staff: Staff) -> bool:
    """Who may grant or withdraw the administrator role of `staff` (the key to every other
    role, so it is held narrowly): the installation's superuser, anywhere; and an
    administrator whose own region is a city, for a member of a county bureau inside that
    city, so the city's rollout leaves each new county its own administrator (the province's
    administrators, who may also start a city's rollout, likewise for the counties under
    them). Nobody else: not a county administrator (not even in their own county, else
    administrators would multiply themselves), not a city administrator for the city's own
    staff or another city's counties.
    One rule for every path that sets roles (`actions.set_roles`: rollout, admin, staff pages,
    API)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    if not has_role(user, Role.ADMINISTRATOR):
        return False
    own = staff_of(user)
    assert own is not None  # has_role
    county, bureau = staff.region, staff.bureau
    return (
        own.region.level != Region.Level.COUNTY
        and county.level == Region.Level.COUNTY
        and own.region.contains(county)
        and bureau is not None
        and bureau.region_id == county.pk
    )


def scope_prefix(user: Actor) -> str | None:
    """The region-code prefix a user may see: "" for superusers (everything), None for a
    user with no staff scope (nothing)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return ""
    staff = staff_of(user)
    return staff.region.prefix if staff and user.is_active else None
