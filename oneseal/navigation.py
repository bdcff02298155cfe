"""The site's main navigation, gathered from the apps: an app whose AppConfig has
`nav_links(request)` adds the links its pages offer to this user. Apps stay independent of
each other and of the base template."""

from dataclasses import dataclass

from django.apps import apps


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
    return {"nav_links": out}
