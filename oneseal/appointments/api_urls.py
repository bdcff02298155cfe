# Included by oneseal.api.v1 inside the "api" namespace.
from django.urls import path

from . import api

urlpatterns = [
    path(
        "appointments/handling-items/<int:pk>/slots",
        api.OpenSlots.as_view(),
        name="appointments-slots",
    ),
    path("appointments/bookings", api.Bookings.as_view(), name="appointments-bookings"),
    path(
        "appointments/bookings/<str:code>", api.BookingDetail.as_view(), name="appointments-booking"
    ),
    path(
        "appointments/bookings/<str:code>/cancel",
        api.BookingCancel.as_view(),
        name="appointments-cancel",
    ),
    path(
        "appointments/bookings/<str:code>/mark", api.BookingMark.as_view(), name="appointments-mark"
    ),
]
