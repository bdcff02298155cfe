from django.urls import include, path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("reports/", include("oneseal.portal.urls_reports")),
]
