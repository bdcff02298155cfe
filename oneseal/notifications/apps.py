from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from oneseal.navigation import NavLink


class NotificationsConfig(AppConfig):
    name = "oneseal.notifications"
    label = "notifications"
    verbose_name = _("消息通知")

    def ready(self) -> None:
        # The cases app never imports this one: it tells its observers (cases.notices).
        from django.db.models.signals import post_save

        from oneseal.cases import notices
        from oneseal.documents.models import Document
        from oneseal.linkage.models import Feedback, SupportRequest
        from oneseal.ratings.models import FollowUp

        from . import hooks

        notices.observe(hooks.case_event)
        notices.observe_reminders(hooks.expiry_reminder)
        post_save.connect(hooks.document_saved, sender=Document, dispatch_uid="notify_document")
        post_save.connect(hooks.follow_up_saved, sender=FollowUp, dispatch_uid="notify_follow_up")
        post_save.connect(
            hooks.support_request_saved, sender=SupportRequest, dispatch_uid="notify_support"
        )
        post_save.connect(
            hooks.feedback_saved, sender=Feedback, dispatch_uid="notify_revocation_request"
        )

    def nav_links(self, request: HttpRequest) -> list["NavLink"]:
        from django.urls import reverse

        from oneseal.navigation import NavLink

        from .queries import unread_count

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        unread = unread_count(user)
        label = _("我的消息（{n}）").format(n=unread) if unread else _("我的消息")
        return [NavLink(str(label), reverse("notifications:inbox"), 90)]
