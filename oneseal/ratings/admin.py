"""Read-only registers of ratings and follow-ups: every change goes through `ratings.actions`."""

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from .models import FollowUp, FollowUpPolicy, Rating


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Rating)
class RatingAdmin(ReadOnly):
    list_display = ["case", "score", "channel", "rated_on"]
    list_filter = ["score", "channel"]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnly):
    list_display = ["rating", "state", "due_on", "answered_on"]
    list_filter = ["state"]


@admin.register(FollowUpPolicy)
class FollowUpPolicyAdmin(ReadOnly):
    list_display = ["bureau", "answer_days"]
