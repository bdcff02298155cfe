# Included by oneseal.api.v1 inside the "api" namespace.
from django.urls import path

from . import api

urlpatterns = [
    path("inspections", api.Inspections.as_view(), name="inspections"),
    path("inspections/joint", api.JointInspections.as_view(), name="inspections-joint"),
    path("inspections/checklists/<int:pk>", api.Checklist.as_view(), name="inspections-checklist"),
    path("inspections/<int:pk>", api.InspectionDetail.as_view(), name="inspection"),
    path(
        "inspections/<int:pk>/parties/<int:party>",
        api.PartyView.as_view(),
        name="inspection-party",
    ),
    *[
        path(f"inspections/<int:pk>/{name}", view, name=f"inspection-{name}")
        for name, view in api.ACTION_VIEWS.items()
    ],
]
