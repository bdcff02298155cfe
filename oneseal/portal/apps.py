from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.http import HttpRequest

    from oneseal.navigation import NavLink


class PortalConfig(AppConfig):
    name = "oneseal.portal"
    label = "portal"
    verbose_name = _("网上办事大厅")

    def nav_links(self, request: "HttpRequest") -> "list[NavLink]":
        """办件查询 for everyone, 我的办件 for a signed-in applicant, 注册/登录 for the anonymous
        (the staff sign-in stays the base template's 登录)."""
        from oneseal.navigation import NavLink

        from .queries import own_applicants

        links = [NavLink(str(_("办件查询")), reverse("portal:track"), 15)]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if own_applicants(user).exists():
                links.append(NavLink(str(_("我的办件")), reverse("portal:my_cases"), 20))
        else:
            links.append(NavLink(str(_("我的办件")), reverse("portal:my_cases"), 20))
            links.append(NavLink(str(_("申请人注册/登录")), reverse("portal:signin"), 30))
        return links
