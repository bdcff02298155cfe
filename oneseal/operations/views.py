"""/healthz and /metrics: read by machines (a load balancer, systemd, Prometheus), not people."""

import hmac
import ipaddress
import logging

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from oneseal.clients import client_ip

from . import health

logger = logging.getLogger("oneseal.operations")


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when every check is ok, else 503; the body names each check's state only."""
    checks = health.checks()
    healthy = all(value == "ok" for value in checks.values())
    if not healthy:
        logger.warning("unhealthy", extra={"checks": checks})
    return JsonResponse(
        {"status": "ok" if healthy else "unhealthy", "checks": checks},
        status=200 if healthy else 503,
    )


def _admitted(request: HttpRequest) -> bool:
    token = settings.ONESEAL_METRICS_TOKEN
    if token:
        given = request.META.get("HTTP_AUTHORIZATION", "")
        if given.startswith("Bearer ") and hmac.compare_digest(
            given.removeprefix("Bearer ").strip().encode(), token.encode()
        ):
            return True
    if settings.ONESEAL_METRICS_ALLOWED_IPS:
        try:
            address = ipaddress.ip_address(client_ip(request))
        except ValueError:
            return False
        return any(address in network for network in settings.ONESEAL_METRICS_ALLOWED_IPS)
    return False


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus' text format. Off (404) unless a token or addresses are configured; then
    403 for anyone else, with no hint which of the two failed."""
    if not settings.METRICS_ENABLED:
        raise Http404
    if not _admitted(request):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    from . import metrics as exposition

    body, content_type = exposition.scrape()
    return HttpResponse(body, content_type=content_type)
