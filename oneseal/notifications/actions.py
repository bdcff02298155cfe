"""The notifications' writes. `notify` is the contract the other apps call: it puts the
message in the recipient's box and schedules its e-mail and SMS by the recipient's choice,
inside the caller's transaction, and never makes the caller's act fail for a delivery problem.
`notify_applicant` is the one rule for telling an applicant, whatever path recorded the act:
the accounts acting for it, or — when none does (an applicant served at the window) — the
applicant's record, by the mobile number and e-mail it holds, with the same quiet hours,
retries and record of what was sent. The worker sends what is due (`delivery.deliver_due`)."""

import datetime
import logging
import re
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oneseal.actors import User
from oneseal.audit.actions import record
from oneseal.errors import NotPermitted, fail_fields
from oneseal.prepared import insert

from . import quiet
from .models import Channel, Delivery, Kind, Notification, Preference
from .queries import applicant_accounts, email_configured, inbox_filter, preference_of

if TYPE_CHECKING:
    from django.contrib.auth.models import User as AuthUser

    from oneseal.applicants.models import Applicant
    from oneseal.cases.models import Case

logger = logging.getLogger("oneseal.notifications")

MOBILE = re.compile(r"1[3-9]\d{9}")


def addresses(user: "AuthUser", preference: Preference) -> dict[str, str]:
    """Where each chosen channel reaches the account: the preference's own address, else the
    account's e-mail and its own applicant's contact phone or e-mail (a mobile number only)."""
    from oneseal.applicants.models import Applicant

    own = Applicant.objects.filter(user=user).order_by("id").values("phone", "email").first()
    own = own or {"phone": "", "email": ""}
    email = preference.email or user.email or own["email"]
    phone = preference.phone or own["phone"]
    out: dict[str, str] = {}
    if preference.by_email and email and email_configured():
        out[Channel.EMAIL] = email
    if preference.by_sms and phone and MOBILE.fullmatch(phone):
        out[Channel.SMS] = phone
    return out


def record_addresses(
    applicant: "Applicant", case: "Case | None" = None, *, email: bool = True
) -> dict[str, str]:
    """Where a message to an applicant no account acts for goes: the record's mobile number
    (else the mobile the case's agent gave at the window: the person who filed it) and the
    record's e-mail. A landline reaches nobody by SMS."""
    phone = next(
        (
            p
            for p in (applicant.phone, getattr(case, "agent_phone", "") if case else "")
            if p and MOBILE.fullmatch(p.strip())
        ),
        "",
    ).strip()
    out: dict[str, str] = {}
    if email and applicant.email and email_configured():
        out[Channel.EMAIL] = applicant.email
    if phone:
        out[Channel.SMS] = phone
    return out


def _schedule(notification: Notification, where: dict[str, str], *, quiet_hours: bool) -> None:
    now = timezone.now().replace(microsecond=0)
    first = quiet.after_quiet(now) if quiet_hours else now
    Delivery.objects.bulk_create(
        [
            Delivery(
                notification=notification, channel=channel, address=address, next_attempt_at=first
            )
            for channel, address in where.items()
        ]
    )


def _create(
    *,
    user: "AuthUser | None",
    kind: str,
    title: str,
    body: str,
    link: str,
    case: "Case | None",
    key: str,
    applicant: "Applicant | None" = None,
    email: bool = True,
) -> Notification:
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    # Notification.objects.create() by an INSERT built once per connection: one per act the
    # applicant is told of, on the intake path.
    notification = insert(
        Notification(
            user=user,
            applicant=applicant,
            kind=kind,
            title=str(title)[:200],
            body=str(body),
            link=str(link)[:300],
            case=case,
            key=key,
        )
    )
    try:
        if user is not None:
            preference = preference_of(user)
            where, quiet_hours = addresses(user, preference), preference.quiet_hours
        else:
            # Nobody chose channels for a record: every one it holds, never at night. The
            # agent's mobile reaches the person who filed the case, about that case's acts;
            # not a licence's expiry years later (an agent or intermediary long gone).
            agent_case = None if kind == Kind.EXPIRY else case
            assert applicant is not None  # a message no account receives goes to a record
            where, quiet_hours = record_addresses(applicant, agent_case, email=email), True
        if where:
            with transaction.atomic():
                _schedule(notification, where, quiet_hours=quiet_hours)
    except Exception:  # the message is in the box; only its e-mail/SMS could not be planned
        logger.exception("planning the deliveries of notification %s failed", notification.pk)
    return notification


def notify(
    *,
    user: "AuthUser",
    kind: str,
    title: str,
    body: str,
    link: str = "",
    case: "Case | None" = None,
) -> Notification:
    """Tell `user`: a row in their message box, and a pending e-mail and SMS per the channels
    they chose, deferred past quiet hours. Runs in the caller's transaction."""
    return _create(user=user, kind=kind, title=title, body=body, link=link, case=case, key="")


def notify_once(
    *,
    key: str,
    user: "AuthUser",
    kind: str,
    title: str,
    body: str,
    link: str = "",
    case: "Case | None" = None,
) -> Notification | None:
    """`notify`, unless the user was told of `key` already (a reminder run twice, two
    workers): None then."""
    if Notification.objects.filter(user=user, key=key).exists():
        return None
    try:
        with transaction.atomic():
            return _create(
                user=user, kind=kind, title=title, body=body, link=link, case=case, key=key
            )
    except IntegrityError:
        return None


def notify_applicant(
    applicant: "Applicant",
    *,
    kind: str,
    title: str,
    body: str,
    link: str = "",
    case: "Case | None" = None,
    key: str = "",
    on: datetime.date | None = None,
    email: bool = True,
    accounts: "list[AuthUser] | None" = None,
) -> list[Notification]:
    """Tell an applicant of a step that needs them, whichever path recorded it: each account
    acting for it on `on` (its own, an organisation's authorised people) by their choice of
    channels; when no account does, the applicant's record, by the contact it holds
    (`record_addresses`), kept for the account that later acts for it (`inbox_filter`).
    With `key`, each recipient is told once. `email=False` leaves a record's e-mail to a
    caller that mails it itself. `accounts`: `applicant_accounts(applicant, on)` when the
    caller read them already. Runs in the caller's transaction."""
    users = applicant_accounts(applicant, on) if accounts is None else accounts
    if users:
        told = [
            notify_once(key=key, user=u, kind=kind, title=title, body=body, link=link, case=case)
            if key
            else notify(user=u, kind=kind, title=title, body=body, link=link, case=case)
            for u in users
        ]
        return [n for n in told if n is not None]
    message: dict[str, Any] = dict(
        user=None, applicant=applicant, kind=kind, title=title, body=body, link=link, case=case
    )
    if not key:
        return [_create(**message, key="", email=email)]
    if Notification.objects.filter(user=None, applicant=applicant, key=key).exists():
        return []
    try:
        with transaction.atomic():
            return [_create(**message, key=key, email=email)]
    except IntegrityError:  # told by another worker a moment ago
        return []


def _own(actor: User, notification: Notification) -> Notification:
    if not getattr(actor, "is_authenticated", False) or not (
        notification.user_id == actor.pk
        or (
            notification.user_id is None
            and Notification.objects.filter(inbox_filter(actor), pk=notification.pk).exists()
        )
    ):
        raise NotPermitted(_("这不是您的消息"))
    return notification


@transaction.atomic
def mark_read(notification: Notification, *, actor: User) -> Notification:
    """Only the recipient marks a message read; reading it again keeps the first time."""
    notification = _own(actor, Notification.objects.select_for_update().get(pk=notification.pk))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def mark_all_read(*, actor: User) -> int:
    if not getattr(actor, "is_authenticated", False):
        raise NotPermitted()
    return Notification.objects.filter(inbox_filter(actor), read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def save_preference(
    *,
    actor: User,
    by_email: bool,
    by_sms: bool,
    email: str = "",
    phone: str = "",
    quiet_hours: bool = True,
) -> Preference:
    """The account's own choice of channels: nobody sets another's."""
    if not getattr(actor, "is_authenticated", False):
        raise NotPermitted()
    email, phone = (email or "").strip(), (phone or "").strip()
    errors: dict[str, list[str]] = {}
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("请填写有效的电子邮箱")]
    if phone and not MOBILE.fullmatch(phone):
        errors["phone"] = [_("请填写11位手机号码")]
    fail_fields(errors)
    preference, _created = Preference.objects.select_for_update().get_or_create(user_id=actor.pk)
    preference.by_email, preference.by_sms = bool(by_email), bool(by_sms)
    preference.email, preference.phone = email, phone
    preference.quiet_hours = bool(quiet_hours)
    preference.save()
    record(
        "notifications.save_preference",
        actor=actor,
        subject=preference,
        summary=_("通知渠道：{channels}").format(
            channels="、".join(
                str(label) for label, on in ((_("电子邮件"), by_email), (_("短信"), by_sms)) if on
            )
            or _("仅站内消息")
        ),
        # Whether an address was given, not the address: the audit log is read by many.
        data={
            "by_email": preference.by_email,
            "by_sms": preference.by_sms,
            "own_email": bool(email),
            "own_phone": bool(phone),
            "quiet_hours": preference.quiet_hours,
        },
    )
    return preference
