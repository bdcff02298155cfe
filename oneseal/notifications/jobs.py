"""The worker's notifications job: tomorrow's appointment reminders, then every e-mail and
SMS due (`delivery.deliver_due`)."""

import datetime
from typing import Any

from . import delivery, hooks


def run(today: datetime.date, **deliver_options: Any) -> dict[str, int]:
    reminded = hooks.remind_appointments(today)
    counts = delivery.deliver_due(**deliver_options)
    return {"appointments": reminded, **counts}


def describe(counts: dict[str, int]) -> str:
    return (
        f"{counts['appointments']} appointment reminder(s); {counts['sent']} sent, "
        f"{counts['failed']} to retry, {counts['gave_up']} given up, "
        f"{counts['deferred']} deferred (quiet hours)"
    )
