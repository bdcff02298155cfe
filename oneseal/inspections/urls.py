from django.urls import path

from . import views

app_name = "inspections"
urlpatterns = [
    path("", views.today, name="today"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/reschedule/", views.applicant_reschedule, name="applicant_reschedule"),
    path("cases/<int:case_id>/schedule/", views.schedule, name="schedule"),
    path("projects/<int:project_id>/schedule/", views.schedule_joint, name="schedule_joint"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("checklists/<int:handling_item_id>/", views.checklist, name="checklist"),
]
