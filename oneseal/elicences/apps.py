from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from oneseal.navigation import NavLink


class ElicencesConfig(AppConfig):
    name = "oneseal.elicences"
    label = "elicences"
    verbose_name = _("电子证照")

    def ready(self) -> None:
        # The e-licence is issued with its licence document and follows every later act on the
        # licence; neither the documents app nor the cases app imports this one.
        from oneseal.cases import notices
        from oneseal.documents import followers, verification

        from .actions import document_changed, event_recorded
        from .queries import sealed_elicence

        followers.register(document_changed)
        notices.register(event_recorded)
        # Checked at the common verification page by its code or its file's SHA-256.
        verification.register(sealed_elicence)

    def nav_links(self, request: HttpRequest) -> list["NavLink"]:
        from django.urls import reverse

        from oneseal.navigation import NavLink
        from oneseal.organisation.rules import scope_prefix

        if scope_prefix(request.user) is not None:
            return [NavLink(str(_("电子证照")), reverse("elicences:list"), 86)]
        return []
