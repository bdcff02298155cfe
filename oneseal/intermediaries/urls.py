from django.urls import path

from . import views

app_name = "intermediaries"
urlpatterns = [
    path("", views.listing, name="listing"),
    path("my/", views.mine, name="mine"),
    path("my/<int:pk>/deliver/", views.mine, name="deliver"),
    path("steering/", views.steering, name="steering"),
]
