from django.urls import path

from . import views

app_name = "elicences"
urlpatterns = [
    path("", views.elicence_list, name="list"),
    path("<int:pk>/file", views.elicence_file, name="file"),
    path("verify/", views.verify_file, name="verify-file"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
