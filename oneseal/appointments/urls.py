from django.urls import path

from . import views

app_name = "appointments"
urlpatterns = [
    path("book/<int:handling_item_id>/", views.book, name="book"),
    path("mine/", views.mine, name="mine"),
    path("b/<str:code>/", views.booking, name="booking"),
    path("b/<str:code>/cancel/", views.cancel, name="cancel"),
    path("b/<str:code>/mark/", views.mark, name="mark"),
    path("day/", views.day, name="day"),
    path("halls/", views.halls, name="halls"),
    path("halls/new/<int:bureau_id>/", views.hall_new, name="hall_new"),
    path("halls/<int:hall_id>/", views.hall, name="hall"),
    path("halls/<int:hall_id>/generate/", views.generate, name="generate"),
    path("halls/<int:hall_id>/groups/new/", views.group, name="group_new"),
    path("halls/<int:hall_id>/groups/<int:group_id>/", views.group, name="group"),
    path("slots/<int:slot_id>/capacity/", views.slot_capacity, name="slot_capacity"),
]
