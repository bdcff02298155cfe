"""Guards against guessing and flooding, in one store every process shares (the database
cache, see settings.CACHES): the login lockout backend (django-axes) and the request throttles
for the public pages, the same DRF throttle classes the API uses."""

from functools import wraps

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle

from .clients import client_ip


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check. Every web path (login pages, the admin, API Basic auth)
    passes the request; an in-process call without one (a test's client.login, a shell) has no
    client to count, so it is left to the next backend instead of failing."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class _Rates:
    """DRF reads the rates once at import; these read settings.THROTTLE_RATES each time, so the
    environment's values (and a test's) are the ones in force."""

    def get_rate(self):
        return settings.THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        # DRF would believe a client's own X-Forwarded-For when no proxy count is set.
        return client_ip(request)


class ScopedThrottle(_Rates, ScopedRateThrottle):
    """A view's `throttle_scope` (verify, search …), per user or, anonymous, per address."""

    def allow_request(self, request, view):
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return SimpleRateThrottle.allow_request(self, request, view)


class PageThrottle(_Rates, SimpleRateThrottle):
    """A scope's rate (settings.THROTTLE_RATES) per client address for a page view, signed in
    or not (an account does not make guessing cheaper)."""

    def __init__(self, scope: str):
        self.scope = scope
        super().__init__()

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def throttle(scope: str, methods: tuple[str, ...] = ("GET", "POST")):
    """Refuse a page with 429 once its client exceeds the scope's rate; only requests of
    `methods` count (a sign-up form may be shown freely, its submissions are counted)."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in methods:
                return view(request, *args, **kwargs)
            guard = PageThrottle(scope)
            if not guard.allow_request(request, view):
                wait = int(guard.wait() or 0) + 1
                response = render(
                    request,
                    "429.html",
                    {"wait": wait, "message": _("请求过于频繁，请稍后再试。")},
                    status=429,
                )
                response["Retry-After"] = str(wait)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
