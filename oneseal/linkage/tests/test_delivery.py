"""Webhook delivery against a real HTTP server on 127.0.0.1: signature checked by the receiver,
retries after 500s and timeouts with backoff, duplicates ignored by idempotency id, a worker
killed mid-delivery, the dead-letter list and its replay, two workers at once."""

import datetime
import io
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from oneseal.errors import NotPermitted
from oneseal.linkage import actions, delivery
from oneseal.linkage.models import OutboxMessage
from oneseal.testing import in_parallel, needs_postgres

from .receiver import Receiver

State = OutboxMessage.MessageState


@pytest.fixture(autouse=True)
def _quick(settings):
    settings.ONESEAL_WEBHOOK_TIMEOUT_SECONDS = 0.3
    settings.ONESEAL_WEBHOOK_BACKOFF_SECONDS = 30
    settings.ONESEAL_WEBHOOK_LEASE_SECONDS = 60
    settings.ONESEAL_WEBHOOK_MAX_ATTEMPTS = 4


@pytest.fixture
def endpoint(department):
    """Turn on the department's endpoint for a receiver; returns (receiver, secret)."""

    def make(*script):
        receiver = Receiver(script=script)
        _link, secret = actions.configure_department_link(
            department, system=True, sign_days=3, webhook_url=receiver.url, webhook_enabled=True
        )
        receiver.secret = secret
        return receiver

    return make


def later(seconds: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=seconds)


def test_a_decision_reaches_the_department_system_signed_and_verified(decide, endpoint):
    with endpoint() as receiver:
        case = decide()
        message = OutboxMessage.objects.get()
        assert message.push == case.pushes.get() and message.state == State.PENDING
        assert delivery.deliver_once() == {"delivered": 1, "retry": 0, "dead": 0, "lost": 0}
    assert receiver.bad_signatures == 0 and receiver.processed == [str(message.idempotency_id)]
    headers = receiver.requests[0]["headers"]
    assert headers["X-Oneseal-Event"] == "decision"
    assert headers["X-Oneseal-Signature"].startswith("sha256=")
    message.refresh_from_db()
    assert message.state == State.DELIVERED and message.attempts == 1 and message.last_status == 200


def test_a_changed_body_or_a_wrong_secret_fails_the_receivers_check(decide, endpoint):
    with endpoint() as receiver:
        decide()
        message = OutboxMessage.objects.get()
        body = delivery.body_of(message.payload)
        stamp = str(int(time.time()))
        good = {
            "X-Oneseal-Timestamp": stamp,
            "X-Oneseal-Signature": delivery.signature(receiver.secret, stamp, body),
        }
        assert delivery.verify_signature(receiver.secret, good, body)
        assert not delivery.verify_signature(
            receiver.secret, good, body.replace(b"grant", b"deny!")
        )
        assert not delivery.verify_signature("another secret", good, body)
        assert not delivery.verify_signature(receiver.secret, good, body, now=time.time() + 600)


def test_500s_and_a_timeout_are_retried_with_backoff_and_processed_once(decide, endpoint):
    with endpoint(500, ("slow", 0.8), 200) as receiver:
        decide()
        message = OutboxMessage.objects.get()
        t0 = timezone.now()
        assert delivery.deliver_once(now=t0)["retry"] == 1
        message.refresh_from_db()
        assert (message.attempts, message.last_status) == (1, 500)
        assert message.next_attempt_at == t0 + datetime.timedelta(seconds=30)
        assert delivery.deliver_once(now=t0 + datetime.timedelta(seconds=29)) == {
            "delivered": 0,
            "retry": 0,
            "dead": 0,
            "lost": 0,
        }  # not due yet
        t1 = t0 + datetime.timedelta(seconds=31)
        assert delivery.deliver_once(now=t1)["retry"] == 1  # the receiver was too slow
        message.refresh_from_db()
        assert message.last_error.startswith(("timeout", "connection")) and message.attempts == 2
        assert message.next_attempt_at == t1 + datetime.timedelta(seconds=60)
        assert delivery.deliver_once(now=t1 + datetime.timedelta(seconds=61))["delivered"] == 1
        time.sleep(0.6)  # let the slow request finish on the receiver's side
    message.refresh_from_db()
    assert message.state == State.DELIVERED and message.attempts == 3
    assert len(receiver.requests) == 3
    ids = {r["headers"]["X-Oneseal-Delivery"] for r in receiver.requests}
    assert ids == {str(message.idempotency_id)}
    assert receiver.processed == [str(message.idempotency_id)]  # the slow one and the retry: once


def test_a_worker_killed_after_sending_leaves_the_message_to_be_sent_again_and_processed_once(
    decide, endpoint
):
    with endpoint() as receiver:
        decide()
        message = OutboxMessage.objects.get()
        (claimed,) = delivery.claim()
        delivery.send(message)  # the receiver processed it … and the worker died before recording
        assert delivery.deliver_once()["delivered"] == 0  # still leased to the dead worker
        assert delivery.deliver_once(now=later(61)) == {
            "delivered": 1,
            "retry": 0,
            "dead": 0,
            "lost": 0,
        }
        assert (
            delivery.record_outcome(claimed, delivery.Outcome(False, True, error="late")) is None
        )  # lease lost
    message.refresh_from_db()
    assert message.state == State.DELIVERED and message.attempts == 2
    assert len(receiver.requests) == 2 and receiver.processed == [str(message.idempotency_id)]


def test_a_claim_abandoned_before_sending_is_delivered_after_the_lease(decide, endpoint):
    with endpoint() as receiver:
        decide()
        assert len(delivery.claim()) == 1 and delivery.claim() == []  # nobody else can take it
        assert delivery.deliver_once(now=later(61))["delivered"] == 1
    assert len(receiver.processed) == 1 and len(receiver.requests) == 1


def test_an_unreachable_system_is_retried_then_dead_and_an_administrator_replays_it(
    decide, endpoint, department, root_client
):
    receiver = endpoint()  # never started: connection refused
    receiver.server.server_close()
    decide()
    message = OutboxMessage.objects.get()
    for minutes in range(4):
        delivery.deliver_once(now=later(minutes * 3600))
    message.refresh_from_db()
    assert (
        message.state == State.DEAD
        and message.attempts == 4
        and message.last_error.startswith("connection")
    )

    page = root_client.get(reverse("linkage:dead-letters")).content.decode()
    assert str(message.idempotency_id) in page
    # The kind by its name, not the webhook's code.
    assert "许可决定推送" in page and "<td>decision</td>" not in page
    with Receiver(secret=receiver.secret) as back:
        actions.configure_department_link(
            department, system=True, sign_days=3, webhook_url=back.url, webhook_enabled=True
        )
        response = root_client.post(reverse("linkage:replay", args=[message.pk]))
        assert response.status_code == 302
        message.refresh_from_db()
        assert message.state == State.PENDING and message.replays == 1 and message.attempts == 0
        assert delivery.deliver_once()["delivered"] == 1
    assert back.processed == [str(message.idempotency_id)]


def test_a_refusal_other_than_5xx_goes_straight_to_the_dead_letters(decide, endpoint):
    with endpoint(401) as receiver:
        decide()
        assert delivery.deliver_once()["dead"] == 1
    assert receiver.processed == []
    assert OutboxMessage.objects.get().last_status == 401


def test_only_an_administrator_may_replay(decide, endpoint, supervisor, client):
    with endpoint(400):
        decide()
        assert delivery.deliver_once()["dead"] == 1
    message = OutboxMessage.objects.get()
    with pytest.raises(NotPermitted):
        actions.replay_message(message, actor=supervisor)
    client.force_login(supervisor)
    assert client.post(reverse("linkage:replay", args=[message.pk])).status_code == 403
    assert client.get(reverse("linkage:dead-letters")).status_code == 403
    assert OutboxMessage.objects.get().state == State.DEAD


def test_no_endpoint_means_no_message_and_the_command_reports_nothing_to_send(decide):
    decide()
    assert not OutboxMessage.objects.exists()
    out = io.StringIO()
    call_command("linkage", "deliver", "--once", stdout=out)
    assert out.getvalue().strip() == "0 webhook(s) delivered, 0 to retry, 0 dead"


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@needs_postgres
def test_two_workers_at_once_claim_each_message_once(decide, endpoint, department):
    endpoint()
    case = decide()
    push = case.pushes.get()
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                department=department,
                region_code="640221",
                event_type="decision",
                push=push,
                payload={"n": i},
                next_attempt_at=timezone.now(),
            )
            for i in range(60)
        ]
    )

    def claim_ten_times():
        return [c.pk for _ in range(10) for c in delivery.claim(limit=7)]

    first, second = in_parallel(claim_ten_times, claim_ten_times)
    results = first + second
    assert len(results) == len(set(results)) == OutboxMessage.objects.count() == 61
