"""The linkage's writes. Each action is one transaction that checks who acts (a bureau role in
the case's region, or the department a push or request was sent to), writes, and records an
audit row."""

from .push import (
    escalate_late_pushes,
    push_decision,
    sign_blockers,
    sign_push,
    supervising_department,
)

__all__ = ["escalate_late_pushes", "push_decision", "sign_blockers", "sign_push", "supervising_department"]
