# Included by oneseal.api.v1 inside the "api" namespace.
from django.urls import path

from . import api

urlpatterns = [
    path("elicences", api.ELicenceList.as_view(), name="elicences"),
    path("elicences/export", api.ELicenceExport.as_view(), name="elicences-export"),
    path("elicences/verify", api.VerifyFile.as_view(), name="elicence-verify-file"),
    path("elicences/verify/<str:code>", api.VerifyCode.as_view(), name="elicence-verify"),
    path("elicences/<int:pk>", api.ELicenceDetail.as_view(), name="elicence"),
    path("elicences/<int:pk>/file", api.ELicenceFile.as_view(), name="elicence-file"),
]
