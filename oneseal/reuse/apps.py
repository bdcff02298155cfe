from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from oneseal.navigation import NavLink


class ReuseConfig(AppConfig):
    name = "oneseal.reuse"
    label = "reuse"
    verbose_name = _("免证办（证照复用）")

    def nav_links(self, request: HttpRequest) -> list["NavLink"]:
        """Administrators keep the material ↔ licence-type mapping (what the pages offer)."""
        from django.urls import reverse

        from oneseal.navigation import NavLink

        from .actions import may_map

        if may_map(request.user):
            return [
                NavLink(
                    str(_("材料与证照对应")), reverse("admin:reuse_materialmapping_changelist"), 48
                )
            ]
        return []
