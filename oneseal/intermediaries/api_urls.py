# Included by oneseal.api.v1 inside the "api" namespace.
from django.urls import path

from . import api

urlpatterns = [
    path("intermediaries", api.PublicList.as_view(), name="intermediaries"),
    path("intermediaries/me/engagements", api.OwnEngagements.as_view(), name="own-engagements"),
    path("intermediaries/me/appeal", api.Appeal.as_view(), name="intermediary-appeal"),
    path("intermediaries/steering", api.Steering.as_view(), name="intermediary-steering"),
    path(
        "intermediaries/<int:pk>/suspend",
        api.SuspendIntermediary.as_view(),
        name="intermediary-suspend",
    ),
    path(
        "intermediaries/<int:pk>/reinstate",
        api.ReinstateIntermediary.as_view(),
        name="intermediary-reinstate",
    ),
    path(
        "intermediaries/<int:pk>/remove",
        api.RemoveIntermediary.as_view(),
        name="intermediary-remove",
    ),
    path("intermediary-appeals/<int:pk>/decide", api.DecideAppeal.as_view(), name="appeal-decide"),
    path(
        "cases/<int:pk>/intermediary-services",
        api.CaseServices.as_view(),
        name="case-intermediary-services",
    ),
    path("cases/<int:pk>/engagements", api.CaseEngagements.as_view(), name="case-engagements"),
    path("engagements/<int:pk>/deliver", api.Deliver.as_view(), name="engagement-deliver"),
    path("engagements/<int:pk>/rate", api.Rate.as_view(), name="engagement-rate"),
]
