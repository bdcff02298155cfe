from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "oneseal.projects"
    label = "projects"
    verbose_name = _("工程建设项目")

    def nav_links(self, request):
        from django.urls import reverse

        from oneseal.cases.queries import is_scoped_staff
        from oneseal.navigation import NavLink

        if is_scoped_staff(request.user):
            return [NavLink(str(_("工程建设项目")), reverse("projects:list"), 46)]
        return []
