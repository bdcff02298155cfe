from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.db import models, transaction

from oneseal.actors import Actor

from . import chain
from .models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _event(
    action: str,
    *,
    actor: Actor | None,
    subject: models.Model,
    region_code: str = "",
    summary: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent(
        action=action,
        # An actor with a pk is a stored user; an API token or the system is recorded as no one.
        actor=cast("User", actor) if getattr(actor, "pk", None) else None,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        region_code=region_code,
        summary=summary[:500],
        data=chain.as_stored(data or {}),
    )


def _append(events: list[AuditEvent]) -> list[AuditEvent]:
    """Chain `events` after the head and insert them. The chain head stays locked until the
    caller's transaction commits, so audited writes are serialised from here on; actions
    therefore record as their last step. No savepoint of its own: inside the action's
    transaction a failed insert fails the action."""
    with transaction.atomic(savepoint=False):
        head = chain.lock_head()
        seq, prev = head.seq, head.hash
        for event in events:
            seq += 1
            event.seq, event.prev_hash = seq, prev
            event.hash = prev = chain.row_hash(event)
        if len(events) == 1:
            # One act's row, the hot path of every audited act: the row and the head's move in
            # one statement where the database allows it (chain.insert_moving_head).
            chain.insert_moving_head(events[0], seq=seq, hash=prev)
        else:
            AuditEvent.objects.bulk_create(events, batch_size=500)
            head.seq, head.hash = seq, prev
            head.save(update_fields=["seq", "hash"])
    return events


def record(
    action: str,
    *,
    actor: Actor | None,
    subject: models.Model,
    region_code: str = "",
    summary: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an audit row as the next link of the log's hash chain. Called by every domain
    action inside its own transaction, so the row exists exactly when the change does."""
    return _append(
        [
            _event(
                action,
                actor=actor,
                subject=subject,
                region_code=region_code,
                summary=summary,
                data=data,
            )
        ]
    )[0]


def record_many(entries: list[dict[str, Any]]) -> list[AuditEvent]:
    """Append several rows at once, in order (each entry: the keyword arguments of `record`):
    for a bulk write that stands for many actions (an import creating and publishing items),
    one row per thing done, with one lock and one insert."""
    if not entries:
        return []
    return _append([_event(**entry) for entry in entries])
