"""The site's main navigation, gathered from the apps: an app whose AppConfig has
`nav_links(request)` adds the links its pages offer to this user. Apps stay independent of
each other and of the base template."""

from dataclasses import dataclass

from django.apps import apps
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    order: int = 100
    current: bool = False


def links(request) -> dict:
    out: list[NavLink] = []
    for config in apps.get_app_configs():
        nav = getattr(config, "nav_links", None)
        if nav is not None:
            for link in nav(request):
                current = link.url != "/" and request.path.startswith(link.url)
                out.append(NavLink(link.label, link.url, link.order, current))
    out.sort(key=lambda link: link.order)
    user = getattr(request, "user", None)
    # Read only when the page shows it (a page without the header costs no query).
    return {"nav_links": out, "nav_who": SimpleLazyObject(lambda: display_name(user))}


def display_name(user) -> str:
    """Who is signed in, as people call them: a staff member's name, an applicant's own name
    (the person the online account belongs to), a superuser without either as 超级管理员, the
    login only when nothing else is known."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    from oneseal.applicants.models import Applicant
    from oneseal.organisation.models import Staff

    # The staff row a permission check already loaded (False: known not to be staff), else
    # one column of it.
    cached = getattr(user, "_oneseal_staff", None)
    if cached is None:
        staff_name = (
            Staff.objects.filter(user_id=user.pk).values_list("display_name", flat=True).first()
        )
    else:
        staff_name = cached.display_name if cached else None
    if staff_name:
        return staff_name
    name = (
        Applicant.objects.filter(user_id=user.pk)
        .order_by("-kind", "id")  # "person" before "organisation": the account's own person
        .values_list("name", flat=True)
        .first()
    )
    if name:
        return name
    if user.is_superuser and not user.get_full_name():
        return str(_("超级管理员"))
    return user.get_full_name() or user.get_username()
