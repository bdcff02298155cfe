from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from oneseal.navigation import NavLink


class WorkbenchConfig(AppConfig):
    name = "oneseal.workbench"
    label = "workbench"
    verbose_name = _("审批工作台")

    def nav_links(self, request: HttpRequest) -> list["NavLink"]:
        from oneseal.cases.queries import is_scoped_staff
        from oneseal.navigation import NavLink
        from oneseal.organisation.models import Role
        from oneseal.organisation.rules import has_role

        # Error pages can be drawn before the authentication middleware has run.
        user = getattr(request, "user", None)
        if user is None or not is_scoped_staff(user):
            return []
        from .assigned import assigned_count

        links = [NavLink(str(_("审批工作台")), reverse("workbench:home"), 40)]
        # One query on every staff page: what was given to this user by name (assigned.py).
        count = assigned_count(user)
        label = _("指派给我（{n}）").format(n=count) if count else _("指派给我")
        links.append(NavLink(str(label), reverse("workbench:assigned"), 42))
        if has_role(user, Role.CLERK) or has_role(user, Role.SIGNATORY):
            links.append(NavLink(str(_("待出具文书")), reverse("workbench:notices"), 41))
        return links
