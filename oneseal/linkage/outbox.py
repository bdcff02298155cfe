"""Writing to the outbox: a webhook message is a row written in the transaction of the change
it reports (transactional outbox), so a message exists exactly when the change does. Sending
is `linkage.delivery`'s job, after the commit, by the worker."""

from typing import Any

from django.utils import timezone

from oneseal.organisation.models import Department

from .models import DepartmentLink, OutboxMessage


def enqueue(
    department: Department | None, *, event_type: str, payload: dict, region_code: str, **links: Any
) -> OutboxMessage | None:
    """A message for the department's system when it has an enabled endpoint; None when it has
    none (its staff still see everything in their inbox)."""
    link = DepartmentLink.objects.filter(department=department).first()
    if link is None or not link.webhook_enabled or not link.webhook_url:
        return None
    message = OutboxMessage(
        department=department,
        region_code=region_code,
        event_type=event_type,
        next_attempt_at=timezone.now(),
        **links,
    )
    # The receiver keys its deduplication on this id; the body carries it too.
    message.payload = {"id": str(message.idempotency_id), "type": event_type, **payload}
    message.save(force_insert=True)
    return message
