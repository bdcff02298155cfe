"""Django's debug pages (traceback, settings, URL list) only for a client on this machine.

With DEBUG on, Django shows them to whoever provokes an error; INTERNAL_IPS does not change
that. For any other client this middleware answers as production would: the plain 404 and
500 pages, the traceback going to the log only (Django logs it before rendering)."""

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.template import loader
from django.views import defaults
from django.views.debug import ExceptionReporter

from .clients import is_local


class PlainErrorReporter(ExceptionReporter):
    """What technical_500_response renders for a non-local client: the page a production
    server shows, nothing about the code or the settings."""

    def _bad_request(self) -> bool:
        return self.exc_type is not None and issubclass(self.exc_type, SuspiciousOperation)

    def get_traceback_html(self):
        if self._bad_request():
            return "<!doctype html><title>Bad Request (400)</title><h1>Bad Request (400)</h1>"
        return loader.get_template("500.html").render()

    def get_traceback_text(self):
        return "Bad Request (400)" if self._bad_request() else "Server Error (500)"


class LocalDebugPageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        hide = settings.DEBUG and not is_local(request)
        if hide:
            # Read by django.views.debug.technical_500_response for this request only.
            request.exception_reporter_class = PlainErrorReporter
        response = self.get_response(request)
        if (
            hide
            and response.status_code == 404
            and getattr(request, "resolver_match", None) is None
        ):
            # No URL matched: the debug 404 page would list every URL pattern.
            return defaults.page_not_found(request, Http404())
        return response

    def process_exception(self, request, exception):
        # Http404 from a view: the debug 404 page would show the URL list and the settings.
        # Other exceptions reach technical_500_response, which uses PlainErrorReporter.
        if isinstance(exception, Http404) and settings.DEBUG and not is_local(request):
            return defaults.page_not_found(request, exception)
        return None
