"""Form helpers of the pages: forms only parse and check input; the actions decide."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from oneseal.errors import DomainError, ValidationFailed


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


def required_version(data: Mapping[str, Any], field: str) -> int:
    """The case's version a page's form carries (its hidden `field`), for the action's check
    that the case did not change since the form was shown. Every form the system renders
    sends it, so one without it (or with no number) was not sent by the page: refused under
    `field`, not acted on unchecked. The API, whose callers may leave the version out, does
    not come here."""
    try:
        version = int(str(data.get(field, "")))
    except ValueError:
        version = -1
    if version < 0:
        msg = _("表单缺少办件版本号（{field}），请刷新页面后再次提交").format(field=field)
        raise ValidationFailed(msg, fields={field: [msg]})
    return version
