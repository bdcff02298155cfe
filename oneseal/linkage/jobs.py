"""The linkage's jobs in `oneseal worker`: escalate pushes left unsigned and support requests
left unanswered past their due dates, settle opinion requests past their limits (deemed no
objection where silence counts as consent, escalated otherwise), and deliver the webhook
outbox."""

import datetime

from . import actions
from .delivery import deliver_due


def escalations(today: datetime.date) -> dict[str, int]:
    return {
        "pushes": actions.escalate_late_pushes(today),
        "support": actions.escalate_overdue_support(today),
    }


def opinions(today: datetime.date) -> dict[str, int]:
    return actions.run_opinion_deadlines(today)


def webhooks(today: datetime.date) -> dict[str, int]:
    return deliver_due(today)
