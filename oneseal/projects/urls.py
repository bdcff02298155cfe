from django.urls import path

from . import views, views_bundles, views_desk, views_joint

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("mine/", views_bundles.my_projects, name="mine"),
    path("<int:pk>/", views_bundles.project_detail, name="project"),
    path("<int:pk>/apply/<int:template_id>/", views_bundles.stage_apply, name="stage_apply"),
    path("<int:pk>/stages/<int:stage_pk>/", views_bundles.stage_detail, name="stage"),
    path("life-events/", views_bundles.life_events, name="life_events"),
    path("life-events/<int:pk>/", views_bundles.life_event, name="life_event"),
    path("applications/<int:pk>/", views_bundles.bundle_detail, name="bundle"),
    path("desk/", views_desk.stage_desk, name="desk"),
    path("desk/<int:pk>/", views_desk.desk_stage, name="desk-stage"),
    path("<int:pk>/joint-steps/", views_joint.project_joint_steps, name="joint-steps"),
    path("joint-steps/<int:pk>/", views_joint.joint_step, name="joint-step"),
    path("joint-steps/<int:pk>/report/", views_joint.joint_report, name="joint-report"),
    path("reports/<str:code>/", views_joint.report_check, name="report-check"),
]
