# Included by oneseal.api.v1 inside the "api" namespace.
from django.urls import path

from . import api, api_seals

urlpatterns = [
    path("cases/<int:pk>/documents", api.CaseDocuments.as_view(), name="case-documents"),
    path("cases/<int:pk>/documents/due", api.CaseDueDocuments.as_view(), name="case-due-documents"),
    path("documents/<int:pk>", api.DocumentDetail.as_view(), name="document"),
    path("documents/<int:pk>/file", api.DocumentFile.as_view(), name="document-file"),
    path("documents/<int:pk>/reissue", api.DocumentReissue.as_view(), name="document-reissue"),
    path("documents/<int:pk>/revoke", api.DocumentRevoke.as_view(), name="document-revoke"),
    path("seals", api_seals.Seals.as_view(), name="seals"),
    path("seals/warnings", api_seals.SealWarnings.as_view(), name="seal-warnings"),
    path("seals/<int:pk>/hand-over", api_seals.SealHandOver.as_view(), name="seal-hand-over"),
    path("verify", api.VerifyFile.as_view(), name="document-verify-file"),
    path("verify/<str:code>", api.Verify.as_view(), name="document-verify"),
]
