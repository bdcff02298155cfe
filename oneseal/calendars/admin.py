from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from oneseal.errors import DomainError

from . import actions
from .models import CalendarDay, CalendarYear


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "name", "entered_by", "entered_at"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    fields = ["date", "is_workday", "name"]

    def save_model(
        self, request: HttpRequest, obj: CalendarDay, form: forms.ModelForm, change: bool
    ) -> None:
        try:
            actions.enter_day(
                obj.date, actor=request.user, is_workday=obj.is_workday, name=obj.name
            )
        except DomainError as exc:
            messages.error(request, exc.message)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "announcement", "entered_by", "entered_at"]
    fields = ["year", "announcement"]

    def save_model(
        self, request: HttpRequest, obj: CalendarYear, form: forms.ModelForm, change: bool
    ) -> None:
        try:
            actions.declare_year_official(
                obj.year, actor=request.user, announcement=obj.announcement
            )
        except DomainError as exc:
            messages.error(request, exc.message)
