"""Who is calling: the client's address as every guard (login lockouts, tracking lockout,
throttles, the debug page) must see it. Behind ONESEAL_PROXY_COUNT trusted proxies it is the
address the nearest of them reports in X-Forwarded-For; anything further left in that header
is written by the client and not believed."""

import ipaddress

from django.conf import settings

LOCAL = (ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1"))


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.PROXY_COUNT
    if count:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if forwarded:
            return forwarded[-min(count, len(forwarded))]
    return remote


def is_local(request) -> bool:
    try:
        return ipaddress.ip_address(client_ip(request)) in LOCAL
    except ValueError:
        return False


def login_name(request, credentials=None) -> str | None:
    """The user name a login attempt gave, as the lockout counts it (django-axes'
    AXES_USERNAME_CALLABLE). Django's login forms do not cap its length before authenticating;
    no account's name is longer than 150 characters, so a longer one is counted by its first
    150 — and never overflows the attempt log's column (a 500 on PostgreSQL)."""
    from axes.conf import settings as axes_settings  # with axes' defaults filled in

    field = axes_settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        value = credentials.get(field)
    else:
        value = getattr(request, "data", request.POST).get(field)
    return None if value is None else str(value)[:150]
