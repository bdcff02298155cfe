"""Delivering the outbox: signed webhooks to the departments' own systems.

The request: POST of the message's JSON body (UTF-8, keys sorted) with headers
  X-Oneseal-Event       the message type (decision, support_request, opinion_request, opinion_overdue,
                        opinion_deemed, opinion_withdrawn)
  X-Oneseal-Delivery    the idempotency id (also the body's "id"): the same on every retry
  X-Oneseal-Timestamp   Unix seconds when this attempt was signed
  X-Oneseal-Signature   "sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body)
A receiver checks the signature and the timestamp's freshness, then ignores an id it has
processed already (`verify_signature` is the reference check).

Claims: a deliverer claims ONE due message at a time by setting a lease (`lease_until`,
`lease_token`) with a conditional UPDATE, on PostgreSQL after `SELECT … FOR UPDATE SKIP
LOCKED`, so two deliverers never hold the same message; it sends that message at once and
records the result only if the lease token is still ours. The lease covers one send, never a
batch, and is always longer than a send may take (`lease_duration`): so two healthy
deliverers never send one message twice. (A lease per batch of 50 sequential sends ran out
while the batch was still going, and the other deliverer sent the rest again.) A deliverer
killed mid-delivery leaves the lease to expire; the message is claimed again then and sent
with the same id, so it is never lost and the receiver processes it once. A deliverer asked
to stop (`stop` callable; SIGTERM in `oneseal linkage deliver`) finishes the message in
flight and claims no more.

Outcomes: 2xx delivered; 5xx, 408, 429, timeouts and connection errors retried after an
exponential backoff (base × 2^(attempt−1), capped); any other status, a missing endpoint or
secret, or the last allowed attempt puts the message in the dead-letter list, from which an
administrator replays it (`actions.settings.replay_message`)."""

import datetime
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from . import crypto
from .models import DepartmentLink, OutboxMessage

logger = logging.getLogger(__name__)

Pending = OutboxMessage.MessageState.PENDING


def lease_seconds() -> float:
    return settings.ONESEAL_WEBHOOK_LEASE_SECONDS


def timeout_seconds() -> float:
    return settings.ONESEAL_WEBHOOK_TIMEOUT_SECONDS


def lease_duration() -> datetime.timedelta:
    """A lease outlasts one send: the configured lease, but never less than the send's timeout
    plus a margin for recording the result."""
    return datetime.timedelta(seconds=max(lease_seconds(), timeout_seconds() + 5))


def max_attempts() -> int:
    return settings.ONESEAL_WEBHOOK_MAX_ATTEMPTS


def backoff(attempt: int) -> datetime.timedelta:
    base = settings.ONESEAL_WEBHOOK_BACKOFF_SECONDS
    cap = settings.ONESEAL_WEBHOOK_BACKOFF_MAX_SECONDS
    return datetime.timedelta(seconds=min(cap, base * 2 ** max(0, attempt - 1)))


# --- signing ------------------------------------------------------------------------------


def body_of(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: float | None = None,
    tolerance: int = 300,
) -> bool:
    """The receiver's check: the signature matches and the timestamp is within `tolerance`
    seconds (a captured request cannot be replayed later)."""
    timestamp = headers.get("X-Oneseal-Timestamp", "")
    given = headers.get("X-Oneseal-Signature", "")
    if not timestamp.isdigit() or abs((now or time.time()) - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(given, signature(secret, timestamp, body))


# --- claiming -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    pk: int
    token: str


def _claimable(now: datetime.datetime) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(state=Pending, next_attempt_at__lte=now).filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    )


def claim(*, limit: int = 50, now: datetime.datetime | None = None) -> list[Claim]:
    """Lease up to `limit` due messages to this caller. Each lease is a conditional UPDATE, so
    of two workers reading the same row only one gets it (SQLite, which has no row locks);
    on PostgreSQL rows another worker is claiming are skipped, not waited for."""
    now = now or timezone.now()
    until = now + lease_duration()
    claims = []
    with transaction.atomic():
        candidates = _claimable(now).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        for pk in list(candidates.values_list("pk", flat=True)[:limit]):
            token = uuid.uuid4().hex
            if (
                _claimable(now)
                .filter(pk=pk)
                .update(lease_until=until, lease_token=token, attempts=F("attempts") + 1)
            ):
                claims.append(Claim(pk, token))
    return claims


# --- sending ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    retry: bool
    status: int | None = None
    error: str = ""


RETRY_STATUSES = {408, 429}


def send(message: OutboxMessage) -> Outcome:
    """One HTTP attempt. Never raises for what the network or the receiver does."""
    link = DepartmentLink.objects.filter(department_id=message.department_id).first()
    if link is None or not link.webhook_enabled or not link.webhook_url:
        return Outcome(False, False, error="endpoint disabled")
    secret = crypto.decrypt(link.webhook_secret_encrypted)
    if secret is None:
        return Outcome(False, False, error="no readable secret: set a new one")
    body = body_of(message.payload)
    timestamp = str(int(time.time()))
    if not link.webhook_url.startswith(("https://", "http://")):
        return Outcome(False, False, error="endpoint is not an http(s) URL")
    request = urllib.request.Request(  # noqa: S310 (http/https checked above)
        link.webhook_url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "oneseal-linkage/1",
            "X-Oneseal-Event": message.event_type,
            "X-Oneseal-Delivery": str(message.idempotency_id),
            "X-Oneseal-Timestamp": timestamp,
            "X-Oneseal-Signature": signature(secret, timestamp, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_seconds()) as response:  # noqa: S310 (http/https only)
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except TimeoutError as error:
        return Outcome(False, True, error=f"timeout: {error}")
    except (urllib.error.URLError, OSError) as error:
        return Outcome(False, True, error=f"connection: {getattr(error, 'reason', error)}")
    if 200 <= status < 300:
        return Outcome(True, False, status)
    return Outcome(False, status >= 500 or status in RETRY_STATUSES, status, f"HTTP {status}")


def record_outcome(
    claim: Claim, outcome: Outcome, *, now: datetime.datetime | None = None
) -> str | None:
    """Write the attempt's result if the lease is still ours; returns "delivered", "retry",
    "dead", or None when the lease was lost (another worker owns the message now)."""
    now = now or timezone.now()
    mine = OutboxMessage.objects.filter(pk=claim.pk, lease_token=claim.token, state=Pending)
    with transaction.atomic():
        message = mine.select_for_update().first()
        if message is None:
            return None
        common = {
            "lease_until": None,
            "lease_token": "",
            "last_status": outcome.status,
            "last_error": outcome.error[:1000],
        }
        if outcome.delivered:
            mine.update(state=OutboxMessage.MessageState.DELIVERED, delivered_at=now, **common)
            return "delivered"
        if outcome.retry and message.attempts < max_attempts():
            mine.update(next_attempt_at=now + backoff(message.attempts), **common)
            return "retry"
        mine.update(state=OutboxMessage.MessageState.DEAD, dead_at=now, **common)
        logger.warning(
            "webhook %s to department %s is dead after %s attempt(s): %s",
            message.idempotency_id,
            message.department_id,
            message.attempts,
            outcome.error,
        )
        return "dead"


def deliver_once(
    *,
    limit: int = 50,
    now: datetime.datetime | None = None,
    stop: Callable[[], bool] | None = None,
) -> dict[str, int]:
    """One pass: up to `limit` messages, each claimed just before it is sent (a lease per
    message). Stops early when nothing is due or `stop()` says so. Counts per result."""
    counts = {"delivered": 0, "retry": 0, "dead": 0, "lost": 0}
    for _n in range(limit):
        if stop is not None and stop():
            break
        claimed = claim(limit=1, now=now)
        if not claimed:
            break
        counts[_deliver(claimed[0], now=now) or "lost"] += 1
    return counts


def _deliver(claimed: Claim, *, now: datetime.datetime | None) -> str | None:
    message = OutboxMessage.objects.get(pk=claimed.pk)
    try:
        outcome = send(message)
    except Exception as error:  # a bug in sending must not keep the lease forever
        logger.exception("sending webhook %s failed", message.idempotency_id)
        outcome = Outcome(False, True, error=f"{type(error).__name__}: {error}")
    return record_outcome(claimed, outcome, now=now)


def deliver_due(
    today: datetime.date | None = None, *, stop: Callable[[], bool] | None = None
) -> dict[str, int]:
    """The worker's job: passes until nothing due is left (bounded, so a pass ends) or
    `stop()` says so."""
    total = {"delivered": 0, "retry": 0, "dead": 0, "lost": 0}
    for _pass in range(20):
        counts = deliver_once(stop=stop)
        for key, n in counts.items():
            total[key] += n
        if not sum(counts.values()) or (stop is not None and stop()):
            break
    return total
