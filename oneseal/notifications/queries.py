"""Reads: a user's own messages, and those sent to the record of an applicant the account
acts for before any account did (`actions.inbox_filter`); never anyone else's."""

from django.db.models import QuerySet

from oneseal.actors import User

from .actions import inbox_filter
from .models import Notification


def own_notifications(user: User) -> QuerySet[Notification]:
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return (
        Notification.objects.filter(inbox_filter(user))
        .select_related("case")
        .order_by("-created_at", "-id")
    )
