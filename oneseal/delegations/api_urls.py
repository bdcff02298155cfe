from django.urls import path

from . import api

urlpatterns = [
    path("delegations", api.Delegations.as_view(), name="delegations"),
    path("delegations/statistics", api.TownshipStatistics.as_view(), name="township-statistics"),
    path("delegations/<int:pk>", api.DelegationDetail.as_view(), name="delegation"),
    path("delegations/<int:pk>/renew", api.DelegationRenew.as_view(), name="delegation-renew"),
    path("delegations/<int:pk>/revoke", api.DelegationRevoke.as_view(), name="delegation-revoke"),
]
