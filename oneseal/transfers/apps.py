from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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

    def nav_links(self, request):
        from django.urls import reverse

        from oneseal.navigation import NavLink

        from .queries import may_see

        if may_see(request.user):
            return [NavLink(str(_("改革推进")), reverse("transfers:index"), 48)]
        return []
