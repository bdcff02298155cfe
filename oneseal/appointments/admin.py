"""Read-only registers of halls, slots and bookings for reference: every change goes through
the appointment pages, which call `appointments.actions`."""

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from .models import Booking, Hall, ItemGroup, Slot


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Hall)
class HallAdmin(ReadOnly):
    list_display = [
        "name",
        "region",
        "opens_at",
        "closes_at",
        "slot_minutes",
        "days_ahead",
        "is_active",
    ]


@admin.register(ItemGroup)
class ItemGroupAdmin(ReadOnly):
    list_display = ["name", "hall", "windows", "capacity", "is_active"]


@admin.register(Slot)
class SlotAdmin(ReadOnly):
    list_display = ["day", "starts_at", "group", "capacity", "booked"]
    list_filter = ["day"]


@admin.register(Booking)
class BookingAdmin(ReadOnly):
    list_display = ["code", "slot", "applicant", "handling_item", "state"]
    list_filter = ["state"]
    search_fields = ["code"]
