# Included by oneseal.api.v1 inside the "api" namespace.
urlpatterns: list = []
