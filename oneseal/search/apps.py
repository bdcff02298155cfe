from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from oneseal.navigation import NavLink


class SearchConfig(AppConfig):
    name = "oneseal.search"
    label = "search"
    verbose_name = _("找事项（办事指南检索）")

    def nav_links(self, request: HttpRequest) -> list["NavLink"]:
        from oneseal.navigation import NavLink
        from oneseal.organisation.models import Role
        from oneseal.organisation.rules import has_role

        links = [NavLink(str(_("找事项")), reverse("search:results"), 12)]
        user = getattr(request, "user", None)
        if user is not None and has_role(user, Role.CATALOGUE_ADMIN):
            links.append(NavLink(str(_("群众说法")), reverse("search:synonyms_index"), 85))
        return links
