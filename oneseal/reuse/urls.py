from django.urls import path

from . import views

app_name = "reuse"
urlpatterns = [
    path("cases/<int:pk>/materials/<int:line>/pick/", views.pick, name="pick"),
]
