"""The cases app in the Django admin: an item's own renewal lead time (`RenewalLeadTime`), kept
by the catalogue administrators of the item's region through `licences.set_renewal_lead_time`,
so the admin checks the same role and writes the same audit row as any other path. Cases,
events and licences change only through their actions and are not edited here."""

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest

from oneseal.catalogue.models import Item
from oneseal.interface.admin_messages import DomainErrorAsMessage
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role, scope_prefix

from .actions import licences
from .models import RenewalLeadTime


@admin.register(RenewalLeadTime)
class RenewalLeadTimeAdmin(DomainErrorAsMessage, admin.ModelAdmin):
    list_display = ["item", "days", "basis", "set_by", "set_at"]
    search_fields = ["item__basic_code"]
    fields = ["item", "days", "basis"]

    def _is_admin(self, request: HttpRequest, obj: RenewalLeadTime | None = None) -> bool:
        region = obj.item.catalogue.region if obj is not None else None
        return has_role(request.user, Role.CATALOGUE_ADMIN, region)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._is_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: RenewalLeadTime | None = None) -> bool:
        return self._is_admin(request, obj)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission

    def get_queryset(self, request: HttpRequest) -> QuerySet[RenewalLeadTime]:
        prefix = scope_prefix(request.user)
        qs = super().get_queryset(request).select_related("item__catalogue__region", "set_by")
        if prefix is None:
            return qs.none()
        return qs if prefix == "" else qs.filter(item__catalogue__region__code__startswith=prefix)

    def get_readonly_fields(
        self, request: HttpRequest, obj: RenewalLeadTime | None = None
    ) -> list[str]:
        return ["item"] if obj is not None else []

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        if db_field.name == "item":
            prefix = scope_prefix(request.user)
            kwargs["queryset"] = (
                Item.objects.none()
                if prefix is None
                else Item.objects.filter(catalogue__region__code__startswith=prefix)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: RenewalLeadTime, form: forms.ModelForm, change: bool
    ) -> None:
        # The form requires `days`, and with days given the action returns the row it kept.
        saved = cast(
            RenewalLeadTime,
            licences.set_renewal_lead_time(
                form.cleaned_data.get("item") or obj.item,
                actor=request.user,
                days=form.cleaned_data["days"],
                basis=form.cleaned_data["basis"],
            ),
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: RenewalLeadTime) -> None:
        """Back to the 30 days of 第五十条, through the action (audited)."""
        licences.set_renewal_lead_time(obj.item, actor=request.user, days=None)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RenewalLeadTime]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)
