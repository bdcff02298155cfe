# Included by oneseal.api.v1 inside the "api" namespace.
from django.urls import path

from . import api

urlpatterns = [
    path("transfers/agreements", api.Agreements.as_view(), name="transfer-agreements"),
    path("transfers/agreements/<int:pk>", api.AgreementDetail.as_view(), name="transfer-agreement"),
    path(
        "transfers/agreements/<int:pk>/sign",
        api.SignAgreement.as_view(),
        name="transfer-agreement-sign",
    ),
    path(
        "transfers/agreements/<int:pk>/seal",
        api.SealAgreement.as_view(),
        name="transfer-agreement-seal",
    ),
    path("transfers/staff/<int:pk>/clear", api.ClearStaff.as_view(), name="transfer-staff-clear"),
    path("transfers/staff-register", api.StaffRegister.as_view(), name="transfer-staff-register"),
    path("transfers/transitions", api.Transitions.as_view(), name="transfer-transitions"),
]
