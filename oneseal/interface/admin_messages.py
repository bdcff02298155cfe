"""The admin's side of an action's refusal: a message on the page instead of a 500."""

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from oneseal.errors import DomainError

if TYPE_CHECKING:
    from django.contrib import admin

    # The mixin always comes before a ModelAdmin, whose views it wraps.
    _AdminBase = admin.ModelAdmin
else:
    _AdminBase = object


def domain_message(error: DomainError) -> str:
    parts = [str(error.message), *error.reasons]
    for messages_ in error.fields.values():
        parts.extend(str(m) for m in messages_ if str(m) not in parts)
    return "；".join(dict.fromkeys(parts))


class DomainErrorAsMessage(_AdminBase):
    """An action's refusal becomes an error message on the page it came from, and the whole
    admin request is rolled back (the admin wraps each change in one transaction)."""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as e:
            self.message_user(request, domain_message(e), level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as e:
            self.message_user(request, domain_message(e), level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().changelist_view(request, extra_context)
        except DomainError as e:
            self.message_user(request, domain_message(e), level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
