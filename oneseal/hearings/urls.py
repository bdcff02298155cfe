from django.urls import path

from . import views

app_name = "hearings"
urlpatterns = [
    path("", views.staff_list, name="list"),
    path("case/<int:pk>/", views.case_page, name="case"),
    path("case/<int:pk>/<str:name>/", views.act, name="act"),
    path("mine/", views.mine, name="mine"),
    path("mine/hearing/<int:pk>/", views.portal_hearing, name="portal_hearing"),
    path("mine/party/<int:pk>/", views.portal_party, name="portal_party"),
    path("announcements/", views.announcements, name="announcements"),
    path("announcements/<int:pk>/", views.announcement, name="announcement"),
]
