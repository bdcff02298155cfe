"""/healthz and /metrics: what they answer, to whom, and what they never say."""

import datetime

import pytest
from django.utils import timezone

from oneseal.operations import heartbeats, metrics
from oneseal.operations.models import Heartbeat
from oneseal.testing import accepted_case, at

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-0123456789abcdef"


def test_healthy_when_database_worker_and_seal_key_are_there(client, settings):
    settings.SEAL_KEY = "k" * 40
    heartbeats.beat(heartbeats.WORKER)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "worker": "ok", "seal_key": "ok"},
    }
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_no_worker_ever_and_a_stale_one_are_unhealthy(client, settings):
    settings.SEAL_KEY = "k" * 40
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == "missing"

    heartbeats.beat(heartbeats.WORKER)
    Heartbeat.objects.update(
        beat_at=timezone.now() - datetime.timedelta(seconds=settings.ONESEAL_HEARTBEAT_MAX_AGE + 1)
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unhealthy",
        "checks": {"database": "ok", "worker": "stale", "seal_key": "ok"},
    }
    # The deliverer's beat does not stand in for the worker's.
    heartbeats.beat(heartbeats.DELIVERER)
    assert client.get("/healthz").status_code == 503


def test_a_missing_seal_key_is_unhealthy_and_nothing_secret_is_said(client, settings, tmp_path):
    settings.SEAL_KEY = ""
    settings.SEAL_KEY_FILE = tmp_path / "absent"
    settings.SEAL_KEY_CREATE = False
    heartbeats.beat(heartbeats.WORKER)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["seal_key"] == "missing"
    body = response.content.decode()
    assert str(tmp_path) not in body and "absent" not in body
    # Only reading: nothing else answers.
    assert client.post("/healthz").status_code == 405


def test_metrics_do_not_exist_unless_configured(client, settings):
    settings.METRICS_ENABLED = False
    assert client.get("/metrics").status_code == 404


def test_metrics_refuse_a_wrong_token_and_another_address(client, settings):
    import ipaddress

    settings.METRICS_ENABLED = True
    settings.ONESEAL_METRICS_TOKEN = TOKEN
    settings.ONESEAL_METRICS_ALLOWED_IPS = [ipaddress.ip_network("10.0.0.0/8")]
    assert client.get("/metrics").status_code == 403
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer " + TOKEN[:-1] + "x")
    assert wrong.status_code == 403 and b"oneseal" not in wrong.content
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.7").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer " + TOKEN).status_code == 200


def test_metrics_count_actions_queues_and_overdue_cases(
    client, settings, handling_item, applicant, clerk, django_capture_on_commit_callbacks
):
    """An accepted case past its promised date is counted overdue at the scrape; accepting it
    counted one `accept` (the observer is registered here as ready() does when enabled)."""
    import time_machine

    from oneseal.cases import notices

    settings.METRICS_ENABLED = True
    settings.ONESEAL_METRICS_TOKEN = TOKEN
    before = metrics.CASE_ACTIONS.labels(action="accept")._value.get()
    notices.observe(metrics.case_event)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            accepted_case(handling_item, applicant, clerk, "2025-09-26")
    finally:
        notices.unobserve(metrics.case_event)
    assert metrics.CASE_ACTIONS.labels(action="accept")._value.get() == before + 1
    heartbeats.beat(heartbeats.WORKER)
    # Promised 5 working days from Friday 26 September 2025: the National Day holiday puts the
    # due date on 15 October (the 28 September and 11 October Saturdays are working days).
    with time_machine.travel(at("2025-10-20 10:00"), tick=False):
        body = client.get("/metrics", HTTP_AUTHORIZATION="Bearer " + TOKEN).content.decode()
    assert 'oneseal_cases_open{state="accepted"} 1.0' in body
    assert 'oneseal_cases_overdue{limit="promised"} 1.0' in body
    assert 'oneseal_cases_overdue{limit="statutory"} 0.0' in body
    assert 'oneseal_queue_depth{queue="webhooks"} 0.0' in body
    assert 'oneseal_heartbeat_age_seconds{process="worker"}' in body
    assert 'oneseal_case_actions_total{action="accept"}' in body
    with time_machine.travel(at("2025-10-09 10:00"), tick=False):
        body = client.get("/metrics", HTTP_AUTHORIZATION="Bearer " + TOKEN).content.decode()
    assert 'oneseal_cases_overdue{limit="promised"} 0.0' in body


def test_a_worker_pass_beats_and_a_stop_ends_it_after_the_job_under_way(monkeypatch):
    """SIGTERM sets the stop: the job under way finishes, the next one does not start."""
    import threading

    from oneseal.cases.management.commands import worker

    stop = threading.Event()
    ran = []

    def first(day):
        ran.append("first")
        stop.set()  # the signal arrives while the first job runs
        return 0

    def second(day):
        ran.append("second")
        return 0

    monkeypatch.setattr(
        worker, "scheduled_jobs", lambda: [("first", first, str), ("second", second, str)]
    )
    assert worker.Command().run_pass(None, stop=stop) == 0
    assert ran == ["first"]
    assert heartbeats.fresh(heartbeats.WORKER)
    assert Heartbeat.objects.get(process="worker").pid > 0
