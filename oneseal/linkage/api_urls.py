# Included by oneseal.api.v1 inside the "api" namespace.
from django.urls import path

from . import api

urlpatterns = [
    path("linkage/pushes", api.PushList.as_view(), name="linkage-pushes"),
    path("linkage/pushes/<int:pk>", api.PushDetail.as_view(), name="linkage-push"),
    path("linkage/pushes/<int:pk>/sign", api.PushSign.as_view(), name="linkage-push-sign"),
    path(
        "linkage/pushes/<int:pk>/feedback", api.PushFeedback.as_view(), name="linkage-push-feedback"
    ),
    path("linkage/support-requests", api.SupportList.as_view(), name="linkage-support-requests"),
    path(
        "linkage/support-requests/<int:pk>",
        api.SupportDetail.as_view(),
        name="linkage-support-request",
    ),
    path(
        "linkage/support-requests/<int:pk>/answer",
        api.SupportAnswer.as_view(),
        name="linkage-support-answer",
    ),
    path("linkage/cases/<int:pk>", api.CaseLinkageView.as_view(), name="linkage-case"),
    path(
        "linkage/cases/<int:pk>/opinions",
        api.CaseOpinionRequest.as_view(),
        name="linkage-case-opinions",
    ),
    path("linkage/opinions", api.OpinionList.as_view(), name="linkage-opinions"),
    path("linkage/opinions/<int:pk>", api.OpinionDetail.as_view(), name="linkage-opinion"),
    path(
        "linkage/opinions/<int:pk>/answer",
        api.OpinionAnswer.as_view(),
        name="linkage-opinion-answer",
    ),
    path(
        "linkage/opinions/<int:pk>/withdraw",
        api.OpinionWithdraw.as_view(),
        name="linkage-opinion-withdraw",
    ),
]
