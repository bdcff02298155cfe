from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from .models import Applicant, Authorisation


@admin.register(Applicant)
class ApplicantAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "id_number", "credit_code", "phone", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "id_number", "credit_code", "phone"]
    # The account binding is a window's act on papers (register_applicant), never typed here.
    readonly_fields = ["kind", "id_number", "credit_code", "user", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # numbers are validated by applicants.actions.register_applicant only


@admin.register(Authorisation)
class AuthorisationAdmin(admin.ModelAdmin):
    """Read only: authorisations are recorded and revoked at the window
    (applicants.actions.record_authorisation / revoke_authorisation), audited there."""

    list_display = [
        "organisation",
        "person",
        "capacity",
        "valid_from",
        "valid_until",
        "recorded_at",
        "revoked_at",
    ]
    list_filter = ["capacity"]
    search_fields = ["organisation__name", "organisation__credit_code", "person__name"]
    list_select_related = ["organisation", "person"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
