from django.urls import include, path

app_name = "catalogue"
urlpatterns = [
    path("", include("oneseal.catalogue.urls_manage")),
    path("io/", include("oneseal.catalogue.urls_io")),
]
