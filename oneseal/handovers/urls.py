from django.urls import path

from . import views

app_name = "handovers"
urlpatterns = [
    path("", views.handover_list, name="list"),
    path("<int:pk>/", views.handover_detail, name="detail"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
]
