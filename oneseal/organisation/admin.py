from django.contrib import admin

from .models import Bureau, Department, Section, ServiceCentre, Staff, StaffRole


@admin.register(Bureau)
class BureauAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "phone", "complaint_phone"]
    raw_id_fields = ["region"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "region", "code"]
    list_filter = ["region"]
    search_fields = ["name", "short_name", "code"]
    raw_id_fields = ["region"]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "bureau"]


@admin.register(ServiceCentre)
class ServiceCentreAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "bureau"]
    raw_id_fields = ["region"]


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 1


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user", "region", "bureau", "department", "section"]
    list_filter = ["roles__role"]
    search_fields = ["display_name", "user__username"]
    raw_id_fields = ["region", "user"]
    inlines = [StaffRoleInline]
