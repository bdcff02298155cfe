"""Who acts in an action.

Every action is called either by a person — `actor`, a user (or, in the linkage, a
department's API token: `linkage.actors.LinkageActor`) whose permission the action checks — or
by the installation itself: the worker, a management command, the demo loader, which say so
with the keyword `system=True` and pass no actor. A missing actor is never taken to mean
the system: without `system=True` it is refused like any actor without the permission.

Recording functions (`cases.actions._base.append_event`, `audit.actions.record`) check
nothing; they take `actor` None for a row the system writes, as the actions that call them
have decided who acts."""

from typing import TYPE_CHECKING, TypeAlias

from oneseal.errors import NotPermitted

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

User: TypeAlias = "AbstractBaseUser"
# An action's `actor`: None only together with system=True, or in a recording function.
Actor: TypeAlias = "AbstractBaseUser | None"


def acts_as_system(actor: object, *, system: bool) -> bool:
    """True when the system acts (the caller then checks no person's permission); False when a
    person acts (the caller checks theirs). Refused when nobody is named at all; a call that
    names both an actor and the system is a programming error."""
    if system:
        if actor is not None:
            raise ValueError("system=True acts without an actor")
        return True
    if actor is None:
        raise NotPermitted()
    return False
