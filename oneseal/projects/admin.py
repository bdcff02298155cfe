"""The admin shows the register and the templates; every change goes through the actions
(registering at the workbench or the API; publishing here through `publish_stage_template`),
so nothing is edited behind the audit log."""

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from oneseal.errors import DomainError
from oneseal.interface.admin_messages import domain_message

from . import actions
from .models import JointStep, Project, StageItem, StageTemplate


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Project)
class ProjectAdmin(ReadOnly):
    list_display = ["code", "name", "owner", "kind", "region", "registered_at"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "owner__name"]
    list_select_related = ["owner", "region"]


class StageItemInline(admin.TabularInline):
    model = StageItem
    extra = 0
    can_delete = False
    readonly_fields = ("order", "handling_item", "required")
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(StageTemplate)
class StageTemplateAdmin(ReadOnly):
    list_display = ["name", "stage", "number", "status", "catalogue", "lead_section", "limit_days"]
    list_filter = ["status", "stage"]
    inlines = [StageItemInline]
    actions = ["publish"]

    @admin.action(description=_("发布所选阶段模板"), permissions=["view"])
    def publish(self, request: HttpRequest, queryset: QuerySet[StageTemplate]) -> None:
        for template in queryset:
            try:
                actions.publish_stage_template(template, actor=request.user)
            except DomainError as e:
                self.message_user(request, f"{template}：{domain_message(e)}", messages.ERROR)
            else:
                self.message_user(request, _("已发布：{t}").format(t=template), messages.SUCCESS)


@admin.register(JointStep)
class JointStepAdmin(ReadOnly):
    """Read-only: steps are opened, answered and concluded through `joint_actions`."""

    list_display = ["project", "stage", "kind", "state", "report_number", "concluded_on"]
    list_filter = ["kind", "state", "stage"]
    search_fields = ["project__code", "project__name", "report_number"]
