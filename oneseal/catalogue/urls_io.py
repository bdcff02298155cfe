"""Import and export of the catalogue as a county list (included under the "catalogue"
namespace at /manage/catalogue/io/)."""

from django.urls import path

from . import views_io

urlpatterns = [
    path("import/", views_io.import_list, name="import"),
    path("export/", views_io.export_list, name="export"),
]
