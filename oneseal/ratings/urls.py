from django.urls import path

from . import views

app_name = "ratings"
urlpatterns = [
    path("rate/<int:case_id>/", views.rate, name="rate"),
    path("mine/", views.mine, name="mine"),
    path("", views.staff_list, name="list"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("follow-ups/<int:pk>/", views.follow_up, name="follow_up"),
    path("follow-ups/<int:pk>/assign/", views.assign, name="assign"),
    path("policy/", views.policy, name="policy"),
    path("public/<str:region_code>/", views.public, name="public"),
]
