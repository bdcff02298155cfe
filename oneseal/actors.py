"""Who acts in an action.

Every action is called either by a person — `actor`, a user (or, in the linkage, a
department's API token: `linkage.actors.LinkageActor`) whose permission the action checks — or
by the installation itself: the worker, a management command, the demo loader, which say so
with the keyword `system=True` and pass no actor. A missing actor is never taken to mean
the system: without `system=True` it is refused like any actor without the permission.

Recording functions (`cases.actions._base.append_event`, `audit.actions.record`) check
nothing; they take `actor` None for a row the system writes, as the actions that call them
have decided who acts."""

from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, cast

from oneseal.errors import NotPermitted

if TYPE_CHECKING:
    from django.contrib.auth.models import User as AuthUser
    from typing_extensions import TypeIs  # typing has it from Python 3.13


class Actor(Protocol):
    """Whoever asks for something: a signed-in user, an anonymous visitor, or a department's API
    token (`linkage.actors.TokenActor`). The rules read only these; `is_superuser` is read where
    present, and a staff record is looked up by the user."""

    @property
    def pk(self) -> Any: ...

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_active(self) -> bool: ...


# The person (or department token) an action names as `actor`; an action takes `actor: User`,
# or `actor: User | None` together with `system: bool` where the installation may act.
User: TypeAlias = Actor


def acts_as_system(actor: object, *, system: bool) -> "TypeIs[None]":
    """True when the system acts (the caller then checks no person's permission); False when a
    person acts (the caller checks theirs). Refused when nobody is named at all; a call that
    names both an actor and the system is a programming error. For the type checker, False
    means `actor` is not None."""
    if system:
        if actor is not None:
            raise ValueError("system=True acts without an actor")
        return True
    if actor is None:
        raise NotPermitted()
    return False


def stored_user(actor: Actor) -> "AuthUser":
    """`actor` as the stored user a row's foreign key names (`created_by`, `recorded_by` …), in
    an action whose permission check only a signed-in user passes: a department's token never
    gets that far. For the type checker only; nothing is converted."""
    return cast("AuthUser", actor)
