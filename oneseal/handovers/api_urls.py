from django.urls import path

from . import api

urlpatterns = [
    path("handovers", api.Handovers.as_view(), name="handovers"),
    path("handovers/report", api.HandoverReport.as_view(), name="handover-report"),
    path("handovers/<int:pk>", api.HandoverDetail.as_view(), name="handover"),
    path("handovers/<int:pk>/confirm", api.HandoverConfirm.as_view(), name="handover-confirm"),
]
