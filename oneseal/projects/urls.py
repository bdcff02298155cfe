from django.urls import path

from . import joint_views, views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("<int:pk>/joint-steps/", joint_views.project_joint_steps, name="joint-steps"),
    path("joint-steps/<int:pk>/", joint_views.joint_step, name="joint-step"),
    path("joint-steps/<int:pk>/report/", joint_views.joint_report, name="joint-report"),
    path("reports/<str:code>/", joint_views.report_check, name="report-check"),
]
