from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from oneseal.navigation import NavLink


class LinkageConfig(AppConfig):
    name = "oneseal.linkage"
    label = "linkage"
    verbose_name = _("审管联动")

    def ready(self) -> None:
        # A department's opinion still awaited holds back any decision on the case
        # (cases.decisions); whether its silence already counts depends on the decision's day.
        from oneseal.cases import decisions

        from .opinion_records import opinion_blockers

        decisions.register(dated_blockers=opinion_blockers)

    def nav_links(self, request: HttpRequest) -> list["NavLink"]:
        from django.urls import reverse

        from oneseal.navigation import NavLink
        from oneseal.organisation.models import Role
        from oneseal.organisation.rules import has_role

        from .actors import acting_department
        from .models import Scope

        user = request.user
        if not getattr(user, "is_authenticated", False):
            return []
        links = []
        if acting_department(user, Scope.PUSHES_READ) is not None:
            links.append(NavLink(str(_("审管联动")), reverse("linkage:inbox"), 50))
        if has_role(user, Role.CATALOGUE_ADMIN) and not user.is_superuser:
            links.append(NavLink(str(_("职责边界")), reverse("linkage:boundaries-manage"), 81))
        if user.is_superuser or user.has_perm("linkage.replay_outboxmessage"):
            links.append(NavLink(str(_("推送死信")), reverse("linkage:dead-letters"), 85))
        return links
