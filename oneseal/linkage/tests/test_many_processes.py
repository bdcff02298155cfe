"""Beyond one machine: three gunicorn app servers and two workers against one PostgreSQL
database, as a bureau would run them on several machines (docs/scaling.md).

- every case is accepted through all three servers at once: one acceptance per case, the
  other requests refused, none a 500 (no double action);
- cases past their acceptance limit are deemed accepted by the two workers: each once, none
  left (no double action, no lost job);
- the decisions' messages to the department's system are delivered by the two workers'
  webhook passes: each exactly once, none left pending (no double delivery, no lost job).

The processes are started here (a minimal starter: gunicorn and `oneseal worker` with the test
database's DATABASE_URL); nothing waits for a fixed time, conditions are polled to a deadline.
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from oneseal.cases import actions as case_actions
from oneseal.cases.models import Case, CaseEvent, State
from oneseal.linkage.models import OutboxMessage
from oneseal.testing import POSTGRES_ONLY, at

from .test_deliverers import database_url, wait_until
from .test_delivery import endpoint  # noqa: F401 — fixture

pytestmark = [*POSTGRES_ONLY, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SERVERS = 3
WORKERS = 2
RACED = 8  # cases accepted through every server at once
LATE = 6  # cases past their acceptance limit, for the workers
DECIDED = 4  # decisions whose messages the workers deliver


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Started:
    """A process started in its own group, its output in a file (shown when a check fails)."""

    def __init__(self, name: str, argv: list[str], env: dict, log_dir: Path):
        self.name = name
        self.log = log_dir / f"{name}.log"
        with open(self.log, "wb") as out:
            self.popen = subprocess.Popen(
                argv, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def stop(self) -> int:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait()
        return self.popen.returncode


def environment() -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "oneseal.settings",
        "ONESEAL_SECRET_KEY": settings.SECRET_KEY,
        "ONESEAL_SEARCH_EMBEDDINGS": "0",
        "ONESEAL_WEBHOOK_LEASE_SECONDS": "30",
        "ONESEAL_WEBHOOK_TIMEOUT_SECONDS": "5",
        "ONESEAL_CONN_MAX_AGE": "60",
        "PYTHONPATH": str(Path(settings.BASE_DIR).parent),
    }


def answers(port: int, path: str, cookie: str, csrf: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            "POST",
            path,
            body=json.dumps({}),
            headers={
                "Content-Type": "application/json",
                "Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}; {settings.CSRF_COOKIE_NAME}={csrf}",
                "X-CSRFToken": csrf,
                "Host": "127.0.0.1",
            },
        )
        return connection.getresponse().status
    finally:
        connection.close()


def serving(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/api/v1/cases", headers={"Host": "127.0.0.1"})
        return connection.getresponse().status in (200, 401, 403)
    except OSError:
        return False


def test_three_app_servers_and_two_workers_do_each_thing_once(
    item,
    applicant,
    clerk,
    endpoint,  # noqa: F811
    decide,
):
    receiver = endpoint()
    raced = []
    for _ in range(RACED):
        case = case_actions.receive(item, actor=clerk, applicant=applicant, at=timezone.now())
        raced.append(
            case_actions.check_materials(
                case, actor=clerk, statuses={m.pk: "provided" for m in case.materials.all()}
            )
        )
    late = [
        case_actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00"))
        for _ in range(LATE)
    ]
    with receiver:
        decided = [decide() for _ in range(DECIDED)]
        messages = [str(i) for i in OutboxMessage.objects.values_list("idempotency_id", flat=True)]
        assert len(messages) == DECIDED

        browser = Client()
        browser.force_login(clerk)
        cookie = browser.cookies[settings.SESSION_COOKIE_NAME].value
        csrf = "k" * 32

        env = environment()
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        ports = [free_port() for _ in range(SERVERS)]
        with tempfile.TemporaryDirectory() as logs:
            started = [
                Started(
                    f"web{i}",
                    [
                        gunicorn,
                        "oneseal.wsgi:application",
                        "--workers",
                        "1",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--timeout",
                        "60",
                    ],
                    env,
                    Path(logs),
                )
                for i, port in enumerate(ports)
            ]
            try:
                assert wait_until(lambda: all(serving(p) for p in ports), 60), [
                    s.output() for s in started
                ]
                # Every case accepted through every server at the same moment.
                codes: dict[int, list[int]] = {c.pk: [] for c in raced}
                barrier = threading.Barrier(SERVERS * RACED)

                def accept(case_id: int, port: int):
                    barrier.wait(timeout=30)
                    code = answers(port, f"/api/v1/cases/{case_id}/accept", cookie, csrf)
                    codes[case_id].append(code)

                threads = [
                    threading.Thread(target=accept, args=(c.pk, port))
                    for c in raced
                    for port in ports
                ]
                for t in threads:
                    t.start()
                # The workers start while the servers answer.
                started += [
                    Started(
                        f"worker{i}",
                        [sys.executable, "-m", "oneseal.cli", "worker", "--interval", "0.5"],
                        env,
                        Path(logs),
                    )
                    for i in range(WORKERS)
                ]
                for t in threads:
                    t.join(timeout=60)
                done = wait_until(
                    lambda: (
                        not OutboxMessage.objects.filter(
                            state=OutboxMessage.MessageState.PENDING
                        ).exists()
                        and not Case.objects.filter(
                            pk__in=[c.pk for c in late], state=State.RECEIVED
                        ).exists()
                    ),
                    60,
                )
                output = {s.name: s.output() for s in started}
            finally:
                codes_on_exit = {s.name: s.stop() for s in started}
        assert done, output
        for case_id, seen in codes.items():
            assert sorted(seen)[0] == 200 and seen.count(200) == 1, (case_id, seen, output)
            assert all(code in (200, 400, 409) for code in seen), (case_id, seen)
        accepted = Counter(
            CaseEvent.objects.filter(
                case__in=raced, action__in=("accept", "deem_accepted")
            ).values_list("case_id", flat=True)
        )
        assert accepted == Counter(c.pk for c in raced), "one acceptance per raced case"
        deemed = Counter(
            CaseEvent.objects.filter(case__in=late, action="deem_accepted").values_list(
                "case_id", flat=True
            )
        )
        assert deemed == Counter(c.pk for c in late), "each late case deemed accepted once"
        per_id = Counter(r["headers"]["X-Oneseal-Delivery"] for r in receiver.requests)
        assert per_id == Counter(messages), "each message delivered exactly once"
        assert receiver.bad_signatures == 0
        assert set(OutboxMessage.objects.values_list("state", "attempts")) == {
            (OutboxMessage.MessageState.DELIVERED, 1)
        }
        assert [d.pk for d in decided]
        assert set(codes_on_exit.values()) == {0}, (codes_on_exit, output)
