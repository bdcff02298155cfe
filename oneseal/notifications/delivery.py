"""Sending the e-mails and text messages the message box scheduled (run by the worker).

Each due delivery is claimed under a row lock (skipped by a second worker) with a lease, so
it is sent once even when two workers run; it is sent outside any transaction, and its
outcome is written with an `Attempt`: sent, failed (tried again after a doubling backoff,
ONESEAL_NOTIFY_BACKOFF_SECONDS, 2×, 4× …) or gave up (a permanent refusal such as an SMTP 5xx
or an unknown number, or ONESEAL_NOTIFY_MAX_ATTEMPTS reached). Quiet hours defer a delivery
to their end."""

import datetime
import logging
import smtplib
from collections import Counter

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import quiet
from .models import Attempt, Channel, Delivery, Notification
from .queries import preference_of
from .sms import SmsError, SmsSender, sender

logger = logging.getLogger("oneseal.notifications")

LEASE = datetime.timedelta(minutes=5)
BATCH = 200


class DeliveryFailed(Exception):
    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


def backoff(attempts: int) -> datetime.timedelta:
    """The wait after the `attempts`-th failure: the base, doubled each time."""
    return datetime.timedelta(
        seconds=settings.ONESEAL_NOTIFY_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)
    )


def absolute(link: str) -> str:
    return f"{settings.PUBLIC_URL}{link}" if link.startswith("/") else link


def _permanent_smtp(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def _link(notification: Notification) -> str:
    """The page a message links to, for an account; a message to an applicant's record goes
    to someone with no account to open it, so it links nowhere."""
    return absolute(notification.link) if notification.link and notification.user_id else ""


def _send_email(delivery: Delivery, connection: BaseEmailBackend) -> None:
    notification = delivery.notification
    text = notification.body
    if _link(notification):
        text += "\n\n" + _link(notification)
    elif notification.user_id is None:
        text += "\n\n" + _(
            "如需在网上查看办理进度和消息，请携带本人身份证明到窗口绑定网上办事账号。"
        )
    text += "\n\n" + _("（本邮件由系统自动发送，请勿回复。）")
    message = EmailMessage(
        subject=notification.title,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.address],
        connection=connection,
    )
    try:
        message.send(fail_silently=False)
    except Exception as exc:
        raise DeliveryFailed(
            f"{type(exc).__name__}: {exc}", permanent=_permanent_smtp(exc)
        ) from exc


def _send_sms(delivery: Delivery, sms: SmsSender) -> None:
    notification = delivery.notification
    try:
        sms.send(
            delivery.address,
            title=notification.title,
            text=notification.title,
            link=_link(notification),
        )
    except SmsError as exc:
        raise DeliveryFailed(str(exc), permanent=exc.permanent) from exc
    except Exception as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}", permanent=False) from exc


def _claim(pk: int, now: datetime.datetime) -> tuple[Delivery | None, str]:
    """Lock the delivery if still due; defer it past quiet hours, or lease it to this worker."""
    with transaction.atomic():
        delivery = (
            # Only the delivery is locked: a message to an applicant's record has no user, and
            # PostgreSQL locks no row on the nullable side of an outer join.
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("notification__user")
            .filter(pk=pk, state=Delivery.DeliveryState.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if delivery is None:
            return None, "gone"
        user = delivery.notification.user
        # A message to an applicant's record keeps the defaults: never at night.
        keeps_quiet = preference_of(user).quiet_hours if user is not None else True
        if quiet.is_quiet(now) and keeps_quiet:
            delivery.next_attempt_at = quiet.after_quiet(now)
            delivery.save(update_fields=["next_attempt_at"])
            return None, "deferred"
        delivery.next_attempt_at = now + LEASE
        delivery.save(update_fields=["next_attempt_at"])
        return delivery, "claimed"


@transaction.atomic
def _outcome(delivery: Delivery, now: datetime.datetime, error: DeliveryFailed | None) -> str:
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    delivery.attempts += 1
    if error is None:
        delivery.state, delivery.sent_at, delivery.last_error = (
            Delivery.DeliveryState.SENT,
            now,
            "",
        )
        outcome = Attempt.Outcome.SENT
    else:
        delivery.last_error = str(error)[:2000]
        if error.permanent or delivery.attempts >= settings.ONESEAL_NOTIFY_MAX_ATTEMPTS:
            delivery.state = Delivery.DeliveryState.GAVE_UP
            outcome = Attempt.Outcome.GAVE_UP
        else:
            delivery.next_attempt_at = now + backoff(delivery.attempts)
            outcome = Attempt.Outcome.FAILED
    delivery.save()
    Attempt.objects.create(
        delivery=delivery, at=now, outcome=outcome, error=delivery.last_error if error else ""
    )
    return outcome


def deliver_due(
    *,
    now: datetime.datetime | None = None,
    connection: BaseEmailBackend | None = None,
    sms: SmsSender | None = None,
) -> dict[str, int]:
    """Send every delivery due at `now`; counts of sent, failed (to retry), gave_up, deferred."""
    now = (now or timezone.now()).replace(microsecond=0)
    counts: Counter[str] = Counter({"sent": 0, "failed": 0, "gave_up": 0, "deferred": 0})
    ids = list(
        Delivery.objects.filter(state=Delivery.DeliveryState.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:BATCH]
    )
    if not ids:
        return dict(counts)
    sms = sms or sender()
    # Opened by the backend for each e-mail and closed after it, so a failure never leaves a
    # broken connection to the next one.
    connection = connection or get_connection(fail_silently=False)
    try:
        for pk in ids:
            delivery, state = _claim(pk, now)
            if delivery is None:
                if state == "deferred":
                    counts["deferred"] += 1
                continue
            error = None
            try:
                if delivery.channel == Channel.EMAIL:
                    _send_email(delivery, connection)
                else:
                    _send_sms(delivery, sms)
            except DeliveryFailed as exc:
                error = exc
                logger.warning("delivery %s failed: %s", delivery.pk, exc)
                _close(connection)
            counts[_outcome(delivery, now, error)] += 1
    finally:
        _close(connection)
    return dict(counts)


def _close(connection: BaseEmailBackend) -> None:
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - a connection that cannot even close is dropped
        logger.debug("closing the mail connection failed", exc_info=True)
