from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterfaceConfig(AppConfig):
    """No models: an app only so that its messages have a catalogue of their own."""

    name = "oneseal.interface"
    label = "interface"
    verbose_name = _("界面公用部件")
