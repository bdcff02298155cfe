# Included by oneseal.api.v1 inside the "api" namespace.
from django.urls import path

from .api import SearchView

urlpatterns = [
    path("search", SearchView.as_view(), name="search"),
]
