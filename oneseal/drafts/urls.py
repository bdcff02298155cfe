from django.urls import path

from . import views

app_name = "drafts"
urlpatterns = [
    path("start/<int:handling_item_id>/", views.start, name="start"),
    path("<int:pk>/", views.draft, name="draft"),
    path("<int:pk>/save/", views.save, name="save"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/files/<int:upload_pk>/", views.file, name="file"),
    path("<int:pk>/files/<int:upload_pk>/remove/", views.remove_file, name="remove_file"),
]
