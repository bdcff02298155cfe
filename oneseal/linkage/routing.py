"""Where a technical support request goes inside the department.

Seed 000 四(二)6: for the transition period after a transfer (three months) each department
names an official who works at the bureau and guides the transferred work; during it, what the
bureau asks of the department goes to that official; afterwards the department answers by its
duty boundary list. The transition periods live in the `transfers` app, which depends on the
linkage, so it registers its finder here in its AppConfig.ready and `actions.request_support`
asks it, on every path (page, API)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oneseal.organisation.models import Department


@dataclass(frozen=True)
class Liaison:
    user: Any  # the liaison's account
    name: str
    phone: str = ""


# finder(department, day) -> the liaison in charge that day, or None
LiaisonFinder = Callable[["Department", datetime.date], Liaison | None]

_finders: list[LiaisonFinder] = []


def register(finder: LiaisonFinder) -> None:
    if finder not in _finders:
        _finders.append(finder)


def unregister(finder: LiaisonFinder) -> None:
    if finder in _finders:
        _finders.remove(finder)


def liaison_for(department: "Department", day: datetime.date) -> Liaison | None:
    for finder in list(_finders):
        found = finder(department, day)
        if found is not None:
            return found
    return None
