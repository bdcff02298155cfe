from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from oneseal.navigation import NavLink


class AppointmentsConfig(AppConfig):
    name = "oneseal.appointments"
    label = "appointments"
    verbose_name = _("预约")

    def nav_links(self, request: HttpRequest) -> list["NavLink"]:
        from django.urls import reverse

        from oneseal.navigation import NavLink
        from oneseal.organisation.models import Role
        from oneseal.organisation.rules import has_role, staff_of

        from .actions import MANAGE_ROLES

        user = request.user
        if not getattr(user, "is_authenticated", False):
            return []
        if staff_of(user) is None and not user.is_superuser:
            return [NavLink(str(_("我的预约")), reverse("appointments:mine"), 25)]
        links = []
        if has_role(user, Role.CLERK):
            links.append(NavLink(str(_("当日预约")), reverse("appointments:day"), 42))
        if any(has_role(user, role) for role in MANAGE_ROLES):
            links.append(NavLink(str(_("预约大厅")), reverse("appointments:halls"), 82))
        return links
