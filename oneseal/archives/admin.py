"""The retention table in the admin: every save and delete goes through the actions (their
permission check and audit row); archives and hand-overs are read-only here."""

from django import forms
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from oneseal.interface.admin_messages import DomainErrorAsMessage
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role

from . import actions
from .models import Archive, ArchiveHandover, RetentionRule


@admin.register(RetentionRule)
class RetentionRuleAdmin(DomainErrorAsMessage, admin.ModelAdmin):
    list_display = ["scope", "item", "topic", "period", "basis"]
    list_filter = ["scope", "period"]
    raw_id_fields = ["item"]

    # Archivists keep the rules of their items here without Django model permissions: the
    # action decides what each may change (an item's rule in their scope; the superuser the rest).
    def _archivist(self, request: HttpRequest) -> bool:
        return request.user.is_active and has_role(request.user, Role.ARCHIVIST)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._archivist(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._archivist(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._archivist(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._archivist(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._archivist(request)

    def save_model(
        self, request: HttpRequest, obj: RetentionRule, form: forms.ModelForm, change: bool
    ) -> None:
        actions.save_retention_rule(obj, actor=request.user)

    def delete_model(self, request: HttpRequest, obj: RetentionRule) -> None:
        actions.delete_retention_rule(obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RetentionRule]) -> None:
        for rule in queryset:
            actions.delete_retention_rule(rule, actor=request.user)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Archive)
class ArchiveAdmin(ReadOnly):
    list_display = ["number", "case", "retention", "archived_on", "files_count", "handover"]
    list_filter = ["retention", "year"]
    search_fields = ["number", "case__number"]


@admin.register(ArchiveHandover)
class ArchiveHandoverAdmin(ReadOnly):
    list_display = ["number", "period_from", "period_to", "archives_count", "received_by"]
