"""What a request may carry, checked once for every page and API call before any view sees it.

Hostile input must end in a clear 400 naming the field, never a 500 (issue 12, finding 6):
- control characters (NUL and the other C0 controls but tab, CR, LF; DEL) in any query or
  form parameter, JSON string or key, or header: PostgreSQL refuses NUL in text, so a stored
  value with one failed deep inside a view, and the others have no business in a name, a
  reason or a key;
- bidirectional overrides, embeddings and isolates in any of those values: a name with
  U+202E was stored as is and printed reversed in a PDF;
- JSON nested deeper than `ONESEAL_JSON_MAX_DEPTH` (Python's parser recurses, and 5,000
  levels overflowed its stack), or a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE;
- a number in the URL path larger than any row id (a 64-bit integer), which the database
  cannot even compare: no such object, 404.

`bidi_controls` and `control_characters` live in `oneseal.characters`: the domain's own validation of
names (`applicants.rules.name_problem`) uses them too, for text that does not come through a
request."""

import json
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from oneseal.characters import CONTROL, bidi_controls, control_characters

HEADER_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")
JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')
BIGGEST_ID = 2**63 - 1
DIGITS = re.compile(r"^[0-9]+$")


def json_depth(body: bytes) -> int:
    """The nesting depth of a JSON text, counted without parsing (strings skipped)."""
    depth = deepest = 0
    for token in JSON_TOKEN.finditer(body):
        t = token.group()
        if t in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        elif t in (b"]", b"}"):
            depth -= 1
    return deepest


class InputRefused(Exception):
    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__(f"{field}: {message}")


def _printable(name: str) -> str:
    return CONTROL.sub("?", name)[:80] or "?"


def _check_text(field: str, value: str) -> None:
    if control_characters(field):
        raise InputRefused(_printable(field), _("参数名含有控制字符"))
    if control_characters(value):
        raise InputRefused(field, _("不能含有控制字符（如 NUL）"))
    if bidi_controls(value):
        raise InputRefused(field, _("不能含有文字方向控制字符（如 U+202E）"))


def _walk_json(value, path: str) -> None:
    if isinstance(value, str):
        _check_text(path or "body", value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(f"{path}.{key}" if path else key, key)
            _walk_json(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _walk_json(item, f"{path}[{i}]")


def check_request(request) -> None:
    """Raise InputRefused for the first hostile value of the request; Http404 for an id
    beyond any row."""
    for segment in request.path.split("/"):
        if DIGITS.match(segment) and int(segment) > BIGGEST_ID:
            raise Http404
    for key, value in request.META.items():
        if key.startswith("HTTP_") and isinstance(value, str) and HEADER_CONTROL.search(value):
            raise InputRefused(key[5:].replace("_", "-").title(), _("请求头不能含有控制字符"))
    for key, values in request.GET.lists():
        for value in values:
            _check_text(key, value)
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    content_type = request.content_type or ""
    try:
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for key, values in request.POST.lists():
                for value in values:
                    _check_text(key, value)
        elif content_type == "application/json" or content_type.endswith("+json"):
            _check_json(request.body)
    except RequestDataTooBig:
        raise InputRefused(
            "body",
            _("请求内容过大（上限 {size} 字节）").format(size=settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
        ) from None


def _check_json(body: bytes) -> None:
    limit = settings.ONESEAL_JSON_MAX_DEPTH
    if body.count(b"[") + body.count(b"{") > limit and json_depth(body) > limit:
        raise InputRefused("body", _("JSON 嵌套超过 {n} 层").format(n=limit))
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return  # not JSON: the API's parser answers with its own 400
    _walk_json(data, "")


class RefuseHostileInput:
    """Middleware: a hostile request gets a 400 naming the field, in the API's error format
    under /api/, as a short text elsewhere."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            check_request(request)
        except InputRefused as refused:
            return self.refusal(request, refused)
        return self.get_response(request)

    @staticmethod
    def refusal(request, refused: InputRefused):
        message = f"{refused.field}：{refused.message}"
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "code": "validation_failed",
                    "message": message,
                    "fields": {refused.field: [refused.message]},
                    "reasons": [],
                },
                status=400,
                json_dumps_params={"ensure_ascii": False},
            )
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
