# Included by oneseal.api.v1 inside the "api" namespace.
from django.urls import path

from . import api, api_desk

urlpatterns = [
    path("projects", api.Projects.as_view(), name="projects"),
    path("projects/<int:pk>", api.ProjectDetail.as_view(), name="project"),
    path("stage-templates", api.StageTemplates.as_view(), name="stage-templates"),
    path("stage-applications", api_desk.StageApplications.as_view(), name="stage-applications"),
    path(
        "stage-applications/<int:pk>",
        api_desk.StageApplicationDetail.as_view(),
        name="stage-application",
    ),
]
