# Included by oneseal.api.v1 inside the "api" namespace.
from django.urls import path

from . import api

urlpatterns = [
    path("cases/<int:pk>/hearings", api.CaseHearings.as_view(), name="case-hearings"),
    path("cases/<int:pk>/hearings/notify-right", api.NotifyRight.as_view(), name="hearing-notify"),
    path("cases/<int:pk>/hearings/order", api.OrderHearing.as_view(), name="hearing-order"),
    path("cases/<int:pk>/interested-parties", api.CaseParties.as_view(), name="case-parties"),
    path("hearings", api.HearingList.as_view(), name="hearings"),
    path("hearings/announcements", api.Announcements.as_view(), name="hearing-announcements"),
    path("hearings/<int:pk>", api.HearingDetail.as_view(), name="hearing"),
    path("hearings/<int:pk>/request", api.RequestHearing.as_view(), name="hearing-request"),
    path("hearings/<int:pk>/lapse", api.LapseHearing.as_view(), name="hearing-lapse"),
    path("hearings/<int:pk>/schedule", api.ScheduleHearing.as_view(), name="hearing-schedule"),
    path("hearings/<int:pk>/avoidance", api.RequestAvoidance.as_view(), name="hearing-avoidance"),
    path("hearings/<int:pk>/record", api.RecordHearing.as_view(), name="hearing-record"),
    path("hearings/<int:pk>/close", api.CloseHearing.as_view(), name="hearing-close"),
    path(
        "avoidance-requests/<int:pk>/decide",
        api.DecideAvoidance.as_view(),
        name="avoidance-decide",
    ),
    path("hearing-statements/<int:pk>/sign", api.SignStatement.as_view(), name="statement-sign"),
    path("interested-parties/mine", api.MyParties.as_view(), name="interested-parties-mine"),
    path(
        "interested-parties/<int:pk>/statements",
        api.PartyStatements.as_view(),
        name="party-statements",
    ),
    path(
        "party-statements/<int:pk>/answer", api.AnswerStatement.as_view(), name="statement-answer"
    ),
]
