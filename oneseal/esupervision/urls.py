from django.urls import path

from . import views, views_leader, views_projects

app_name = "esupervision"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("leader/", views_leader.leader_view, name="leader"),
    path("cases/", views_leader.case_list, name="cases"),
    path("warnings/<str:level>/", views.warning_list, name="warnings"),
    path("overdue/<str:kind>/", views.overdue_list, name="overdue"),
    path("pushes/", views.push_list, name="pushes"),
    path("support-requests/", views.support_request_list, name="support-requests"),
    path("opinion-requests/", views.opinion_request_list, name="opinion-requests"),
    path("hits/", views.hit_list, name="hits"),
    path("expert-overrides/", views.expert_override_list, name="expert-overrides"),
    path("statistics/", views.statistics, name="statistics"),
    path("reform/", views.reform, name="reform"),
    path("projects/", views_projects.project_supervision, name="projects"),
    path("reform/baselines/", views.baselines, name="baselines"),
    path("declarations/", views.declarations, name="declarations"),
    path(
        "declarations/<int:pk>/withdraw/", views.withdraw_declaration, name="withdraw-declaration"
    ),
]
