"""Reads: a user's own messages, never anyone else's."""

from django.db.models import QuerySet

from .models import Notification


def own_notifications(user) -> QuerySet[Notification]:
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return (
        Notification.objects.filter(user=user).select_related("case").order_by("-created_at", "-id")
    )
