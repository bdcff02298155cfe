"""The linkage's writes. Each action is one transaction that checks who acts (a bureau role in
the case's region, the department a push or request was sent to, or an administrator), writes,
and records an audit row."""

from .boundaries import save_duty_boundary
from .feedback import (
    decide_revocation_request,
    feedback_blockers,
    give_feedback,
    revocation_request_blockers,
)
from .opinions import (
    answer_opinion,
    answer_opinion_blockers,
    may_withdraw_opinion,
    request_opinion,
    request_opinion_blockers,
    request_step_opinion,
    run_opinion_deadlines,
    withdraw_opinion_request,
)
from .push import (
    escalate_late_pushes,
    sign_blockers,
    sign_push,
)
from .settings import (
    configure_department_link,
    create_token,
    may_administer,
    rekey_webhook_secrets,
    replay_blockers,
    replay_message,
    revoke_token,
)
from .support import (
    answer_blockers,
    answer_support_request,
    escalate_overdue_support,
    request_support,
    request_support_blockers,
)

__all__ = [
    "save_duty_boundary",
    "decide_revocation_request",
    "feedback_blockers",
    "give_feedback",
    "revocation_request_blockers",
    "answer_opinion",
    "answer_opinion_blockers",
    "may_withdraw_opinion",
    "request_opinion",
    "request_opinion_blockers",
    "request_step_opinion",
    "run_opinion_deadlines",
    "withdraw_opinion_request",
    "escalate_late_pushes",
    "sign_blockers",
    "sign_push",
    "configure_department_link",
    "create_token",
    "may_administer",
    "rekey_webhook_secrets",
    "replay_blockers",
    "replay_message",
    "revoke_token",
    "answer_blockers",
    "answer_support_request",
    "escalate_overdue_support",
    "request_support",
    "request_support_blockers",
]
