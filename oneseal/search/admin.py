"""Synonyms and exclusions in the Django admin: listed for the administrator's regions, added and deleted
through `search.actions` (same role check and audit record as the synonym page). Stored
embeddings are a cache and only shown."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from oneseal.errors import DomainError
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role, scope_prefix

from . import actions
from .models import Exclusion, Synonym, TextEmbedding


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ["phrase", "item", "variant", "catalogue", "reason", "created_by", "created_at"]
    list_filter = ["catalogue", "variant"]
    search_fields = ["phrase", "item__basic_code", "reason"]
    fields = ["catalogue", "item", "phrase", "variant", "reason"]
    raw_id_fields = ["item"]

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("catalogue__region", "item", "created_by")
        prefix = scope_prefix(request.user)
        return (
            qs.none() if prefix is None else qs.filter(catalogue__region__code__startswith=prefix)
        )

    def has_module_permission(self, request):
        return has_role(request.user, Role.CATALOGUE_ADMIN)

    def has_view_permission(self, request, obj=None):
        return has_role(request.user, Role.CATALOGUE_ADMIN, obj.catalogue.region if obj else None)

    def has_add_permission(self, request):
        return has_role(request.user, Role.CATALOGUE_ADMIN)

    def has_change_permission(self, request, obj=None):
        return False  # a synonym is removed and added again, each with its audit record

    def has_delete_permission(self, request, obj=None):
        return has_role(request.user, Role.CATALOGUE_ADMIN, obj.catalogue.region if obj else None)

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied
        obj.pk = actions.add_synonym(
            obj.catalogue,
            actor=request.user,
            item=obj.item,
            phrase=obj.phrase,
            reason=obj.reason,
            variant=obj.variant,
        ).pk

    def delete_model(self, request, obj):
        actions.remove_synonym(obj, actor=request.user, reason=str(_("在管理后台删除")))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            actions.remove_synonym(obj, actor=request.user, reason=str(_("在管理后台批量删除")))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as e:
            parts = [str(e.message), *[str(m) for msgs in e.fields.values() for m in msgs]]
            self.message_user(request, "；".join(dict.fromkeys(parts)), level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(Exclusion)
class ExclusionAdmin(admin.ModelAdmin):
    list_display = [
        "phrase",
        "item",
        "instead_item",
        "catalogue",
        "reason",
        "created_by",
        "created_at",
    ]
    list_filter = ["catalogue"]
    search_fields = ["phrase", "item__basic_code", "reason", "explanation"]
    fields = [
        "catalogue",
        "item",
        "phrase",
        "explanation",
        "instead_item",
        "instead_life_event",
        "reason",
    ]
    raw_id_fields = ["item", "instead_item", "instead_life_event"]

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("catalogue__region", "item", "created_by")
        prefix = scope_prefix(request.user)
        return (
            qs.none() if prefix is None else qs.filter(catalogue__region__code__startswith=prefix)
        )

    def has_module_permission(self, request):
        return has_role(request.user, Role.CATALOGUE_ADMIN)

    def has_view_permission(self, request, obj=None):
        return has_role(request.user, Role.CATALOGUE_ADMIN, obj.catalogue.region if obj else None)

    def has_add_permission(self, request):
        return has_role(request.user, Role.CATALOGUE_ADMIN)

    def has_change_permission(self, request, obj=None):
        return False  # removed and added again, each with its audit record

    def has_delete_permission(self, request, obj=None):
        return has_role(request.user, Role.CATALOGUE_ADMIN, obj.catalogue.region if obj else None)

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied
        obj.pk = actions.add_exclusion(
            obj.catalogue,
            actor=request.user,
            item=obj.item,
            phrase=obj.phrase,
            reason=obj.reason,
            explanation=obj.explanation,
            instead_item=obj.instead_item,
            instead_life_event=obj.instead_life_event,
        ).pk

    def delete_model(self, request, obj):
        actions.remove_exclusion(obj, actor=request.user, reason=str(_("在管理后台删除")))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            actions.remove_exclusion(obj, actor=request.user, reason=str(_("在管理后台批量删除")))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as e:
            parts = [str(e.message), *[str(m) for msgs in e.fields.values() for m in msgs]]
            self.message_user(request, "；".join(dict.fromkeys(parts)), level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(TextEmbedding)
class TextEmbeddingAdmin(admin.ModelAdmin):
    list_display = ["text", "model", "created_at"]
    search_fields = ["text"]
    fields = ["model", "text", "created_at"]
    readonly_fields = fields

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
