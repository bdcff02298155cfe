from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "oneseal.search"
    label = "search"
    verbose_name = _("找事项（办事指南检索）")
