"""Who acts for a department: a supervisor (staff with the supervisor role and a department),
or a department's system calling the API with a token (`TokenActor`).

A `TokenActor` is what the API's token authentication puts in `request.user`. It is not staff:
organisation.rules sees no staff record for it (`_oneseal_staff` is False), so it holds no
bureau role anywhere; only `acting_department` lets it act, for its token's department and
within the token's scopes."""

from typing import Any, TypeAlias

from django.utils.translation import gettext as _

from oneseal.actors import User, stored_user
from oneseal.organisation.models import Department, Role
from oneseal.organisation.rules import staff_of

from .models import ApiToken


class TokenActor:
    is_authenticated = True
    is_active = True
    is_superuser = False
    is_staff = False
    is_anonymous = False
    pk = None
    id = None
    _oneseal_staff = False  # read by organisation.rules.staff_of: no staff record

    def __init__(self, token: ApiToken):
        self.token = token

    @property
    def department(self) -> Department:
        return self.token.department

    def get_username(self) -> str:
        return f"token:{self.token.key_id}"

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return _("{department}（接口令牌 {name}）").format(
            department=self.token.department, name=self.token.name
        )


# Who acts in a linkage action: a person, or a department's system by its token.
LinkageActor: TypeAlias = "User | TokenActor"


def acting_department(actor: "LinkageActor", scope: str) -> Department | None:
    """The department `actor` acts for with `scope`: a supervisor's own department (every
    scope), or a live token's department when the token holds the scope. None otherwise."""
    if isinstance(actor, TokenActor):
        token = actor.token
        if token.revoked_at is None and scope in (token.scopes or []):
            return token.department
        return None
    staff = staff_of(actor)
    if (
        staff is None
        or not actor.is_active
        or staff.department_id is None
        or Role.SUPERVISOR not in staff.role_set
    ):
        return None
    return staff.department


def actor_label(actor: "LinkageActor") -> str:
    if isinstance(actor, TokenActor):
        return actor.display_name
    staff = staff_of(actor)
    if staff is not None:
        return staff.display_name
    user = stored_user(actor)
    return user.get_full_name() or user.get_username()


def actor_fields(actor: "LinkageActor", prefix: str) -> dict:
    """The user / token / name columns a row keeps of who did something."""
    if isinstance(actor, TokenActor):
        return {f"{prefix}_by": None, f"{prefix}_token": actor.token}
    return {f"{prefix}_by": actor if getattr(actor, "pk", None) else None, f"{prefix}_token": None}


def audit_actor(actor: "LinkageActor") -> User | None:
    """The user for audit.record (None for a token: its key id goes in the data)."""
    return None if isinstance(actor, TokenActor) else actor


def audit_data(actor: "LinkageActor", **data: Any) -> dict:
    if isinstance(actor, TokenActor):
        data["token"] = actor.token.key_id
    return data
