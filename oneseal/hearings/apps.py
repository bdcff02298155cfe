from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from oneseal.navigation import NavLink


class HearingsConfig(AppConfig):
    name = "oneseal.hearings"
    label = "hearings"
    verbose_name = _("听证与利害关系人")

    def ready(self) -> None:
        # A decision after a hearing rests on its record, and no decision is made while a
        # hearing is open or a party's views are unanswered (cases.decisions).
        from oneseal.cases import decisions

        from .queries import decision_blockers, decision_citation

        decisions.register(blockers=decision_blockers, cite=decision_citation)

    def nav_links(self, request: HttpRequest) -> list["NavLink"]:
        from django.urls import reverse

        from oneseal.cases.queries import is_scoped_staff
        from oneseal.navigation import NavLink

        user = request.user
        if getattr(user, "is_authenticated", False) and is_scoped_staff(user):
            return [NavLink(str(_("听证")), reverse("hearings:list"), 46)]
        public = NavLink(str(_("听证公告")), reverse("hearings:announcements"), 90)
        if getattr(user, "is_authenticated", False):
            return [NavLink(str(_("我的听证与意见")), reverse("hearings:mine"), 27), public]
        return [public]
