from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReuseConfig(AppConfig):
    name = "oneseal.reuse"
    label = "reuse"
    verbose_name = _("免证办（证照复用）")
