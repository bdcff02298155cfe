from django.urls import path

from . import views, views_joint

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("<int:pk>/joint-steps/", views_joint.project_joint_steps, name="joint-steps"),
    path("joint-steps/<int:pk>/", views_joint.joint_step, name="joint-step"),
    path("joint-steps/<int:pk>/report/", views_joint.joint_report, name="joint-report"),
    path("reports/<str:code>/", views_joint.report_check, name="report-check"),
]
