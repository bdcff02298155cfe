"""Form helpers of the pages: forms only parse and check input; the actions decide."""

from django import forms

from oneseal.errors import DomainError


def add_domain_error(form: forms.BaseForm, error: DomainError) -> None:
    """Show an action's refusal on the form: field errors on their fields, the rest on top."""
    placed = False
    for field, messages in error.fields.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)
            placed = True
    for reason in error.reasons:
        if not any(reason in msgs for msgs in error.fields.values()):
            form.add_error(None, reason)
            placed = True
    if not placed:
        form.add_error(None, str(error.message))
