from django.urls import path

from . import views

app_name = "transfers"
urlpatterns = [
    path("", views.index, name="index"),
    path("agreements/<int:pk>/", views.agreement, name="agreement"),
    path("agreements/<int:pk>/file/", views.agreement_file, name="agreement-file"),
    path("ledger/", views.ledger, name="ledger"),
    path("staff/", views.staff, name="staff"),
    path("staff/<int:pk>/", views.staff_member, name="staff-member"),
    path("transitions/", views.transitions, name="transitions"),
]
