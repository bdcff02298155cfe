from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("verify/", views.lookup, name="lookup"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("<int:pk>/file/", views.file, name="file"),
    path("seals/", views.seals, name="seals"),
    path("templates/", views.template_index, name="templates"),
    path("templates/<int:bureau_id>/", views.template_kinds, name="template_kinds"),
    path("templates/<int:bureau_id>/<str:kind>/", views.template_edit, name="template_edit"),
    path("templates/versions/<int:pk>/preview/", views.template_preview, name="template_preview"),
]
