from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DraftsConfig(AppConfig):
    name = "oneseal.drafts"
    label = "drafts"
    verbose_name = _("申请草稿")
