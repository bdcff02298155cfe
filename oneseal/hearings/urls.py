from django.urls import path

app_name = "hearings"
urlpatterns: list = []
