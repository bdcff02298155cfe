from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.http import HttpRequest

    from oneseal.navigation import NavLink


class ExpertsConfig(AppConfig):
    name = "oneseal.experts"
    label = "experts"
    verbose_name = _("专家库")

    def nav_links(self, request: "HttpRequest") -> list["NavLink"]:
        from django.urls import reverse

        from oneseal.cases.queries import is_scoped_staff
        from oneseal.navigation import NavLink

        from .queries import expert_of

        links = []
        if is_scoped_staff(request.user):
            links.append(NavLink(str(_("专家库")), reverse("experts:pool"), 47))
        if expert_of(request.user) is not None:
            links.append(NavLink(str(_("我的评审")), reverse("experts:mine"), 12))
        return links
