from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from .models import AuditEvent, Checkpoint


class ReadOnly(admin.ModelAdmin):
    """Rows are written only by `record` and `make_checkpoint`; the admin shows them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnly):
    list_display = [
        "seq",
        "at",
        "actor",
        "action",
        "subject_type",
        "subject_id",
        "region_code",
        "summary",
    ]
    list_filter = ["action", "subject_type"]
    search_fields = ["subject_id", "summary", "region_code"]


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnly):
    list_display = [
        "number",
        "on",
        "made_at",
        "audit_rows",
        "case_count",
        "case_event_count",
        "digest",
    ]
    exclude = ["case_heads"]
