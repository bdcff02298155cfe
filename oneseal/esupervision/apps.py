from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from oneseal.navigation import NavLink


class EsupervisionConfig(AppConfig):
    name = "oneseal.esupervision"
    label = "esupervision"
    verbose_name = _("电子监察与统计")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .aggregates import register_sqlite_functions

        connection_created.connect(
            register_sqlite_functions, dispatch_uid="esupervision_sqlite_functions"
        )

    def nav_links(self, request: HttpRequest) -> list["NavLink"]:
        from django.urls import reverse

        from oneseal.navigation import NavLink

        from .queries import may_oversee

        if not may_oversee(request.user):
            return []
        return [
            NavLink(str(_("电子监察")), reverse("esupervision:dashboard"), 60),
            NavLink(str(_("统计分析")), reverse("esupervision:statistics"), 61),
        ]
