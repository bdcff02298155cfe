"""Where the running of the reform says whether an item may be switched to the bureau.

Seed 004 二(二): items move "一事一协议", by a signed transfer agreement that names the
transfer date. The agreements live in the `transfers` app, which depends on the catalogue; so
the catalogue cannot ask it directly. `transfers` registers its check here in its
AppConfig.ready, and `actions.publish_blockers` asks every registered check, so the page, the
admin and the import are refused alike. A check returns (field, message) pairs."""

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import ItemVersion

# check(version, previous, effective_from) -> [(field, message), …]
SwitchCheck = Callable[
    ["ItemVersion", "ItemVersion | None", datetime.date | None], list[tuple[str, str]]
]

_checks: list[SwitchCheck] = []


def register(check: SwitchCheck) -> None:
    if check not in _checks:
        _checks.append(check)


def unregister(check: SwitchCheck) -> None:
    if check in _checks:
        _checks.remove(check)


def switch_blockers(
    version: "ItemVersion", previous: "ItemVersion | None", effective_from: datetime.date | None
) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for check in list(_checks):
        out.extend(check(version, previous, effective_from))
    return out
