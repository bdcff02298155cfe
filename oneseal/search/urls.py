from django.urls import path

from . import views

app_name = "search"
urlpatterns = [
    path("", views.results, name="results"),
    path("synonyms/", views.synonyms_index, name="synonyms_index"),
    path("synonyms/<int:catalogue_id>/", views.synonyms, name="synonyms"),
    path("synonyms/remove/<int:synonym_id>/", views.synonym_remove, name="synonym_remove"),
    path("exclusions/<int:catalogue_id>/", views.exclusions, name="exclusions"),
    path("exclusions/remove/<int:exclusion_id>/", views.exclusion_remove, name="exclusion_remove"),
]
