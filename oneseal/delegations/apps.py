from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from oneseal.navigation import NavLink


class DelegationsConfig(AppConfig):
    name = "oneseal.delegations"
    label = "delegations"
    verbose_name = _("委托乡镇（街道）便民服务中心")

    def nav_links(self, request: HttpRequest) -> list["NavLink"]:
        from django.urls import reverse

        from oneseal.cases.queries import is_scoped_staff
        from oneseal.navigation import NavLink

        if is_scoped_staff(request.user):
            return [NavLink(str(_("委托")), reverse("delegations:list"), 48)]
        return []
