from django.urls import path

from . import views, views_portal, views_staff

app_name = "intermediaries"
urlpatterns = [
    path("", views.listing, name="listing"),
    path("my/", views.mine, name="mine"),
    path("my/<int:pk>/deliver/", views.mine, name="deliver"),
    path("my/appeal/", views.appeal, name="appeal"),
    path("steering/", views.steering, name="steering"),
    path("cases/<int:pk>/", views_portal.case_page, name="case"),
    path("cases/<int:pk>/choose/<int:service>/", views_portal.choose, name="choose"),
    path("cases/<int:pk>/engagements/<int:engagement>/rate/", views_portal.rate, name="rate"),
    path("manage/", views_staff.manage, name="manage"),
    path("manage/<int:pk>/", views_staff.detail, name="manage-detail"),
    path("manage/<int:pk>/<str:op>/", views_staff.detail, name="manage-act"),
    path("manage/services/", views_staff.services, name="services"),
    path("manage/appeals/", views_staff.appeals, name="appeals"),
    path("manage/appeals/<int:pk>/", views_staff.decide, name="decide"),
]
