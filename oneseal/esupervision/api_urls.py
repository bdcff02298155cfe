# Included by oneseal.api.v1 inside the "api" namespace.
from django.urls import path

from . import api, api_projects

urlpatterns = [
    path("esupervision/overview", api.Overview.as_view(), name="esupervision-overview"),
    path(
        "esupervision/warnings/<str:level>",
        api.WarningCases.as_view(),
        name="esupervision-warnings",
    ),
    path(
        "esupervision/overdue/<str:kind>", api.OverdueCases.as_view(), name="esupervision-overdue"
    ),
    path("esupervision/rule-hits", api.RuleHits.as_view(), name="esupervision-rule-hits"),
    path(
        "esupervision/expert-overrides",
        api.ExpertOverrides.as_view(),
        name="esupervision-expert-overrides",
    ),
    path("esupervision/trend", api.Trend.as_view(), name="esupervision-trend"),
    path("esupervision/statistics", api.Statistics.as_view(), name="esupervision-statistics"),
    path(
        "esupervision/projects",
        api_projects.ProjectSupervision.as_view(),
        name="esupervision-projects",
    ),
    path(
        "esupervision/reform-measures",
        api.ReformMeasures.as_view(),
        name="esupervision-reform-measures",
    ),
]
