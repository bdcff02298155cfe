# Included by oneseal.api.v1 inside the "api" namespace.
from django.urls import path

from . import api

urlpatterns = [
    path("expert-fields", api.Fields.as_view(), name="expert-fields"),
    path("experts", api.Experts.as_view(), name="experts"),
    path("experts/me/assignments", api.OwnAssignments.as_view(), name="own-assignments"),
    path("experts/<int:pk>", api.ExpertDetail.as_view(), name="expert"),
    path("experts/<int:pk>/suspend", api.SuspendExpert.as_view(), name="expert-suspend"),
    path("experts/<int:pk>/reinstate", api.ReinstateExpert.as_view(), name="expert-reinstate"),
    path(
        "experts/<int:pk>/unavailability",
        api.AddUnavailability.as_view(),
        name="expert-unavailability",
    ),
    path("experts/<int:pk>/declarations", api.DeclareConflict.as_view(), name="expert-declare"),
    path("cases/<int:pk>/expert-reviews", api.CaseReviews.as_view(), name="case-expert-reviews"),
    path("expert-reviews/<int:pk>/draw-more", api.DrawMore.as_view(), name="review-draw-more"),
    path("expert-reviews/<int:pk>/appoint", api.Appoint.as_view(), name="review-appoint"),
    path("expert-reviews/<int:pk>/conclude", api.Conclude.as_view(), name="review-conclude"),
    path("expert-assignments/<int:pk>", api.OwnAssignment.as_view(), name="own-assignment"),
    path("expert-assignments/<int:pk>/accept", api.Accept.as_view(), name="assignment-accept"),
    path("expert-assignments/<int:pk>/decline", api.Decline.as_view(), name="assignment-decline"),
    path("expert-assignments/<int:pk>/opinion", api.Opinion.as_view(), name="assignment-opinion"),
    path(
        "expert-assignments/<int:pk>/remove", api.RemoveExpert.as_view(), name="assignment-remove"
    ),
    path("expert-assignments/<int:pk>/rate", api.RateExpert.as_view(), name="assignment-rate"),
    path("expert-assignments/<int:pk>/fee", api.RecordFee.as_view(), name="assignment-fee"),
]
