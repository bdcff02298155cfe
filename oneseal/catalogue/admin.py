"""The catalogue in the Django admin. Drafts are edited here as in the administrators' pages:
every save and delete of a version's content goes through `catalogue.actions` with the
signed-in user as actor, so the role check and the audit record are the same. Published
versions are read-only. Who may edit is decided by the catalogue-administrator role over the
catalogue's region, not by Django's model permissions (the user still needs `is_staff` to
enter the admin)."""

from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oneseal.calendars.queries import today
from oneseal.errors import DomainError
from oneseal.interface.admin_messages import DomainErrorAsMessage, domain_message
from oneseal.organisation.models import Role, Section
from oneseal.organisation.rules import has_role, scope_prefix

from . import actions
from .models import (
    Catalogue,
    GuidanceExemption,
    HandlingItem,
    ItemVersion,
    LifeEvent,
    LifeEventItem,
    Material,
    ReviewStep,
    SpecialProcedure,
    Topic,
)


def _version_of(obj) -> ItemVersion | None:
    if isinstance(obj, ItemVersion):
        return obj
    if isinstance(obj, HandlingItem):
        return obj.item_version
    return None


class CatalogueRoleAccess:
    """Access by the catalogue-administrator role: any admin of some region sees the module;
    objects are visible and editable only inside the admin's region, and only while their
    version is a draft. `region_path` is the lookup from this model to the catalogue's region."""

    region_path = ""

    def _region_of(self, obj):
        node = obj
        for part in self.region_path.split("__"):
            node = getattr(node, part)
        return node

    def _is_catalogue_admin(self, request, obj=None) -> bool:
        region = self._region_of(obj) if obj is not None else None
        return has_role(request.user, Role.CATALOGUE_ADMIN, region)

    def get_queryset(self, request):
        qs = super().get_queryset(request)  # type: ignore[misc]  # a ModelAdmin mixin
        prefix = scope_prefix(request.user)
        if prefix is None:
            return qs.none()
        return qs.filter(**{f"{self.region_path}__code__startswith": prefix}) if prefix else qs

    def has_module_permission(self, request):
        return self._is_catalogue_admin(request)

    def has_view_permission(self, request, obj=None):
        return self._is_catalogue_admin(request, obj)

    def has_add_permission(self, request, *args):
        return self._is_catalogue_admin(request)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not _is_draft(obj):
            return False
        return self._is_catalogue_admin(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not _is_draft(obj):
            return False
        return self._is_catalogue_admin(request, obj)


def _is_draft(obj) -> bool:
    version = _version_of(obj)
    return version is None or version.is_draft


class DraftPartInline(admin.TabularInline):
    """Children of a draft; read-only when the parent's version is published. Saved by the
    parent admin's `save_formset` through the actions."""

    extra = 0

    def _parent_is_draft(self, obj) -> bool:
        return obj is None or _is_draft(obj)

    def has_view_permission(self, request, obj=None):
        return has_role(request.user, Role.CATALOGUE_ADMIN)

    def has_add_permission(self, request, obj=None):
        return self._parent_is_draft(obj) and has_role(request.user, Role.CATALOGUE_ADMIN)

    def has_change_permission(self, request, obj=None):
        return self._parent_is_draft(obj) and has_role(request.user, Role.CATALOGUE_ADMIN)

    def has_delete_permission(self, request, obj=None):
        return self._parent_is_draft(obj) and has_role(request.user, Role.CATALOGUE_ADMIN)


class SavesInlinesThroughActions:
    """The inline rows of a draft (handling items of a version; materials, steps and procedures
    of a handling item) are saved and deleted by `save_draft_part` / `delete_draft_part`."""

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            actions.delete_draft_part(obj, actor=request.user)
        for obj in instances:
            actions.save_draft_part(obj, actor=request.user)
        formset.save_m2m()


class HandlingItemInline(DraftPartInline):
    model = HandlingItem
    fields = [
        "order",
        "code",
        "name",
        "variant",
        "applicant_type",
        "statutory_limit_days",
        "promised_limit_days",
        "is_instant",
        "complaint_phone",
    ]
    show_change_link = True


@admin.register(ItemVersion)
class ItemVersionAdmin(
    DomainErrorAsMessage, CatalogueRoleAccess, SavesInlinesThroughActions, admin.ModelAdmin
):
    region_path = "item__catalogue__region"
    actions = ["publish_today"]
    list_display = [
        "name",
        "basic_code",
        "number",
        "status",
        "change_kind",
        "effective_from",
        "effective_until",
    ]
    list_filter = ["status", "change_kind", "transfer_status", "item_type"]
    search_fields = ["name", "item__basic_code", "implementing_code"]
    list_select_related = ["item"]
    inlines = [HandlingItemInline]
    fieldsets = [
        (None, {"fields": ["item", "number", "status"]}),
        (
            _("事项信息"),
            {
                "fields": [
                    "name",
                    "item_type",
                    "implementing_code",
                    "legal_basis",
                    "exercise_level",
                    "original_department",
                    "transfer_status",
                    "topic",
                    "related_items",
                    "delegated_to",
                    "is_cancelled",
                    "merged_into",
                ]
            },
        ),
        (
            _("调整记录"),
            {
                "fields": [
                    "change_kind",
                    "change_reason",
                    "change_basis",
                    "created_by",
                    "created_at",
                    "published_by",
                    "published_at",
                    "effective_from",
                    "effective_until",
                ]
            },
        ),
    ]
    # Status, outcome and the adjustment's own facts are set by the actions (adjust, publish);
    # related items and delegation have no draft action yet, so they are shown, not edited.
    readonly_fields = [
        "item",
        "number",
        "status",
        "related_items",
        "delegated_to",
        "is_cancelled",
        "merged_into",
        "change_kind",
        "created_by",
        "created_at",
        "published_by",
        "published_at",
        "effective_from",
        "effective_until",
    ]

    @admin.display(description=_("基本编码"), ordering="item__basic_code")
    def basic_code(self, obj):
        return obj.item.basic_code

    @admin.action(description=_("发布所选草稿（今日生效）"))
    def publish_today(self, request, queryset):
        # Through `actions.publish`, with every refusal it gives (an incomplete guide, an item
        # switched to the bureau before its transfer agreement's date …) shown per draft.
        on = today()
        for version in queryset.filter(status=ItemVersion.Status.DRAFT):
            try:
                actions.publish(version, actor=request.user, effective_from=on)
            except DomainError as e:
                self.message_user(
                    request, f"{version.name}：{domain_message(e)}", level=messages.ERROR
                )
            else:
                self.message_user(request, _("已发布：{name}").format(name=version.name))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item__catalogue__region")

    def has_add_permission(self, request, *args):
        # New items and new versions come from the administrators' pages (create, adjust).
        return False

    def has_delete_permission(self, request, obj=None):
        # A draft is discarded on the administrators' page, which removes its parts with it.
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "original_department":
            prefix = scope_prefix(request.user) or ""
            kwargs["queryset"] = db_field.related_model.objects.filter(
                region__code__startswith=prefix
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        changed = {
            name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data
        }
        if changed:
            actions.update_draft(obj, actor=request.user, **changed)

    def save_related(self, request, form, formsets, change):
        # No many-to-many field is editable here, so only the inlines are saved.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class MaterialInline(DraftPartInline):
    model = Material
    fields = [
        "order",
        "name",
        "applies_to",
        "form",
        "copies",
        "is_required",
        "is_core",
        "is_tolerable",
        "source",
        "blank_form",
        "sample",
        "notes",
    ]


class ReviewStepInline(DraftPartInline):
    model = ReviewStep
    fields = ["order", "name", "role", "section", "limit_days"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            prefix = scope_prefix(request.user) or ""
            kwargs["queryset"] = Section.objects.filter(bureau__region__code__startswith=prefix)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SpecialProcedureInline(DraftPartInline):
    model = SpecialProcedure
    fields = ["kind", "limit_days", "notes", "legal_basis"]


@admin.register(HandlingItem)
class HandlingItemAdmin(
    DomainErrorAsMessage, CatalogueRoleAccess, SavesInlinesThroughActions, admin.ModelAdmin
):
    region_path = "item_version__item__catalogue__region"
    list_display = [
        "name",
        "code",
        "version_label",
        "applicant_type",
        "statutory_limit_days",
        "promised_limit_days",
    ]
    list_filter = ["item_version__status", "variant", "applicant_type", "is_instant"]
    search_fields = ["name", "code", "item_version__name"]
    list_select_related = ["item_version"]
    inlines = [MaterialInline, ReviewStepInline, SpecialProcedureInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "item_version",
                    "order",
                    "code",
                    "name",
                    "variant",
                    "applicant_type",
                    "conditions",
                ]
            },
        ),
        (
            _("时限"),
            {
                "fields": [
                    "statutory_limit_days",
                    "promised_limit_days",
                    "is_instant",
                    "is_joint",
                    "is_commitment",
                    "missed_promise_rule",
                ]
            },
        ),
        (_("收费"), {"fields": ["fee_charged", "fee_standard", "fee_basis"]}),
        (
            _("办理方式"),
            {
                "fields": [
                    "visits_required",
                    "online_depth",
                    "where",
                    "office_hours",
                    "enquiry_phone",
                    "complaint_phone",
                    "intermediary_services",
                    "keywords",
                ]
            },
        ),
        (
            _("办理结果"),
            {
                "fields": [
                    "result_name",
                    "result_validity",
                    "deliver_at_window",
                    "deliver_by_post",
                    "deliver_electronically",
                ]
            },
        ),
    ]

    @admin.display(description=_("事项版本"), ordering="item_version")
    def version_label(self, obj):
        return str(obj.item_version)

    def _back_to_draft(self, request, obj, response):
        # Editing a handling item is a step inside the draft's page: go back there when done.
        if any(k in request.POST for k in ("_continue", "_addanother", "_saveasnew")):
            return response
        return HttpResponseRedirect(reverse("catalogue:version", args=[obj.item_version_id]))

    def response_change(self, request, obj):
        return self._back_to_draft(request, obj, super().response_change(request, obj))

    def response_add(self, request, obj, post_url_continue=None):
        return self._back_to_draft(
            request, obj, super().response_add(request, obj, post_url_continue)
        )

    def save_model(self, request, obj, form, change):
        actions.save_draft_part(obj, actor=request.user)

    def delete_model(self, request, obj):
        actions.delete_draft_part(obj, actor=request.user)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        # All or nothing: one published row among the selection refuses the whole deletion.
        for obj in queryset:
            actions.delete_draft_part(obj, actor=request.user)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item_version__item__catalogue__region")

    def get_readonly_fields(self, request, obj=None):
        # A handling item stays in the version it was created in.
        return ["item_version"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "item_version":
            prefix = scope_prefix(request.user) or ""
            kwargs["queryset"] = ItemVersion.objects.filter(
                status=ItemVersion.Status.DRAFT,
                item__catalogue__region__code__startswith=prefix,
            ).select_related("item")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(GuidanceExemption)
class GuidanceExemptionAdmin(DomainErrorAsMessage, CatalogueRoleAccess, admin.ModelAdmin):
    region_path = "catalogue__region"
    list_display = ["basic_code", "catalogue", "reason", "created_by", "created_at"]
    list_filter = ["catalogue"]
    search_fields = ["basic_code", "reason"]
    fields = ["catalogue", "basic_code", "reason"]

    def get_readonly_fields(self, request, obj=None):
        return ["catalogue", "basic_code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        # No action withdraws a declaration yet; deleting a row would leave no audit trail.
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "catalogue":
            prefix = scope_prefix(request.user) or ""
            kwargs["queryset"] = Catalogue.objects.filter(
                region__code__startswith=prefix, kind=Catalogue.Kind.LOCAL
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        saved = actions.declare_no_such_power(
            obj.catalogue, actor=request.user, basic_code=obj.basic_code, reason=obj.reason
        )
        obj.pk = saved.pk


@admin.register(Catalogue)
class CatalogueAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "kind", "bureau"]
    list_filter = ["kind"]
    search_fields = ["name", "region__code", "region__name"]
    raw_id_fields = ["region"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    list_editable = ["order"]


class LifeEventItemInline(admin.TabularInline):
    model = LifeEventItem
    extra = 0
    can_delete = False
    fields = ("order", "handling_item", "required", "question")
    readonly_fields = ("order", "handling_item", "required", "question")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(LifeEvent)
class LifeEventAdmin(admin.ModelAdmin):
    """Life events are shown here and published through `life_events.publish_life_event`;
    drafts are made by the same actions (API, demo), never edited behind the audit log."""

    list_display = ["name", "number", "status", "catalogue", "published_on", "superseded_on"]
    list_filter = ["status"]
    search_fields = ["name", "keywords"]
    inlines = [LifeEventItemInline]
    actions = ["publish"]

    def get_queryset(self, request):
        # Drafts are the region's own: a catalogue administrator sees their region and below.
        prefix = scope_prefix(request.user)
        events = super().get_queryset(request).select_related("catalogue__region")
        return (
            events.none()
            if prefix is None
            else events.filter(catalogue__region__code__startswith=prefix)
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("发布所选一件事"), permissions=["view"])
    def publish(self, request, queryset):
        from oneseal.errors import DomainError
        from oneseal.interface.admin_messages import domain_message

        from .life_events import publish_life_event

        for event in queryset:
            try:
                publish_life_event(event, actor=request.user)
            except DomainError as e:
                self.message_user(request, f"{event}：{domain_message(e)}", messages.ERROR)
            else:
                self.message_user(request, _("已发布：{e}").format(e=event), messages.SUCCESS)
