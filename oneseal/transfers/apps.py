from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from oneseal.navigation import NavLink


class TransfersConfig(AppConfig):
    name = "oneseal.transfers"
    label = "transfers"
    verbose_name = _("划转协议与人员划转")

    def ready(self) -> None:
        # The catalogue, the organisation and the linkage must not depend on this app, which
        # depends on them: it hands them its checks here (see each registry's docstring).
        from oneseal.catalogue import transfer_checks
        from oneseal.documents import switchover
        from oneseal.linkage import routing
        from oneseal.organisation import grant_checks

        from . import actions, queries

        transfer_checks.register(actions.item_switch_check)
        grant_checks.register(actions.role_grant_check)
        routing.register(actions.liaison_on)
        switchover.register(queries.department_transfer_dates)
        self._connect_seal_requests()

    def _connect_seal_requests(self) -> None:
        # A county bureau's seal request is marked made when documents registers its seal; a
        # receiver keeps the documents app free of any knowledge of rollouts.
        from django.db.models.signals import post_save

        from oneseal.documents.models import Seal

        from . import rollout

        post_save.connect(
            rollout.seal_registered, sender=Seal, dispatch_uid="transfers.seal_registered"
        )

    def nav_links(self, request: HttpRequest) -> list["NavLink"]:
        from django.urls import reverse

        from oneseal.navigation import NavLink

        from .queries import may_see

        if may_see(request.user):
            return [NavLink(str(_("改革推进")), reverse("transfers:index"), 48)]
        return []
