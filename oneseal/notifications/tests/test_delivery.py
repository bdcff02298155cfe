"""E-mail through Django's SMTP backend to a real local SMTP server, and SMS through the
Alibaba Cloud adapter to a local stub: sent, retried after a 4xx or a server that is down,
given up on a 5xx or after the last attempt, every attempt recorded; quiet hours on real
Asia/Shanghai times defer a delivery, never drop it."""

import datetime
import json

import pytest
import time_machine

from oneseal.notifications import actions, delivery
from oneseal.notifications.models import Attempt, Delivery, Kind, Notification
from oneseal.testing import at, in_parallel, needs_postgres

from .conftest import SECRET

FRIDAY_10 = at("2025-01-24 10:00")


def told(user, when=FRIDAY_10) -> Notification:
    with time_machine.travel(when, tick=False):
        return actions.notify(
            user=user,
            kind=Kind.ACCEPTANCE,
            title="申请已受理（640221-2025-0001）",
            body="您申请的“食品经营许可（新办）”已受理。",
            link="/my/cases/1/",
        )


@pytest.fixture
def reader(applicant_user, own_applicant):
    """An applicant with an account, an e-mail and a mobile phone (13909520000)."""
    applicant_user.email = "ma@example.cn"
    applicant_user.save(update_fields=["email"])
    return applicant_user


def only(user, **channels):
    actions.save_preference(actor=user, **{"by_email": False, "by_sms": False, **channels})


def outcomes(d: Delivery) -> list[str]:
    return list(d.attempt_log.order_by("id").values_list("outcome", flat=True))


def test_mail_is_sent_to_a_real_smtp_server_and_the_attempt_recorded(reader, smtp_server):
    only(reader, by_email=True)
    n = told(reader)
    assert [(d.channel, d.address) for d in n.deliveries.all()] == [("email", "ma@example.cn")]
    assert delivery.deliver_due(now=FRIDAY_10)["sent"] == 1
    (envelope,) = smtp_server.accepted
    assert envelope.rcpt_tos == ["ma@example.cn"]
    text = envelope.content.decode()
    assert "http://127.0.0.1:8000/my/cases/1/" in text or "/my/cases/1/" in text
    d = n.deliveries.get()
    assert d.state == "sent" and d.attempts == 1 and outcomes(d) == ["sent"]
    assert delivery.deliver_due(now=FRIDAY_10 + datetime.timedelta(hours=1))["sent"] == 0


def test_a_4xx_is_retried_after_the_backoff_until_the_server_takes_it(reader, smtp_server):
    only(reader, by_email=True)
    smtp_server.replies = ["451 4.3.0 Try again later", "421 4.7.0 Too busy"]
    n = told(reader)
    d = n.deliveries.get()
    assert delivery.deliver_due(now=FRIDAY_10)["failed"] == 1
    d.refresh_from_db()
    assert d.state == "pending" and d.next_attempt_at == FRIDAY_10 + datetime.timedelta(seconds=60)
    assert "451" in d.last_error
    # Not due before the backoff ends; the second wait is twice as long.
    assert delivery.deliver_due(now=FRIDAY_10 + datetime.timedelta(seconds=59)) == {
        "sent": 0,
        "failed": 0,
        "gave_up": 0,
        "deferred": 0,
    }
    second = FRIDAY_10 + datetime.timedelta(seconds=60)
    assert delivery.deliver_due(now=second)["failed"] == 1
    d.refresh_from_db()
    assert d.next_attempt_at == second + datetime.timedelta(seconds=120)
    assert delivery.deliver_due(now=second + datetime.timedelta(seconds=120))["sent"] == 1
    d.refresh_from_db()
    assert d.state == "sent" and d.attempts == 3 and outcomes(d) == ["failed", "failed", "sent"]
    assert len(smtp_server.accepted) == 1
    errors = list(d.attempt_log.order_by("id").values_list("error", flat=True))
    assert "451" in errors[0] and "421" in errors[1] and errors[2] == ""


def test_a_5xx_is_given_up_at_once(reader, smtp_server):
    only(reader, by_email=True)
    smtp_server.replies = ["550 5.1.1 Mailbox unavailable"]
    d = told(reader).deliveries.get()
    assert delivery.deliver_due(now=FRIDAY_10)["gave_up"] == 1
    d.refresh_from_db()
    assert d.state == "gave_up" and outcomes(d) == ["gave_up"] and "550" in d.last_error
    later = FRIDAY_10 + datetime.timedelta(days=1)
    assert delivery.deliver_due(now=later)["gave_up"] == 0 and not smtp_server.accepted


def test_a_server_that_is_down_is_retried_then_given_up(reader, smtp_down, settings):
    settings.ONESEAL_NOTIFY_MAX_ATTEMPTS = 3
    only(reader, by_email=True)
    n = told(reader)
    d = n.deliveries.get()
    moment = FRIDAY_10
    for expected in ("failed", "failed", "gave_up"):
        assert delivery.deliver_due(now=moment)[expected] == 1
        d.refresh_from_db()
        moment = d.next_attempt_at
    assert d.state == "gave_up" and d.attempts == 3
    assert outcomes(d) == ["failed", "failed", "gave_up"]
    assert "ConnectionRefusedError" in d.last_error
    # The message stays in the box whatever became of its e-mail.
    assert Notification.objects.get(pk=n.pk).read_at is None


def test_quiet_hours_defer_mail_and_sms_to_eight_in_the_morning_in_shanghai(reader, smtp_server):
    n = told(reader, at("2025-01-24 23:10"))
    assert Notification.objects.filter(pk=n.pk).exists()  # the box is never quiet
    assert {d.channel for d in n.deliveries.all()} == {"email", "sms"}
    assert {d.next_attempt_at for d in n.deliveries.all()} == {at("2025-01-25 08:00")}
    assert delivery.deliver_due(now=at("2025-01-25 07:59"))["sent"] == 0
    assert delivery.deliver_due(now=at("2025-01-25 08:00"))["sent"] == 2
    assert len(smtp_server.accepted) == 1


def test_a_retry_falling_in_quiet_hours_waits_for_their_end(reader, smtp_server):
    only(reader, by_email=True)
    smtp_server.replies = ["451 4.3.0 Try again later"]
    d = told(reader, at("2025-01-24 21:59:30")).deliveries.get()
    assert delivery.deliver_due(now=at("2025-01-24 21:59:30"))["failed"] == 1
    d.refresh_from_db()
    assert d.next_attempt_at == at("2025-01-24 22:00:30")
    assert delivery.deliver_due(now=at("2025-01-24 22:01"))["deferred"] == 1
    d.refresh_from_db()
    assert d.state == "pending" and d.next_attempt_at == at("2025-01-25 08:00")
    assert delivery.deliver_due(now=at("2025-01-25 08:00"))["sent"] == 1


def test_without_quiet_hours_a_message_goes_out_at_night(reader, smtp_server):
    actions.save_preference(actor=reader, by_email=True, by_sms=False, quiet_hours=False)
    d = told(reader, at("2025-01-24 23:10")).deliveries.get()
    assert d.next_attempt_at == at("2025-01-24 23:10")
    assert delivery.deliver_due(now=at("2025-01-24 23:10"))["sent"] == 1


@pytest.fixture
def aliyun(settings, sms_stub):
    settings.ONESEAL_SMS_BACKEND = "aliyun"
    settings.ONESEAL_SMS_ALIYUN_ENDPOINT = sms_stub.url
    settings.ONESEAL_SMS_ALIYUN_ACCESS_KEY_ID = "stub-id"
    settings.ONESEAL_SMS_ALIYUN_ACCESS_KEY_SECRET = SECRET
    settings.ONESEAL_SMS_ALIYUN_SIGN_NAME = "平罗县行政审批局"
    settings.ONESEAL_SMS_ALIYUN_TEMPLATE_CODE = "SMS_000001"
    return sms_stub


def test_sms_goes_to_the_providers_api_signed(reader, aliyun):
    only(reader, by_sms=True)
    d = told(reader).deliveries.get()
    assert delivery.deliver_due(now=FRIDAY_10)["sent"] == 1
    (form,) = aliyun.received
    assert form["Action"] == "SendSms" and form["PhoneNumbers"] == "13909520000"
    assert form["SignName"] == "平罗县行政审批局" and form["TemplateCode"] == "SMS_000001"
    param = json.loads(form["TemplateParam"])
    assert param["title"] == "申请已受理（640221-2025-0001）"
    assert param["link"].endswith("/my/cases/1/")
    d.refresh_from_db()
    assert d.state == "sent" and outcomes(d) == ["sent"]


def test_a_provider_error_is_retried_and_a_refused_number_given_up(reader, aliyun, settings):
    only(reader, by_sms=True)
    aliyun.replies = [
        (500, {"Code": "InternalError", "Message": "系统错误"}),
        (200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"}),
    ]
    d = told(reader).deliveries.get()
    assert delivery.deliver_due(now=FRIDAY_10)["failed"] == 1
    d.refresh_from_db()
    assert "InternalError" in d.last_error
    assert delivery.deliver_due(now=d.next_attempt_at)["gave_up"] == 1
    d.refresh_from_db()
    assert d.state == "gave_up" and "isv.MOBILE_NUMBER_ILLEGAL" in d.last_error
    assert outcomes(d) == ["failed", "gave_up"]


def test_a_wrong_secret_is_refused_by_the_provider_and_given_up(reader, aliyun, settings):
    settings.ONESEAL_SMS_ALIYUN_ACCESS_KEY_SECRET = "not-the-secret"
    only(reader, by_sms=True)
    d = told(reader).deliveries.get()
    assert delivery.deliver_due(now=FRIDAY_10)["gave_up"] == 1
    d.refresh_from_db()
    assert "SignatureDoesNotMatch" in d.last_error


def test_no_channel_chosen_means_the_box_only(reader, smtp_server):
    only(reader)
    n = told(reader)
    assert not n.deliveries.exists() and Attempt.objects.count() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@needs_postgres
def test_two_workers_send_a_message_once(reader, smtp_server):
    only(reader, by_email=True)
    d = told(reader).deliveries.get()
    results = in_parallel(
        lambda: delivery.deliver_due(now=FRIDAY_10), lambda: delivery.deliver_due(now=FRIDAY_10)
    )
    assert sorted(r["sent"] for r in results) == [0, 1]
    d.refresh_from_db()
    assert d.state == "sent" and d.attempts == 1 and len(smtp_server.accepted) == 1
