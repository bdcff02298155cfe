"""The organisation in the Django admin. Every save goes through `organisation.actions` with the
signed-in user as actor, so the permission (an administrator of the object's region, or a
superuser), the rules and the audit row are those of every other path. Roles are edited as
check boxes on the staff page and saved with the member by `save_staff_and_roles`. Nothing is deleted here: the rows are
referenced by cases and documents; staff leave by having their roles withdrawn."""

from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from oneseal.interface.admin_messages import DomainErrorAsMessage
from oneseal.regions.models import Region

from . import actions
from .models import Bureau, Department, Role, Section, ServiceCentre, Staff, StaffRole
from .rules import has_role, scope_prefix


class AdministratorAccess(DomainErrorAsMessage, admin.ModelAdmin):
    """Visible to administrators (any region) and superusers; each object only inside the
    user's region scope. `region_path` leads from the model to its region."""

    region_path = "region"
    save_action: ClassVar[Callable[..., Model] | None] = None

    def _region_of(self, obj: Model) -> Region:
        node: Any = obj
        for part in self.region_path.split("__"):
            node = getattr(node, part)
        return node

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        prefix = scope_prefix(request.user)
        if prefix is None:
            return qs.none()
        return qs.filter(**{f"{self.region_path}__code__startswith": prefix}) if prefix else qs

    def _allowed(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return has_role(
            request.user, Role.ADMINISTRATOR, self._region_of(obj) if obj is not None else None
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    # `obj` is a row of whichever model the admin class shows (the stubs' ModelAdmin is generic).
    def save_model(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool
    ) -> None:
        save = type(self).save_action
        assert save is not None, "each organisation admin names the action that saves its rows"
        save(obj, actor=request.user)


@admin.register(Bureau)
class BureauAdmin(AdministratorAccess, admin.ModelAdmin):
    list_display = ["name", "region", "phone", "complaint_phone"]
    raw_id_fields = ["region"]
    save_action = actions.save_bureau


@admin.register(Department)
class DepartmentAdmin(AdministratorAccess, admin.ModelAdmin):
    list_display = ["name", "short_name", "region", "code"]
    list_filter = ["region"]
    search_fields = ["name", "short_name", "code"]
    raw_id_fields = ["region"]
    save_action = actions.save_department


@admin.register(Section)
class SectionAdmin(AdministratorAccess, admin.ModelAdmin):
    list_display = ["name", "bureau"]
    region_path = "bureau__region"
    save_action = actions.save_section


@admin.register(ServiceCentre)
class ServiceCentreAdmin(AdministratorAccess, admin.ModelAdmin):
    list_display = ["name", "region", "bureau"]
    raw_id_fields = ["region"]
    save_action = actions.save_service_centre


class StaffForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("角色"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Staff
        fields = [
            "user",
            "display_name",
            "phone",
            "region",
            "bureau",
            "section",
            "department",
            "service_centre",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["roles"].initial = list(
                StaffRole.objects.filter(staff=self.instance).values_list("role", flat=True)
            )


@admin.register(Staff)
class StaffAdmin(AdministratorAccess, admin.ModelAdmin):
    form = StaffForm
    list_display = [
        "display_name",
        "user",
        "region",
        "bureau",
        "department",
        "section",
        "role_list",
    ]
    list_filter = ["roles__role"]
    search_fields = ["display_name", "user__username"]
    raw_id_fields = ["region", "user"]

    @admin.display(description=_("角色"))
    def role_list(self, obj: Staff) -> str:
        return "、".join(str(Role(r.role).label) for r in obj.roles.all())

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).prefetch_related("roles")

    def save_model(
        self, request: HttpRequest, obj: Staff, form: forms.ModelForm, change: bool
    ) -> None:
        actions.save_staff_and_roles(obj, form.cleaned_data.get("roles", []), actor=request.user)
