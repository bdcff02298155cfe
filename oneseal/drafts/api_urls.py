# Included by oneseal.api.v1 inside the "api" namespace.
from django.urls import path

from . import api

urlpatterns = [
    path("drafts", api.Drafts.as_view(), name="drafts"),
    path("drafts/<int:pk>", api.DraftDetail.as_view(), name="draft"),
    path("drafts/<int:pk>/files", api.DraftFiles.as_view(), name="draft-files"),
    path("drafts/<int:pk>/files/<int:file_id>", api.DraftFile.as_view(), name="draft-file"),
    path("drafts/<int:pk>/submit", api.DraftSubmit.as_view(), name="draft-submit"),
]
