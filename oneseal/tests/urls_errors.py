"""A URLconf for the debug-page tests: the real one plus a view that fails and one that is
not found (the error pages need the real URL names)."""

from django.http import Http404
from django.urls import path

from oneseal.urls import urlpatterns as real_urlpatterns


def fails(request):
    raise RuntimeError("boom: postgres://oneseal:hunter2@db/oneseal")


def missing(request):
    raise Http404("no such thing")


urlpatterns = [path("fails/", fails), path("missing/", missing), *real_urlpatterns]
