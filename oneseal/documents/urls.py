from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("verify/", views.lookup, name="lookup"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
