# Included by oneseal.api.v1 inside the "api" namespace.
from django.urls import path

from . import api, api_bundles, api_desk

urlpatterns = [
    path("projects", api.Projects.as_view(), name="projects"),
    path("projects/<int:pk>", api.ProjectDetail.as_view(), name="project"),
    path("projects/<int:pk>/stages", api_bundles.ProjectStages.as_view(), name="project-stages"),
    path("projects/<int:pk>/clock", api_bundles.ProjectClock.as_view(), name="project-clock"),
    path("stage-templates", api.StageTemplates.as_view(), name="stage-templates"),
    path("life-events", api_bundles.LifeEvents.as_view(), name="life-events"),
    path(
        "life-events/<int:pk>/applications",
        api_bundles.LifeEventApplications.as_view(),
        name="life-event-applications",
    ),
    path("bundles/<int:pk>", api_bundles.BundleDetail.as_view(), name="bundle"),
    path("stage-applications", api_desk.StageApplications.as_view(), name="stage-applications"),
    path(
        "stage-applications/<int:pk>",
        api_desk.StageApplicationDetail.as_view(),
        name="stage-application",
    ),
]
