
app_name = "catalogue"
urlpatterns: list = []
