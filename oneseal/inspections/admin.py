"""The admin only shows site inspections and checklists; every change goes through the
actions (the pages and the API), so nothing is written behind the audit log or a case's
clock."""

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from .models import ChecklistLine, Finding, Inspection, Inspector, Party, Photo


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class InspectorInline(ReadOnlyInline):
    model = Inspector
    readonly_fields = (
        "name",
        "user",
        "assignment",
        "confirmed_at",
    )
    fields = readonly_fields


class FindingInline(ReadOnlyInline):
    model = Finding
    readonly_fields = (
        "order",
        "text",
        "result",
        "note",
    )
    fields = readonly_fields


class PartyInline(ReadOnlyInline):
    model = Party
    readonly_fields = (
        "name",
        "attended",
        "representative",
        "findings",
    )
    fields = readonly_fields


class PhotoInline(ReadOnlyInline):
    model = Photo
    readonly_fields = (
        "original_name",
        "sha256",
        "taken_at",
        "latitude",
        "longitude",
    )
    fields = readonly_fields


@admin.register(Inspection)
class InspectionAdmin(ReadOnly):
    list_display = ["code", "scheduled_at", "place", "state", "case", "project", "stage"]
    list_filter = ["state"]
    search_fields = ["code", "place", "case__number", "project__code"]
    list_select_related = ["case", "project"]
    inlines = [InspectorInline, FindingInline, PartyInline, PhotoInline]


@admin.register(ChecklistLine)
class ChecklistLineAdmin(ReadOnly):
    list_display = ["handling_item", "order", "text", "guidance"]
    search_fields = ["text", "handling_item__name"]
    list_select_related = ["handling_item"]
