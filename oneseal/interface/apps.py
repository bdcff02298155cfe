from django.apps import AppConfig
from django.apps import apps as registry
from django.utils.translation import gettext_lazy as _


class InterfaceConfig(AppConfig):
    """No models: an app only so that its messages have a catalogue of their own."""

    name = "oneseal.interface"
    label = "interface"
    verbose_name = _("界面公用部件")

    def ready(self) -> None:
        # django-axes gives its app no name, so the admin's sidebar showed "Axes"; its models'
        # names are translated in the project's own zh_Hans catalogue (oneseal/locale).
        if registry.is_installed("axes"):
            registry.get_app_config("axes").verbose_name = _("登录失败锁定")
