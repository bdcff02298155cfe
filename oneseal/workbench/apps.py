from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class WorkbenchConfig(AppConfig):
    name = "oneseal.workbench"
    label = "workbench"
    verbose_name = _("审批工作台")

    def nav_links(self, request):
        from oneseal.cases.queries import is_scoped_staff
        from oneseal.navigation import NavLink

        if not is_scoped_staff(getattr(request, "user", None)):
            return []
        return [NavLink(str(_("审批工作台")), reverse("workbench:home"), 40)]
