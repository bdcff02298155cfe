# Included by oneseal.api.v1 inside the "api" namespace.
from django.urls import path

from . import api

urlpatterns = [
    path("ratings", api.Ratings.as_view(), name="ratings"),
    path("ratings/reasons", api.Reasons.as_view(), name="rating-reasons"),
    path("ratings/<int:pk>", api.RatingDetail.as_view(), name="rating"),
    path("follow-ups", api.FollowUps.as_view(), name="follow-ups"),
    path("follow-ups/<int:pk>/answer", api.FollowUpAnswer.as_view(), name="follow-up-answer"),
    path("follow-ups/<int:pk>/assign", api.FollowUpAssign.as_view(), name="follow-up-assign"),
]
