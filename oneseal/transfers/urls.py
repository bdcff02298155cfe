from django.urls import path

from . import views, views_reform, views_rollout, views_tasks

app_name = "transfers"
urlpatterns = [
    path("", views.index, name="index"),
    path("agreements/<int:pk>/", views.agreement, name="agreement"),
    path("agreements/<int:pk>/file/", views.agreement_file, name="agreement-file"),
    path("ledger/", views.ledger, name="ledger"),
    path("staff/", views.staff, name="staff"),
    path("staff/<int:pk>/", views.staff_member, name="staff-member"),
    path("transitions/", views.transitions, name="transitions"),
    path("reforms/", views_reform.reforms, name="reforms"),
    path("reforms/<int:pk>/", views_reform.reform, name="reform"),
    path("reforms/new/", views_tasks.new_reform, name="reform-new"),
    path("reform-tasks/<int:pk>/", views_tasks.task, name="task"),
    path("progress-reports/<int:pk>/file/", views_tasks.report_file, name="report-file"),
    path("rollouts/<int:pk>/", views_reform.rollout_dashboard, name="rollout"),
    path("rollouts/new/", views_rollout.start, name="rollout-start"),
    path("rollouts/counties/<int:pk>/", views_rollout.county, name="rollout-county"),
    path("accounts/<str:uidb64>/<str:token>/", views_rollout.set_password, name="set-password"),
]
