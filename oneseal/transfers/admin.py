"""The admin shows the agreements, the staff moved and the transitions of the user's region,
read-only: every change goes through `transfers.actions` on the reform pages or the API, where
who may sign, seal or clear is checked and audited."""

from django.contrib import admin

from oneseal.organisation.rules import scope_prefix

from .models import Agreement, AgreementItem, Handover, StaffTransfer, Training, Transition


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        prefix = scope_prefix(request.user)
        queryset = super().get_queryset(request)
        if prefix is None:
            return queryset.none()
        return queryset.filter(region_code__startswith=prefix)


class ItemInline(admin.TabularInline):
    model = AgreementItem
    extra = 0
    can_delete = False
    fields = ["item", "transfer_date", "notes"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class HandoverInline(admin.TabularInline):
    model = Handover
    extra = 0
    can_delete = False
    fields = ["kind", "name", "quantity", "unit", "notes"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Agreement)
class AgreementAdmin(ReadOnly):
    list_display = [
        "title",
        "department",
        "transfer_date",
        "bureau_signed_on",
        "department_signed_on",
        "number",
    ]
    list_select_related = ["department"]
    inlines = [ItemInline, HandoverInline]


class TrainingInline(admin.TabularInline):
    model = Training
    extra = 0
    can_delete = False
    fields = ["on", "subject", "hours", "trainer"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(StaffTransfer)
class StaffTransferAdmin(ReadOnly):
    list_display = ["staff", "department", "moved_on", "body", "quota_kind", "cleared_on"]
    list_select_related = ["staff", "department"]
    inlines = [TrainingInline]


@admin.register(Transition)
class TransitionAdmin(ReadOnly):
    list_display = ["department", "starts_on", "ends_on", "liaison_name", "liaison_phone"]
    list_select_related = ["department"]
