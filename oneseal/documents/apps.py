from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.http import HttpRequest

    from oneseal.navigation import NavLink


class DocumentsConfig(AppConfig):
    name = "oneseal.documents"
    label = "documents"
    verbose_name = _("文书与印章")

    def ready(self) -> None:
        from django.core import checks

        from oneseal.keys import check_seal_key

        checks.register(check_seal_key, checks.Tags.security, deploy=True)

        # Every act that calls for a notice issues it, whatever recorded the act (cases.notices).
        from oneseal.cases import notices

        from .actions import issue_for_event

        notices.register(issue_for_event)

    def nav_links(self, request: "HttpRequest") -> "list[NavLink]":
        from django.urls import reverse

        from oneseal.navigation import NavLink
        from oneseal.organisation.models import Role
        from oneseal.organisation.rules import has_role

        if has_role(request.user, Role.CATALOGUE_ADMIN):
            return [NavLink(str(_("文书格式")), reverse("documents:templates"), 85)]
        return []
