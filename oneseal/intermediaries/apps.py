from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntermediariesConfig(AppConfig):
    name = "oneseal.intermediaries"
    label = "intermediaries"
    verbose_name = _("中介超市")

    def nav_links(self, request: Any) -> list[Any]:
        from django.urls import reverse

        from oneseal.cases.queries import is_scoped_staff
        from oneseal.navigation import NavLink

        from .queries import intermediary_of

        links = [NavLink(str(_("中介超市")), reverse("intermediaries:listing"), 48)]
        if is_scoped_staff(request.user):
            links.append(NavLink(str(_("中介超市管理")), reverse("intermediaries:manage"), 47))
            links.append(NavLink(str(_("中介选取集中度")), reverse("intermediaries:steering"), 49))
        if intermediary_of(request.user) is not None:
            links.append(NavLink(str(_("本机构的中介服务")), reverse("intermediaries:mine"), 13))
        return links
