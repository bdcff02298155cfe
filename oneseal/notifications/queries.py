"""Reads: a user's own messages, and those sent to the record of an applicant the account
acts for before any account did (`inbox_filter`); never anyone else's. Also who is told for
an applicant (`applicant_accounts`) and an account's choice of channels, which the writes in
`actions` read as well."""

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q, QuerySet

from oneseal.actors import Actor
from oneseal.prepared import KeptCount, Prepared

from .models import Notification, Preference

if TYPE_CHECKING:
    from django.contrib.auth.models import User as AuthUser

    from oneseal.applicants.models import Applicant


def email_configured() -> bool:
    """E-mail goes out when a backend other than SMTP is set (tests, the demo) or an SMTP
    host is (ONESEAL_EMAIL_HOST)."""
    smtp = settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    return bool(settings.EMAIL_HOST) or not smtp


def preference_of(user: "AuthUser") -> Preference:
    """The account's stored choice, or the defaults (every channel, quiet hours) unsaved."""
    found = Preference.objects.filter(user=user).first()
    return found if found is not None else Preference(user=user)


def applicant_accounts(applicant: "Applicant", on: datetime.date | None = None) -> list["AuthUser"]:
    """The active accounts that act online for the applicant: a person's own, and for an
    organisation the persons holding an active authorisation for it. One query; none for a person without
    an account (most applicants at the window). Asked on every act the applicant is told of
    (accepting, on the intake hot path): the statement is built once per connection."""
    from oneseal.applicants.models import Applicant
    from oneseal.calendars.queries import today

    if applicant.kind == Applicant.Kind.ORGANISATION:
        # An organisation has no account of its own (applicant_account_is_a_person).
        return _ORGANISATION_ACCOUNTS(applicant.pk, on or today())
    if not applicant.user_id:
        return []
    return _OWN_ACCOUNT(applicant.user_id)


def _active_accounts(accounts: Q) -> "QuerySet[AuthUser]":
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(accounts, is_active=True).order_by("pk")


def _authorised(organisation_id: int, on: datetime.date) -> Q:
    from oneseal.applicants.models import Authorisation

    authorised = Authorisation.objects.active(on).filter(organisation_id=organisation_id)
    return Q(pk__in=authorised.values("person__user_id"))


# One statement per shape of the question (an organisation's authorised people, a person's own
# account), each built once per connection (oneseal.prepared).
_OWN_ACCOUNT: "Prepared[AuthUser]" = Prepared(lambda user_id: _active_accounts(Q(pk=user_id)), int)
_ORGANISATION_ACCOUNTS: "Prepared[AuthUser]" = Prepared(
    lambda organisation_id, on: _active_accounts(_authorised(organisation_id, on)),
    int,
    datetime.date,
)


def inbox_filter(user: Actor, on: datetime.date | None = None) -> Q:
    """The messages an account reads: its own, and those sent to the record of an applicant it
    acts for today (`on`) while no account did (a person bound at a window later, an
    organisation whose representative was authorised later)."""
    from oneseal.applicants.queries import represented

    return Q(user_id=user.pk) | Q(user__isnull=True, applicant__in=represented(user, on))


def own_notifications(user: Actor) -> QuerySet[Notification]:
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return (
        Notification.objects.filter(inbox_filter(user))
        .select_related("case")
        .order_by("-created_at", "-id")
    )


# The count in every page's navigation, its statement kept per account and day (what
# `inbox_filter` reads): building it cost a workbench page about 3 ms of CPU.
_UNREAD = KeptCount()


def unread_count(user: Actor) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    from oneseal.calendars.queries import today

    on = today()
    return _UNREAD(
        (user.pk, getattr(user, "is_active", False), on),
        lambda: Notification.objects.filter(inbox_filter(user, on), read_at__isnull=True).values(
            "pk"
        ),
    )
