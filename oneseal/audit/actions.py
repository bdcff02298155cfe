from django.db import models, transaction

from . import chain
from .models import AuditEvent


def record(
    action: str, *, actor, subject: models.Model, region_code: str = "", summary: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Append an audit row as the next link of the log's hash chain. Called by every domain
    action inside its own transaction, so the row exists exactly when the change does.

    The chain head stays locked until that transaction commits, so audited writes are
    serialised from here on; actions therefore record as their last step."""
    # No savepoint of its own: inside the action's transaction a failed insert fails the action.
    with transaction.atomic(savepoint=False):
        head = chain.lock_head()
        event = AuditEvent(
            action=action,
            actor=actor if getattr(actor, "pk", None) else None,
            subject_type=subject._meta.label_lower,
            subject_id=str(subject.pk),
            region_code=region_code,
            summary=summary[:500],
            data=chain.as_stored(data or {}),
            seq=head.seq + 1,
            prev_hash=head.hash,
        )
        event.hash = chain.row_hash(event)
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event
