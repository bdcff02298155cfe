"""The production configuration, started as deploy/ runs it: DEBUG off, gunicorn with
deploy/gunicorn.conf.py on a free port, PostgreSQL, `oneseal worker`. A case walks from intake
to delivery through HTTP as nginx would pass it on (X-Forwarded-Proto: https, the public host),
/healthz is 200 with the worker's heartbeat fresh, and both processes exit 0 on SIGTERM.

One test, on PostgreSQL only (the processes share the test database, so it is committed:
transactional), lean: a handful of requests, two sign-ins."""

import http.client
import json
import secrets
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from oneseal.operations.models import Heartbeat
from oneseal.testing import POSTGRES_ONLY
from oneseal.testing.processes import production_env, start_gunicorn, start_worker, wait_until

pytestmark = [*POSTGRES_ONLY, pytest.mark.django_db(transaction=True)]

HOST = "spj.example.gov.cn"
SEAL_KEY = "production-test-seal-key-" + "0123456789abcdef"
METRICS_TOKEN = "production-test-metrics-" + "0123456789abcdef"


class Browser:
    """A client that talks to gunicorn the way nginx passes requests on: the public host,
    https in X-Forwarded-Proto, one forwarded address; it keeps its cookies (Secure ones too,
    since to the application the connection is HTTPS)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, **headers: str):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "198.51.100.20",
            "Referer": f"https://{HOST}/",
            **headers,
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if "csrftoken" in self.cookies and method != "GET":
            sent["X-CSRFToken"] = self.cookies["csrftoken"]
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        connection.close()
        return response.status, content

    def sign_in(self, username: str, password: str) -> None:
        self.request("GET", "/accounts/login/")
        form = urlencode(
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": self.cookies["csrftoken"],
            }
        ).encode()
        status, content = self.request(
            "POST",
            "/accounts/login/",
            form,
            **{"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status == 302, content.decode(errors="replace")[:500]

    def api(self, path: str, body: dict | None = None) -> dict:
        if body is None:
            status, content = self.request("GET", path)
        else:
            status, content = self.request(
                "POST", path, json.dumps(body).encode(), **{"Content-Type": "application/json"}
            )
        assert status in (200, 201), f"{path}: {status} {content.decode(errors='replace')[:500]}"
        return json.loads(content)


def test_production_walks_a_case_from_intake_to_delivery_and_stops_cleanly(
    tmp_path, handling_item, applicant, clerk, signatory
):
    # The server hashes with production's PBKDF2 (the tests' fast hasher is not among its
    # hashers): two passwords, set here.
    passwords = {user: secrets.token_urlsafe(12) for user in (clerk, signatory)}
    hasher = PBKDF2PasswordHasher()
    for user, password in passwords.items():
        user.password = hasher.encode(password, hasher.salt())
        user.save(update_fields=["password"])
    # No seal is created: the notices wait in the pending queue (as on a bureau's first day)
    # instead of each request rendering and signing a PDF, which is documents' own tests'
    # business and costs seconds here. The seal key is configured, which /healthz checks.

    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = production_env(tmp_path / "var", url, seal_key=SEAL_KEY, METRICS_TOKEN=METRICS_TOKEN)
    env["PROMETHEUS_MULTIPROC_DIR"] = str(tmp_path / "metrics")
    (tmp_path / "var").mkdir()

    with start_gunicorn(env, workers=2) as web, start_worker(env, interval=1) as worker:
        browser = Browser(web.port)
        # Plain HTTP, as a load balancer asks; healthy once the worker's first pass beat.
        health = Browser(web.port)

        def healthy() -> bool:
            try:
                status, _ = health.request("GET", "/healthz", **{"X-Forwarded-Proto": "http"})
            except TimeoutError:  # the workers still starting on a busy machine
                return False
            return status == 200

        wait_until(
            healthy,
            timeout=120,
            what="/healthz 200",
            process=worker,
        )
        status, content = health.request("GET", "/healthz")
        assert status == 200
        assert json.loads(content) == {
            "status": "ok",
            "checks": {"database": "ok", "worker": "ok", "seal_key": "ok"},
        }
        assert Heartbeat.objects.filter(process="worker").exists()

        browser.sign_in(clerk.username, passwords[clerk])
        opened = browser.api(
            "/api/v1/cases",
            {"handling_item": handling_item.pk, "applicant": applicant.pk, "channel": "window"},
        )
        case_url = f"/api/v1/cases/{opened['id']}"
        detail = browser.api(
            f"{case_url}/check-materials",
            {
                "statuses": {str(m["id"]): "provided" for m in opened["materials"]},
                "expected_version": opened["lock_version"],
            },
        )
        detail = browser.api(f"{case_url}/accept", {"expected_version": detail["lock_version"]})
        assert detail["state"] == "accepted"

        boss = Browser(web.port)
        boss.sign_in(signatory.username, passwords[signatory])
        granted = boss.api(
            f"{case_url}/grant",
            {"scope": "热食类食品制售", "valid_from": detail["clocks"]["accepted_on"]},
        )
        assert granted["state"] == "granted"

        delivered = browser.api(f"{case_url}/deliver", {"channel": "window"})
        assert delivered["state"] == "delivered"
        assert [e["action"] for e in delivered["events"]][:2] == ["receive", "accept"]
        assert [e["action"] for e in delivered["events"]][-2:] == ["grant", "deliver"]

        # Both gunicorn workers' counts add up (multiprocess mode): one of each action.
        status, content = browser.request(
            "GET", "/metrics", Authorization=f"Bearer {METRICS_TOKEN}"
        )
        metrics = content.decode()
        assert status == 200
        for action in ("receive", "accept", "grant", "deliver"):
            assert f'oneseal_case_actions_total{{action="{action}"}} 1.0' in metrics
        assert "django_http_requests_total_by_method_total" in metrics
        assert 'oneseal_cases_open{state="granted"} 0.0' in metrics
        assert browser.request("GET", "/metrics")[0] == 403

        # The server refuses what production must refuse: another host, no sign-in.
        assert browser.request("GET", "/healthz", Host="evil.example.com")[0] == 400
        assert Browser(web.port).request("GET", case_url)[0] in (401, 403)
        # The log is JSON lines (ONESEAL_LOG_FORMAT=json), fit for journald.
        access = [line for line in web.output().splitlines() if '"gunicorn.access"' in line]
        assert access and all(json.loads(line)["logger"] == "gunicorn.access" for line in access)

        # Stopped the way systemd stops them.
        assert worker.stop() == 0, worker.output()
        assert web.stop() == 0, web.output()
    assert "worker stopped" in worker.output()
