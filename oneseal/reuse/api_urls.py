from django.urls import path

from . import api

urlpatterns = [
    path(
        "cases/<int:pk>/materials/<int:line>/reuse-candidates",
        api.LineCandidates.as_view(),
        name="reuse-candidates",
    ),
    path("cases/<int:pk>/materials/<int:line>/reuse", api.LinePick.as_view(), name="reuse-pick"),
    path("cases/<int:pk>/reused", api.CaseReused.as_view(), name="case-reused"),
    path("reuse/elicences", api.ImportedLicences.as_view(), name="reuse-elicences"),
]
