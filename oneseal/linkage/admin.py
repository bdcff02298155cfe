"""The linkage in the Django admin. The duty boundary list and the departments' links are
edited through `linkage.actions`, as on the pages, so permission checks and audit rows are the
same; pushes, feedback, support requests, tokens and webhook messages are read-only here
(tokens are revoked and dead messages replayed by admin actions that call the actions)."""

from typing import Any, TypeVar

from django import forms
from django.contrib import admin, messages
from django.db.models import ForeignKey, Model, QuerySet
from django.forms import BaseInlineFormSet, ModelChoiceField
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from oneseal.catalogue.models import Item
from oneseal.errors import DomainError
from oneseal.interface.admin_messages import DomainErrorAsMessage
from oneseal.organisation.models import Department, Role
from oneseal.organisation.rules import has_role, scope_prefix

from . import actions
from .models import (
    ApiToken,
    DepartmentLink,
    DutyBoundary,
    Feedback,
    OpinionRequest,
    OutboxMessage,
    Push,
    SupportDuty,
    SupportRequest,
)

_M = TypeVar("_M", bound=Model)


def _in_scope(request: HttpRequest, qs: QuerySet[_M], field: str = "region_code") -> QuerySet[_M]:
    prefix = scope_prefix(request.user)
    if prefix is None:
        return qs.none()
    return qs if prefix == "" else qs.filter(**{f"{field}__startswith": prefix})


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


# --- duty boundaries ----------------------------------------------------------------------


class SupportDutyInline(admin.TabularInline):
    """Edited with its boundary by the catalogue-administrator role, not Django permissions."""

    model = SupportDuty
    extra = 1
    fields = ["kind", "description", "limit_days"]

    def _allowed(self, request: HttpRequest, obj: DutyBoundary | None = None) -> bool:
        region = obj.item.catalogue.region if obj is not None else None
        return has_role(request.user, Role.CATALOGUE_ADMIN, region)

    def has_view_permission(self, request: HttpRequest, obj: DutyBoundary | None = None) -> bool:
        return self._allowed(request, obj)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


@admin.register(DutyBoundary)
class DutyBoundaryAdmin(DomainErrorAsMessage, admin.ModelAdmin):
    list_display = ["item", "supervising_department", "region_code", "updated_at"]
    list_filter = ["supervising_department"]
    search_fields = ["item__basic_code"]
    fields = [
        "item",
        "supervising_department",
        "bureau_duties",
        "department_duties",
        "coordination",
    ]
    inlines = [SupportDutyInline]

    def _is_admin(self, request: HttpRequest, obj: DutyBoundary | None = None) -> bool:
        region = obj.item.catalogue.region if obj is not None else None
        return has_role(request.user, Role.CATALOGUE_ADMIN, region)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._is_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: DutyBoundary | None = None) -> bool:
        return self._is_admin(request, obj)

    has_add_permission = has_change_permission = has_view_permission

    def has_delete_permission(self, request: HttpRequest, obj: DutyBoundary | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[DutyBoundary]:
        return _in_scope(
            request, super().get_queryset(request).select_related("item", "supervising_department")
        )

    def get_readonly_fields(
        self, request: HttpRequest, obj: DutyBoundary | None = None
    ) -> list[str]:
        return ["item"] if obj is not None else []

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        prefix = scope_prefix(request.user) or ""
        if db_field.name == "item":
            kwargs["queryset"] = Item.objects.filter(catalogue__region__code__startswith=prefix)
        if db_field.name == "supervising_department":
            kwargs["queryset"] = Department.objects.filter(region__code__startswith=prefix)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: DutyBoundary, form: forms.ModelForm, change: bool
    ) -> None:
        """Saved with its support duties in one action call (save_related)."""

    def save_related(
        self,
        request: HttpRequest,
        form: forms.ModelForm,
        formsets: list[BaseInlineFormSet],
        change: bool,
    ) -> None:
        duties = []
        for formset in formsets:
            # The action saved the rows; the admin's change message reads these.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            for row in formset.forms:
                data = getattr(row, "cleaned_data", None) or {}
                if data and not data.get("DELETE") and data.get("kind"):
                    duties.append(
                        {
                            "kind": data["kind"],
                            "description": data.get("description", ""),
                            "limit_days": data.get("limit_days"),
                        }
                    )
        data = form.cleaned_data
        item = data.get("item") or form.instance.item
        saved = actions.save_duty_boundary(
            item,
            actor=request.user,
            supervising_department=data["supervising_department"],
            bureau_duties=data["bureau_duties"],
            department_duties=data["department_duties"],
            coordination=data.get("coordination", ""),
            support_duties=duties,
        )
        form.instance.pk = form.instance.id = saved.pk


# --- departments' links -------------------------------------------------------------------


class DepartmentLinkForm(forms.ModelForm):
    webhook_url = forms.URLField(
        label=_("接收地址"), max_length=500, required=False, assume_scheme="https"
    )
    new_secret = forms.BooleanField(
        label=_("生成新的签名密钥"),
        required=False,
        help_text=_("新密钥只显示一次，请立即配置到部门系统"),
    )

    class Meta:
        model = DepartmentLink
        fields = ["department", "sign_days", "webhook_url", "webhook_enabled"]


@admin.register(DepartmentLink)
class DepartmentLinkAdmin(DomainErrorAsMessage, admin.ModelAdmin):
    form = DepartmentLinkForm
    list_display = ["department", "sign_days", "webhook_enabled", "webhook_url", "updated_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[DepartmentLink]:
        return _in_scope(request, super().get_queryset(request), "department__region__code")

    def get_readonly_fields(
        self, request: HttpRequest, obj: DepartmentLink | None = None
    ) -> list[str]:
        return ["department"] if obj is not None else []

    def save_model(
        self, request: HttpRequest, obj: DepartmentLink, form: forms.ModelForm, change: bool
    ) -> None:
        data = form.cleaned_data
        department = data.get("department") or obj.department
        link, secret = actions.configure_department_link(
            department,
            actor=request.user,
            sign_days=data["sign_days"],
            webhook_url=data.get("webhook_url", ""),
            webhook_enabled=data.get("webhook_enabled", False),
            new_secret=data.get("new_secret", False),
        )
        obj.pk = obj.id = link.pk
        if secret:
            self.message_user(
                request,
                _("{department}的新签名密钥（只显示这一次）：{secret}").format(
                    department=department, secret=secret
                ),
                level=messages.WARNING,
            )


# --- read-only records --------------------------------------------------------------------


@admin.register(Push)
class PushAdmin(ReadOnly, admin.ModelAdmin):
    list_display = [
        "case",
        "decision",
        "department",
        "pushed_on",
        "sign_due",
        "signed_on",
        "signed_late",
        "escalated_on",
    ]
    list_filter = ["decision", "signed_late", "department"]
    search_fields = ["case__number"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Push]:
        return _in_scope(
            request, super().get_queryset(request).select_related("case", "department")
        )


@admin.register(Feedback)
class FeedbackAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["case", "kind", "department", "on", "request_state"]
    list_filter = ["kind", "request_state"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Feedback]:
        return _in_scope(
            request, super().get_queryset(request).select_related("case", "department")
        )


@admin.register(SupportRequest)
class SupportRequestAdmin(ReadOnly, admin.ModelAdmin):
    list_display = [
        "case",
        "kind",
        "department",
        "requested_on",
        "due_on",
        "state",
        "answered_on",
        "escalated_on",
    ]
    list_filter = ["kind", "state"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SupportRequest]:
        return _in_scope(
            request, super().get_queryset(request).select_related("case", "department")
        )


@admin.register(OpinionRequest)
class OpinionRequestAdmin(ReadOnly, admin.ModelAdmin):
    list_display = [
        "case",
        "joint_step",
        "department",
        "requested_on",
        "due_on",
        "silence_is_consent",
        "state",
        "conclusion",
        "escalated_on",
    ]
    list_filter = ["state", "conclusion", "silence_is_consent"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[OpinionRequest]:
        return _in_scope(
            request,
            super().get_queryset(request).select_related("case", "joint_step", "department"),
        )


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnly, admin.ModelAdmin):
    list_display = [
        "department",
        "name",
        "key_id",
        "scopes",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    exclude = ["secret_hash"]
    actions = ["revoke"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiToken]:
        return _in_scope(request, super().get_queryset(request), "department__region__code")

    @admin.action(description=_("吊销所选令牌"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        try:
            for token in queryset:
                actions.revoke_token(token, actor=request.user)
        except DomainError as error:
            self.message_user(request, str(error.message), level=messages.ERROR)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnly, admin.ModelAdmin):
    list_display = [
        "idempotency_id",
        "department",
        "event_label",
        "state",
        "attempts",
        "next_attempt_at",
        "last_status",
        "last_error",
    ]
    list_filter = ["state", "event_type"]
    actions = ["replay"]

    @admin.display(description=_("消息类型"), ordering="event_type")
    def event_label(self, message: OutboxMessage) -> str:
        return message.event_label

    def get_queryset(self, request: HttpRequest) -> QuerySet[OutboxMessage]:
        return _in_scope(request, super().get_queryset(request).select_related("department"))

    @admin.action(description=_("重放所选死信"))
    def replay(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        done = 0
        for message in queryset:
            try:
                actions.replay_message(message, actor=request.user)
                done += 1
            except DomainError as error:
                self.message_user(
                    request, f"{message.idempotency_id}: {error.message}", level=messages.ERROR
                )
        if done:
            self.message_user(request, _("{n} 条消息已重新排队").format(n=done))
