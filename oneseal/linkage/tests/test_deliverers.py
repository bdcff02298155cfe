"""Real `oneseal linkage deliver` processes against a PostgreSQL test database and a slow
receiver: two healthy deliverers send each message exactly once (issue 12, finding 5: a lease
per batch let the second deliverer send 7 of 20 again), and SIGTERM finishes the message in
flight and exits cleanly."""

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from oneseal.linkage.models import OutboxMessage
from oneseal.testing import POSTGRES_ONLY

from .test_delivery import endpoint  # noqa: F401 — fixture

pytestmark = [*POSTGRES_ONLY, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

State = OutboxMessage.MessageState


def database_url() -> str:
    """The test database, as a DATABASE_URL for a child process."""
    db = connection.settings_dict
    auth = (
        f"{quote(db['USER'], safe='')}:{quote(db['PASSWORD'] or '', safe='')}@"
        if db["USER"]
        else ""
    )
    return f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def deliverer(*, lease: float = 3) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "ONESEAL_SECRET_KEY": settings.SECRET_KEY,
        "ONESEAL_WEBHOOK_LEASE_SECONDS": str(lease),
        "ONESEAL_WEBHOOK_TIMEOUT_SECONDS": "5",
        "DJANGO_SETTINGS_MODULE": "oneseal.settings",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "oneseal.cli", "linkage", "deliver", "--interval", "0.2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def messages(decide, department, n: int) -> list[str]:
    """`n` pending messages of the department, each with its own idempotency id."""
    push = decide().pushes.get()
    for _ in range(n - OutboxMessage.objects.count()):
        message = OutboxMessage(
            department=department,
            region_code="640221",
            event_type="decision",
            push=push,
            next_attempt_at=timezone.now(),
        )
        message.payload = {"id": str(message.idempotency_id), "type": "decision"}
        message.save(force_insert=True)
    return [str(i) for i in OutboxMessage.objects.values_list("idempotency_id", flat=True)]


def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def stop(process: subprocess.Popen) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    try:
        _out, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        _out, err = process.communicate()
    return process.returncode, err


def test_two_healthy_deliverers_send_each_message_exactly_once(decide, endpoint, department):  # noqa: F811
    rng = random.Random(12)
    # 0.5–1 s a request: 20 messages take far longer than the 3-second lease.
    receiver = endpoint(*[("slow", rng.uniform(0.5, 1.0)) for _ in range(40)])
    with receiver:
        ids = messages(decide, department, 20)
        first, second = deliverer(), deliverer()
        try:
            done = wait_until(
                lambda: not OutboxMessage.objects.filter(state=State.PENDING).exists(), 90
            )
        finally:
            results = [stop(first), stop(second)]
    assert done, "every message delivered"
    per_id = Counter(r["headers"]["X-Oneseal-Delivery"] for r in receiver.requests)
    assert per_id == Counter(ids), f"sent twice: {[i for i, n in per_id.items() if n > 1]}"
    assert receiver.bad_signatures == 0
    assert set(OutboxMessage.objects.values_list("state", "attempts")) == {(State.DELIVERED, 1)}
    assert [code for code, _err in results] == [0, 0], results


def test_sigterm_finishes_the_message_in_flight_and_exits_cleanly(decide, endpoint, department):  # noqa: F811
    receiver = endpoint(*[("slow", 2.0) for _ in range(10)])
    with receiver:
        messages(decide, department, 5)
        process = deliverer(lease=60)
        assert wait_until(lambda: len(receiver.requests) == 1, 30), "the first message is in flight"
        code, err = stop(process)
    assert code == 0, err
    assert "SIGTERM" in err
    assert len(receiver.requests) == 1 and len(receiver.processed) == 1
    sent = OutboxMessage.objects.get(idempotency_id=receiver.processed[0])
    assert sent.state == State.DELIVERED and sent.lease_token == "" and sent.attempts == 1
    others = OutboxMessage.objects.exclude(pk=sent.pk)
    assert set(others.values_list("state", "attempts", "lease_token")) == {(State.PENDING, 0, "")}
