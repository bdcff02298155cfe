from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from oneseal.navigation import NavLink


class HandoversConfig(AppConfig):
    name = "oneseal.handovers"
    label = "handovers"
    verbose_name = _("在办件移交")

    def nav_links(self, request: HttpRequest) -> list["NavLink"]:
        from django.urls import reverse

        from oneseal.cases.queries import is_scoped_staff
        from oneseal.navigation import NavLink

        if is_scoped_staff(request.user):
            return [NavLink(str(_("在办件移交")), reverse("handovers:list"), 47)]
        return []
