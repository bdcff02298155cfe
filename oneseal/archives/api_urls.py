from django.urls import path

from . import api

urlpatterns = [
    path("archives", api.Archives.as_view(), name="archives"),
    path("archives/handovers", api.Handovers.as_view(), name="archive-handovers"),
    path("archives/handover-list", api.HandoverListView.as_view(), name="archive-handover-list"),
    path("archives/<int:pk>", api.ArchiveDetail.as_view(), name="archive"),
    path(
        "archives/<int:pk>/files/<int:position>",
        api.ArchiveFileContent.as_view(),
        name="archive-file",
    ),
]
