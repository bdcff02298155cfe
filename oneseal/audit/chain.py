"""The audit log's hash chain: what a row's hash covers, and the lock under which the next
row is appended."""

import hashlib
import json

from django.db import connection, transaction

from oneseal.prepared import Prepared, insert

from .models import GENESIS, AuditEvent, AuditHead

HEAD = 1  # the head's one row


def canonical(fields: dict) -> bytes:
    return json.dumps(
        fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    ).encode("utf-8")


def row_fields(row: AuditEvent) -> dict:
    return {
        "seq": row.seq,
        "at": row.at.isoformat(),
        "actor": row.actor_id,
        "action": row.action,
        "subject_type": row.subject_type,
        "subject_id": row.subject_id,
        "region_code": row.region_code,
        "summary": row.summary,
        "data": row.data,
        "prev": row.prev_hash,
    }


def row_hash(row: AuditEvent) -> str:
    return hashlib.sha256(canonical(row_fields(row))).hexdigest()


def as_stored(data: dict) -> dict:
    """`data` as the database gives it back (tuples become lists, keys strings), so the hash
    made now is the hash recomputed from the stored row later."""
    return json.loads(json.dumps(data))


def lock_head() -> AuditHead:
    """The chain head, locked until the caller's transaction ends: on PostgreSQL a second
    writer waits here for the first to commit (SQLite serialises writers anyway). A missing
    head row (a flushed test database) is recreated from the log's last row; two writers
    racing to recreate it insert once (ON CONFLICT DO NOTHING) and then queue on the lock."""
    assert transaction.get_connection().in_atomic_block, "lock_head needs a transaction"
    head = _LOCKED_HEAD.first(HEAD)
    if head is None:
        last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first() or (
            0,
            GENESIS,
        )
        AuditHead.objects.bulk_create(
            [AuditHead(pk=1, seq=last[0], hash=last[1])], ignore_conflicts=True
        )
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


# Every audited act's first statement on the log, built once per connection (oneseal.prepared).
_LOCKED_HEAD = Prepared(lambda pk: AuditHead.objects.select_for_update().filter(pk=pk), int)


def insert_moving_head(event: AuditEvent, *, seq: int, hash: str) -> None:
    """Insert `event`, the next link after the head locked by `lock_head`, and move the head to
    it (`seq`, `hash`): on PostgreSQL in one statement (the head's UPDATE as a data-modifying
    WITH clause of the row's INSERT), elsewhere in two. Either way inside the caller's
    transaction, with the head's lock held since `lock_head`."""
    q = connection.ops.quote_name  # our own table and column names, quoted
    head, columns = q(AuditHead._meta.db_table), (q("seq"), q("hash"), q("id"))
    sql = f"UPDATE {head} SET {columns[0]} = %s, {columns[1]} = %s WHERE {columns[2]} = %s"  # noqa: S608
    moving = (sql, [seq, hash, HEAD])
    insert(event, moving=moving)
