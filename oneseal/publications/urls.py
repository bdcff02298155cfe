from django.urls import path

from . import views

app_name = "publications"
urlpatterns = [
    path("", views.register, name="register"),
    path("manage/", views.manage, name="manage"),
    path("manage/<int:pk>/publish/", views.publish, name="publish"),
    path("manage/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
