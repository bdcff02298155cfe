from django.urls import path

from . import views, views_desk

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("desk/", views_desk.stage_desk, name="desk"),
    path("desk/<int:pk>/", views_desk.desk_stage, name="desk-stage"),
]
