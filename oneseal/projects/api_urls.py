# Included by oneseal.api.v1 inside the "api" namespace.
from django.urls import path

from . import api

urlpatterns = [
    path("projects", api.Projects.as_view(), name="projects"),
    path("projects/<int:pk>", api.ProjectDetail.as_view(), name="project"),
    path("stage-templates", api.StageTemplates.as_view(), name="stage-templates"),
]
