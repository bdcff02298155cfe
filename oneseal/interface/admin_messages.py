"""The admin's side of an action's refusal: a message on the page instead of a 500."""

from django.contrib import messages
from django.http import HttpResponseRedirect

from oneseal.errors import DomainError


def domain_message(error: DomainError) -> str:
    parts = [str(error.message), *error.reasons]
    for messages_ in error.fields.values():
        parts.extend(str(m) for m in messages_ if str(m) not in parts)
    return "；".join(dict.fromkeys(parts))


class DomainErrorAsMessage:
    """An action's refusal becomes an error message on the page it came from, and the whole
    admin request is rolled back (the admin wraps each change in one transaction)."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as e:
            self.message_user(request, domain_message(e), level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as e:
            self.message_user(request, domain_message(e), level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except DomainError as e:
            self.message_user(request, domain_message(e), level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
