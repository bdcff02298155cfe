from django.urls import path

from . import views_manage as views

# Included by catalogue/urls.py under the "catalogue" namespace at /manage/catalogue/.
urlpatterns = [
    path("", views.index, name="manage"),
    path("<int:catalogue_id>/", views.item_list, name="items"),
    path("<int:catalogue_id>/new/", views.item_new, name="item_new"),
    path("items/<int:item_id>/", views.item_history, name="history"),
    path("items/<int:item_id>/adjust/", views.adjust, name="adjust"),
    path("versions/<int:version_id>/", views.version_detail, name="version"),
    path("versions/<int:version_id>/publish/", views.publish, name="publish"),
    path("versions/<int:version_id>/discard/", views.discard, name="discard"),
]
