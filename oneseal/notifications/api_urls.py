# Included by oneseal.api.v1 inside the "api" namespace.
from django.urls import path

from . import api

urlpatterns = [
    path("notifications", api.Notifications.as_view(), name="notifications"),
    path(
        "notifications/read-all", api.NotificationsReadAll.as_view(), name="notifications-read-all"
    ),
    path(
        "notifications/preferences",
        api.NotificationPreferences.as_view(),
        name="notification-preferences",
    ),
    path("notifications/<int:pk>/read", api.NotificationRead.as_view(), name="notification-read"),
]
