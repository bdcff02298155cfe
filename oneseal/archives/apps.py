from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from oneseal.navigation import NavLink


class ArchivesConfig(AppConfig):
    name = "oneseal.archives"
    label = "archives"
    verbose_name = _("电子档案")

    def ready(self) -> None:
        # `oneseal audit verify` reports a package whose files no longer match its manifest;
        # the audit app imports no app above it, so the check is registered here.
        from oneseal.audit import verification

        from .integrity import check_archives

        verification.register(check_archives)

    def nav_links(self, request: HttpRequest) -> list["NavLink"]:
        from django.urls import reverse

        from oneseal.navigation import NavLink

        from .queries import is_archivist

        if is_archivist(request.user):
            return [NavLink(str(_("电子档案")), reverse("archives:list"), 48)]
        return []
