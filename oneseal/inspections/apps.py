from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.http import HttpRequest

    from oneseal.navigation import NavLink


class InspectionsConfig(AppConfig):
    name = "oneseal.inspections"
    label = "inspections"
    verbose_name = _("现场勘验")

    def nav_links(self, request: "HttpRequest") -> list["NavLink"]:
        from django.urls import reverse

        from oneseal.navigation import NavLink
        from oneseal.organisation.rules import staff_of

        user = request.user
        if not getattr(user, "is_authenticated", False):
            return []
        if staff_of(user) is None and not user.is_superuser:
            return []
        return [NavLink(str(_("现场勘验")), reverse("inspections:today"), 44)]
