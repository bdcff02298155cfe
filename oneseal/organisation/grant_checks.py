"""Where other apps say why a role may not be granted yet.

Seed 004 二(四): a staff member transferred from a department is trained "直至其能完全承担
审批工作为止"; only then may they act alone. The transfers app keeps the training records and
depends on the organisation, so it registers its check here in its AppConfig.ready and
`actions.set_roles` asks every registered check for each role it is about to grant, whatever
page, admin or command called it. A check returns reasons by field."""

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Staff

# check(staff, role) -> {field: [reason, …]}
GrantCheck = Callable[["Staff", str], dict[str, list[str]]]

_checks: list[GrantCheck] = []


def register(check: GrantCheck) -> None:
    if check not in _checks:
        _checks.append(check)


def unregister(check: GrantCheck) -> None:
    if check in _checks:
        _checks.remove(check)


def grant_blockers(staff: "Staff", role: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for check in list(_checks):
        for field, reasons in check(staff, role).items():
            out.setdefault(field, []).extend(reasons)
    return out
