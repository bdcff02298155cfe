from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from oneseal.navigation import NavLink


class ProjectsConfig(AppConfig):
    name = "oneseal.projects"
    label = "projects"
    verbose_name = _("工程建设项目")

    def nav_links(self, request: HttpRequest) -> list["NavLink"]:
        from django.urls import reverse

        from oneseal.cases.queries import is_scoped_staff
        from oneseal.navigation import NavLink
        from oneseal.organisation.rules import staff_of

        out = [NavLink(str(_("一件事一次办")), reverse("projects:life_events"), 45)]
        if is_scoped_staff(request.user):
            out.append(NavLink(str(_("工程建设项目")), reverse("projects:list"), 46))
            staff = staff_of(request.user)
            if request.user.is_superuser or (staff is not None and staff.section_id):
                out.append(NavLink(str(_("并联审批工作台")), reverse("projects:desk"), 47))
        elif getattr(request.user, "is_authenticated", False):
            out.append(NavLink(str(_("我的工程项目")), reverse("projects:mine"), 46))
        return out

    def ready(self) -> None:
        # The act that decides a bundle's last case concludes the bundle, whatever path
        # recorded the act (cases.notices); registered after the documents app's issuer, so
        # the decision's own documents exist when the bundle concludes.
        from oneseal.cases import decisions, notices

        from .bundles import case_decided
        from .joint_records import open_step_blockers

        notices.register(case_decided)

        # A case that uses a shared step still without its report is not decided
        # (cases.decisions): the decision rests on the merged opinion.
        decisions.register(blockers=open_step_blockers)

        # A joint report is checked at the common verification page like any document.
        from oneseal.documents import verification

        from .queries import sealed_report

        verification.register(sealed_report)

        # Every case event, whatever recorded it, marks its stage's standing for the desk.
        from . import desk

        desk.connect()
