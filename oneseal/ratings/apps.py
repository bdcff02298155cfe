from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from oneseal.navigation import NavLink


class RatingsConfig(AppConfig):
    name = "oneseal.ratings"
    label = "ratings"
    verbose_name = _("好差评")

    def nav_links(self, request: HttpRequest) -> list["NavLink"]:
        from django.urls import reverse

        from oneseal.cases.queries import is_scoped_staff
        from oneseal.navigation import NavLink
        from oneseal.organisation.rules import staff_of

        user = request.user
        if not getattr(user, "is_authenticated", False):
            return []
        if is_scoped_staff(user):
            return [NavLink(str(_("好差评")), reverse("ratings:follow_ups"), 44)]
        if staff_of(user) is None:
            return [NavLink(str(_("我的评价")), reverse("ratings:mine"), 26)]
        return []
