from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from oneseal.navigation import NavLink


class PublicationsConfig(AppConfig):
    name = "oneseal.publications"
    label = "publications"
    verbose_name = _("许可公示")

    def ready(self) -> None:
        # Every licence decision opens its publication where the decision is recorded
        # (cases.notices is called by append_event), whatever path made it; cases never
        # imports this app.
        from oneseal.cases import notices

        from .actions import open_for_event

        notices.register(open_for_event)

    def nav_links(self, request: HttpRequest) -> list["NavLink"]:
        from django.urls import reverse

        from oneseal.navigation import NavLink

        from .queries import may_manage

        links = [NavLink(str(_("许可公示")), reverse("publications:register"), 16)]
        if may_manage(request.user):
            links.append(NavLink(str(_("公示管理")), reverse("publications:manage"), 46))
        return links
