"""One renderer for every API error: {"code", "message", "fields", "reasons"}.

Domain errors carry their own code; DRF's own errors (a bad query parameter, a missing
object, a refused method) are put in the same shape so a client reads one format."""

import re

from django.apps import apps
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from oneseal.errors import Conflict, DomainError, NotPermitted

STATUS = {NotPermitted: status.HTTP_403_FORBIDDEN, Conflict: status.HTTP_409_CONFLICT}


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field" or "parent.child": [messages]}."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(detail, list) and any(isinstance(d, dict | list) for d in detail):
        out = {}
        for i, value in enumerate(detail):
            out.update(_flatten(value, f"{prefix}[{i}]"))
        return out
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or "non_field_errors": [str(m) for m in messages]}


# Django's get_object_or_404 says "No Case matches the given query." in English whatever the
# request's language (the text is not marked for translation); the model's name is all it tells.
_NO_MATCH = re.compile(r"^No (\w+) matches the given query\.$")


def not_found_message(exc: Http404) -> str:
    """A missing object in the request's language: the model's verbose name when Django's
    lookup said which model, the view's own message when it gave a translated one, else a
    plain "not found"."""
    text = str(exc.args[0]) if exc.args else ""
    match = _NO_MATCH.match(text)
    if match:
        model = next((m for m in apps.get_models() if m.__name__ == match.group(1)), None)
        if model is not None:
            return _("未找到该{name}").format(name=model._meta.verbose_name)
    elif text and not text.isascii():
        return text
    return _("未找到所请求的内容")


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        code = next(
            (s for cls, s in STATUS.items() if isinstance(exc, cls)), status.HTTP_400_BAD_REQUEST
        )
        body = {
            "code": exc.code,
            "message": str(exc.message),
            "fields": {k: [str(m) for m in v] for k, v in exc.fields.items()},
            "reasons": [str(r) for r in exc.reasons],
        }
        return Response(body, status=code)
    if isinstance(exc, ValidationError):
        fields = _flatten(exc.detail)
        first_field, first_messages = next(
            iter(fields.items()), ("non_field_errors", [_("请求参数有误")])
        )
        message = (
            first_messages[0]
            if first_field == "non_field_errors"
            else f"{first_field}：{first_messages[0]}"
        )
        body = {"code": "validation_failed", "message": message, "fields": fields, "reasons": []}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        set_rollback()
        body = {"code": "not_found", "message": not_found_message(exc), "fields": {}, "reasons": []}
        return Response(body, status=status.HTTP_404_NOT_FOUND)
    response = drf_exception_handler(exc, context)
    if response is not None:
        detail = response.data.get("detail") if isinstance(response.data, dict) else None
        response.data = {
            "code": getattr(detail, "code", None) or "error",
            "message": str(detail) if detail is not None else _("请求无法完成"),
            "fields": {},
            "reasons": [],
        }
    return response
