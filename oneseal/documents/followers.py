"""Where apps that keep something alongside a document hear that one was issued or changed
state (superseded, revoked), in the same transaction.

The documents app must not import the apps that depend on it: the e-licences app, which
issues an e-licence with every licence document, registers here in its AppConfig.ready, as
the documents app registers its issuer with `cases.notices`. A follower must never make the
document's transaction fail: what it cannot do now it keeps in its own queue."""

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from oneseal.actors import Actor

    from .models import Document

# follower(document, actor)
Follower = Callable[..., None]

_followers: list[Follower] = []


def register(follower: Follower) -> None:
    if follower not in _followers:
        _followers.append(follower)


def document_changed(document: "Document", actor: "Actor | None") -> None:
    for follower in list(_followers):
        follower(document, actor)
