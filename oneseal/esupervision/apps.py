from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EsupervisionConfig(AppConfig):
    name = "oneseal.esupervision"
    label = "esupervision"
    verbose_name = _("电子监察与统计")
