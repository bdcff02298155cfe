from django.urls import path

from . import views

app_name = "delegations"
urlpatterns = [
    path("", views.delegation_list, name="list"),
    path("statistics/", views.statistics, name="statistics"),
    path("<int:pk>/", views.delegation_detail, name="detail"),
    path("<int:pk>/pdf/", views.delegation_pdf, name="pdf"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
