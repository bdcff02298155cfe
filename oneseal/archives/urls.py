from django.urls import path

from . import views

app_name = "archives"
urlpatterns = [
    path("", views.archive_list, name="list"),
    path("handover/", views.handover, name="handover"),
    path("case/<int:case_pk>/", views.of_case, name="case"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/package/", views.package, name="package"),
    path("<int:pk>/files/<int:position>/", views.file, name="file"),
    path(
        "<int:pk>/supplements/<int:sequence>/package/",
        views.supplement_package,
        name="supplement-package",
    ),
]
