"""Reuse in the Django admin: the material ↔ licence-type mapping, kept by catalogue and
system administrators through `actions.save_mapping` / `delete_mapping` (same check, same
audit row as any path); the library's e-licences, the reuse records and the library's tokens
are read here only (they change through their imports and picks)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from oneseal.interface.admin_messages import DomainErrorAsMessage

from . import actions
from .models import ImportedLicence, LibraryToken, MaterialMapping, ReusedMaterial


@admin.register(MaterialMapping)
class MaterialMappingAdmin(DomainErrorAsMessage, admin.ModelAdmin):
    list_display = ["material_name", "type_name", "type_code", "updated_by", "updated_at"]
    search_fields = ["material_name", "type_name", "type_code"]
    fields = ["material_name", "type_name", "type_code"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return actions.may_map(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return actions.may_map(request.user)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission

    def save_model(
        self, request: HttpRequest, obj: MaterialMapping, form: forms.ModelForm, change: bool
    ) -> None:
        actions.save_mapping(obj, actor=request.user)

    def delete_model(self, request: HttpRequest, obj: MaterialMapping) -> None:
        actions.delete_mapping(obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            actions.delete_mapping(obj, actor=request.user)


class ReadOnly(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return actions.may_import(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return actions.may_import(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(ImportedLicence)
class ImportedLicenceAdmin(ReadOnly):
    list_display = [
        "identifier",
        "type_name",
        "holder_name",
        "holder_code",
        "issuer",
        "valid_until",
        "status",
        "source",
    ]
    list_filter = ["status", "source", "type_name"]
    search_fields = ["identifier", "holder_name", "holder_code", "number"]


@admin.register(ReusedMaterial)
class ReusedMaterialAdmin(ReadOnly):
    list_display = ["case", "case_material", "kind", "identifier", "verified_on", "verified_by"]
    list_filter = ["kind"]
    search_fields = ["case__number", "identifier"]


@admin.register(LibraryToken)
class LibraryTokenAdmin(ReadOnly):
    list_display = ["name", "key_id", "created_at", "last_used_at", "revoked_at"]
