from django.urls import include, path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("catalogue/<str:region_code>/", views.catalogue, name="catalogue"),
    path("guide/<int:handling_item_id>/", views.guide, name="guide"),
    path("reports/", include("oneseal.portal.urls_reports")),
]
