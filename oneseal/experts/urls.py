from django.urls import path

from . import views

app_name = "experts"
urlpatterns = [
    path("", views.pool, name="pool"),
    path("<int:pk>/", views.expert_page, name="expert"),
    path("<int:pk>/<str:op>/", views.expert_page, name="expert-act"),
    path("cases/<int:pk>/", views.case_reviews, name="case"),
    path("cases/<int:pk>/<str:op>/", views.case_act, name="case-act"),
    path("my/", views.mine, name="mine"),
    path("my/own/<str:op>/", views.mine, name="mine-act"),
    path("my/<int:pk>/", views.assignment_page, name="assignment"),
    path("my/<int:pk>/files/<int:upload>/", views.assignment_file, name="assignment-file"),
    path("my/<int:pk>/<str:op>/", views.assignment_page, name="assignment-act"),
]
