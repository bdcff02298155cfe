from django.contrib import admin

from .models import Applicant


@admin.register(Applicant)
class ApplicantAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "id_number", "credit_code", "phone", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "id_number", "credit_code", "phone"]
    readonly_fields = ["kind", "id_number", "credit_code", "created_at"]
    raw_id_fields = ["user"]

    def has_add_permission(self, request):
        return False  # numbers are validated by applicants.actions.register_applicant only
