from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntermediariesConfig(AppConfig):
    name = "oneseal.intermediaries"
    label = "intermediaries"
    verbose_name = _("中介超市")
