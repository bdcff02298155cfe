from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

# The split view loads its start-up script from a URL instead of inlining it, so the
# Content-Security-Policy needs no inline script; Swagger UI's own page keeps one <style>.
swagger = csp_update({"style-src": [UNSAFE_INLINE]})(
    SpectacularSwaggerSplitView.as_view(url_name="schema")
)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", swagger, name="api-docs"),
    path("v1/", include("oneseal.api.v1")),
]
