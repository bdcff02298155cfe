"""Synonyms and exclusions in the Django admin: listed for the administrator's regions, added and deleted
through `search.actions` (same role check and audit record as the synonym page). Stored
embeddings are a cache and only shown."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from oneseal.actors import Actor
from oneseal.interface.admin_messages import DomainErrorAsMessage
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role, scope_prefix

from . import actions
from .models import Exclusion, Synonym, TextEmbedding


class _PhraseAdmin(DomainErrorAsMessage, admin.ModelAdmin):
    """A synonym or an exclusion: listed for the administrator's regions, never changed in
    place (removed and added again, each with its audit record), added and deleted through
    the app's actions so the admin gets the page's checks."""

    raw_id_fields = ["item"]

    def remove(self, obj: Any, *, actor: Actor, reason: str) -> None:
        raise NotImplementedError

    def add(self, obj: Any, *, actor: Actor) -> Model:
        raise NotImplementedError

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request).select_related("catalogue__region", "item", "created_by")
        prefix = scope_prefix(request.user)
        return (
            qs.none() if prefix is None else qs.filter(catalogue__region__code__startswith=prefix)
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, Role.CATALOGUE_ADMIN)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_role(request.user, Role.CATALOGUE_ADMIN, obj.catalogue.region if obj else None)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, Role.CATALOGUE_ADMIN)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_role(request.user, Role.CATALOGUE_ADMIN, obj.catalogue.region if obj else None)

    def save_model(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool
    ) -> None:
        if change:
            raise PermissionDenied
        obj.pk = self.add(obj, actor=request.user).pk

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.remove(obj, actor=request.user, reason=str(_("在管理后台删除")))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.remove(obj, actor=request.user, reason=str(_("在管理后台批量删除")))


@admin.register(Synonym)
class SynonymAdmin(_PhraseAdmin):
    list_display = ["phrase", "item", "variant", "catalogue", "reason", "created_by", "created_at"]
    list_filter = ["catalogue", "variant"]
    search_fields = ["phrase", "item__basic_code", "reason"]
    fields = ["catalogue", "item", "phrase", "variant", "reason"]

    def add(self, obj: Synonym, *, actor: Actor) -> Synonym:
        return actions.add_synonym(
            obj.catalogue,
            actor=actor,
            item=obj.item,
            phrase=obj.phrase,
            reason=obj.reason,
            variant=obj.variant,
        )

    def remove(self, obj: Synonym, *, actor: Actor, reason: str) -> None:
        actions.remove_synonym(obj, actor=actor, reason=reason)


@admin.register(Exclusion)
class ExclusionAdmin(_PhraseAdmin):
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

    def add(self, obj: Exclusion, *, actor: Actor) -> Exclusion:
        return actions.add_exclusion(
            obj.catalogue,
            actor=actor,
            item=obj.item,
            phrase=obj.phrase,
            reason=obj.reason,
            explanation=obj.explanation,
            instead_item=obj.instead_item,
            instead_life_event=obj.instead_life_event,
        )

    def remove(self, obj: Exclusion, *, actor: Actor, reason: str) -> None:
        actions.remove_exclusion(obj, actor=actor, reason=reason)


@admin.register(TextEmbedding)
class TextEmbeddingAdmin(admin.ModelAdmin):
    list_display = ["text", "model", "created_at"]
    search_fields = ["text"]
    readonly_fields = ("model", "text", "created_at")
    fields = readonly_fields

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser
