from django.urls import include, path

from . import apply, licences, views
from .cases import views as case_views

app_name = "api"
urlpatterns = [
    path("regions", views.RegionList.as_view(), name="regions"),
    path("regions/<str:code>", views.RegionDetail.as_view(), name="region"),
    path("catalogues", views.CatalogueList.as_view(), name="catalogues"),
    path("departments", views.DepartmentList.as_view(), name="departments"),
    path("topics", views.TopicList.as_view(), name="topics"),
    path("items", views.ItemList.as_view(), name="items"),
    path("items/<int:pk>", views.ItemDetail.as_view(), name="item"),
    path("items/<int:pk>/history", views.ItemHistory.as_view(), name="item-history"),
    path("handling-items/<int:pk>", views.HandlingItemDetail.as_view(), name="handling-item"),
    path("reports/transfer", views.TransferReportView.as_view(), name="transfer-report"),
    path("reports/guidance-gaps", views.GuidanceGapsView.as_view(), name="guidance-gaps"),
    path("applicants", case_views.ApplicantRegister.as_view(), name="applicants"),
    path("cases", case_views.CaseListCreate.as_view(), name="cases"),
    # The case actions early: the window's and the API's busiest requests, each pattern tried
    # in order (they were after a hundred others). No other pattern matches their paths
    # (api/tests/test_cases_api.py: test_every_action_path_resolves_to_its_action).
    *[
        path(f"cases/<int:pk>/{name}", view.as_view(), name=f"case-{name}")
        for name, view in case_views.ACTION_VIEWS.items()
    ],
    path("cases/apply", apply.ApplyOnline.as_view(), name="cases-apply"),
    path("cases/<int:pk>", case_views.CaseDetailView.as_view(), name="case"),
    path("cases/<int:pk>/events", case_views.CaseEventList.as_view(), name="case-events"),
    path(
        "cases/<int:pk>/revocation-proposals",
        case_views.CaseRevocationProposals.as_view(),
        name="case-revocation-proposals",
    ),
    path(
        "cases/<int:pk>/materials/<int:line>/files",
        case_views.CaseMaterialFiles.as_view(),
        name="case-material-files",
    ),
    path("licences", licences.LicenceList.as_view(), name="licences"),
    path("licences/<int:pk>", licences.LicenceDetail.as_view(), name="licence"),
    # Each later app keeps its endpoints in its own api_urls module.
    *[
        path("", include(f"oneseal.{app}.api_urls"))
        for app in (
            "documents",
            "linkage",
            "search",
            "appointments",
            "ratings",
            "hearings",
            "esupervision",
            "projects",
            "inspections",
            "experts",
            "intermediaries",
            "transfers",
            "handovers",
            "delegations",
            "drafts",
            "reuse",
            "elicences",
            "archives",
            "workbench",
            "portal",
            "publications",
            "notifications",
        )
    ],
]
