app_name = "esupervision"
urlpatterns: list = []
