"""One renderer for domain errors in the API: {"code", "message", "fields", "reasons"}."""

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from oneseal.errors import Conflict, DomainError, NotPermitted

STATUS = {NotPermitted: status.HTTP_403_FORBIDDEN, Conflict: status.HTTP_409_CONFLICT}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        code = next((s for cls, s in STATUS.items() if isinstance(exc, cls)), status.HTTP_400_BAD_REQUEST)
        body = {"code": exc.code, "message": str(exc.message),
                "fields": {k: [str(m) for m in v] for k, v in exc.fields.items()},
                "reasons": [str(r) for r in exc.reasons]}
        return Response(body, status=code)
    return drf_exception_handler(exc, context)
