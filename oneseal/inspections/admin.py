"""The admin only shows site inspections and checklists; every change goes through the
actions (the pages and the API), so nothing is written behind the audit log or a case's
clock."""

from django.contrib import admin

from .models import ChecklistLine, Finding, Inspection, Inspector, Party, Photo


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class InspectorInline(ReadOnlyInline):
    model = Inspector
    fields = ["name", "user", "confirmed_at"]
    readonly_fields = fields


class FindingInline(ReadOnlyInline):
    model = Finding
    fields = ["order", "text", "result", "note"]
    readonly_fields = fields


class PartyInline(ReadOnlyInline):
    model = Party
    fields = ["name", "attended", "representative", "findings"]
    readonly_fields = fields


class PhotoInline(ReadOnlyInline):
    model = Photo
    fields = ["original_name", "sha256", "taken_at", "latitude", "longitude"]
    readonly_fields = fields


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
