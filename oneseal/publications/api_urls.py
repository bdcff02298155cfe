# Included by oneseal.api.v1 inside the "api" namespace.
from django.urls import path, re_path

from . import api

urlpatterns = [
    re_path(r"^publications/?$", api.PublicFeed.as_view(), name="publications"),
    path("publications/manage", api.StaffList.as_view(), name="publications-manage"),
    path("publications/<int:pk>/publish", api.Publish.as_view(), name="publication-publish"),
    path("publications/<int:pk>/withdraw", api.Withdraw.as_view(), name="publication-withdraw"),
]
