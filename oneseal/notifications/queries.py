"""Reads: a user's own messages, and those sent to the record of an applicant the account
acts for before any account did (`inbox_filter`); never anyone else's. Also who is told for
an applicant (`applicant_accounts`) and an account's choice of channels, which the writes in
`actions` read as well."""

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q, QuerySet

from oneseal.actors import Actor

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
    """The active accounts that act online for the applicant: its own, and for an organisation
    the persons holding an active authorisation for it. One query; none for a person without
    an account (most applicants at the window)."""
    from django.contrib.auth import get_user_model

    from oneseal.applicants.models import Applicant, Authorisation
    from oneseal.calendars.queries import today

    accounts = Q(pk=applicant.user_id) if applicant.user_id else Q(pk__in=[])
    if applicant.kind == Applicant.Kind.ORGANISATION:
        authorised = Authorisation.objects.active(on or today()).filter(organisation=applicant)
        accounts |= Q(pk__in=authorised.values("person__user_id"))
    elif not applicant.user_id:
        return []
    return list(get_user_model().objects.filter(accounts, is_active=True).order_by("pk"))


def inbox_filter(user: Actor) -> Q:
    """The messages an account reads: its own, and those sent to the record of an applicant it
    acts for today while no account did (a person bound at a window later, an organisation
    whose representative was authorised later)."""
    from oneseal.applicants.queries import represented

    return Q(user_id=user.pk) | Q(user__isnull=True, applicant__in=represented(user))


def own_notifications(user: Actor) -> QuerySet[Notification]:
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return (
        Notification.objects.filter(inbox_filter(user))
        .select_related("case")
        .order_by("-created_at", "-id")
    )


def unread_count(user: Actor) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(inbox_filter(user), read_at__isnull=True).count()
