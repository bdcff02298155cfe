"""The public pages: the catalogues, a region's in-force catalogue and the service guide of a
handling item. No login; everything shown is published. Each page makes a fixed number of
queries whatever the catalogue's size."""

import datetime
import re
from collections import OrderedDict
from urllib.parse import urlencode

from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from oneseal.calendars.queries import today
from oneseal.cases.actions.licences import renewal_lead as renewal_lead_of
from oneseal.catalogue.models import (
    ApplicantType,
    Catalogue,
    HandlingItem,
    ItemVersion,
    Material,
    OnlineDepth,
    ReviewStep,
    Topic,
    Variant,
)
from oneseal.catalogue.queries import listed_versions, local_catalogue, public_versions
from oneseal.organisation.models import Department
from oneseal.regions.models import Region

from . import home as home_queries
from . import queries

SEARCH_LIMIT = 50
# The public chooses between the two kinds of applicant; "both" items appear under either.
APPLICANT_FILTERS = [ApplicantType.PERSON, ApplicantType.ORGANISATION]


def search_url() -> str | None:
    """The plain-words search page (the search app), once it exists."""
    try:
        return reverse("search:results")
    except NoReverseMatch:
        return None


def home(request: HttpRequest) -> HttpResponse:
    """The home of one region (the `region` parameter, else the first local catalogue): the
    services people look for first, then the way into the region's catalogue."""
    catalogues = home_queries.local_catalogues()
    code = request.GET.get("region", "").strip()
    chosen = next((c for c in catalogues if c.region.code == code), None)
    region_error = _("该地区没有本级事项目录") if code and chosen is None else ""
    if chosen is None and catalogues:
        chosen = catalogues[0]
    query = request.GET.get("q", "").strip()[:100]
    search = search_url()
    results = search_in_force_by_name(query) if query else None
    return render(
        request,
        "portal/home.html",
        {
            "catalogues": catalogues,
            "home": home_queries.home_of(chosen) if chosen else None,
            "region_error": region_error,
            "query": query,
            "results": results,
            "search_url": search or reverse("portal:home"),
        },
    )


def bookable(request: HttpRequest, region_code: str) -> HttpResponse:
    """The region's items one can book a window slot for, each with its booking link."""
    region = get_object_or_404(Region, code=region_code)
    cat = local_catalogue(region)
    if cat is None:
        raise Http404(_("该地区没有本级事项目录"))
    versions = list(home_queries.bookable_versions(cat))
    return render(
        request,
        "portal/bookable.html",
        {
            "region": region,
            "catalogue": cat,
            "versions": versions,
            "halls": home_queries.open_halls(cat),
        },
    )


def search_in_force_by_name(query: str) -> list[ItemVersion]:
    """In-force versions of every local catalogue whose item name, handling-item name or
    everyday names (keywords) contain the query's characters in order, so 食品经营许可 finds
    食品（含保健食品）经营许可 and 盖房子 finds the item that lists it. The ranked plain-words
    search of the portal issue replaces this."""
    on = today()
    chars = [c for c in query if not c.isspace()][:30]
    if not chars:
        return []
    # A subsequence pattern; Django provides REGEXP on SQLite, PostgreSQL has it natively.
    pattern = ".*".join(re.escape(c) for c in chars)
    matching_hi = HandlingItem.objects.filter(
        Q(name__iregex=pattern) | Q(keywords__iregex=pattern)
    ).values("item_version_id")
    return list(
        ItemVersion.objects.in_force(on)
        .filter(item__catalogue__kind=Catalogue.Kind.LOCAL)
        .filter(Q(name__iregex=pattern) | Q(pk__in=matching_hi))
        .select_related("item__catalogue__region", "original_department")
        .prefetch_related(
            Prefetch("handling_items", queryset=HandlingItem.objects.order_by("order", "id"))
        )
        .order_by("item__catalogue__region__code", "name")[:SEARCH_LIMIT]
    )


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def catalogue_filter_options(catalogue: Catalogue) -> tuple[list[Department], list[Topic]]:
    """The departments and topics that have at least one in-force item, for the filter links."""
    in_force = listed_versions(catalogue)
    departments = list(
        Department.objects.filter(pk__in=in_force.values("original_department")).order_by(
            "order", "id"
        )
    )
    topics = list(Topic.objects.filter(pk__in=in_force.values("topic")))
    return departments, topics


def catalogue(request: HttpRequest, region_code: str) -> HttpResponse:
    region = get_object_or_404(Region, code=region_code)
    cat = local_catalogue(region)
    if cat is None:
        raise Http404(_("该地区没有本级事项目录"))
    departments, topics = catalogue_filter_options(cat)
    department = next(
        (d for d in departments if d.pk == _int_or_none(request.GET.get("department"))), None
    )
    topic = next((t for t in topics if t.pk == _int_or_none(request.GET.get("topic"))), None)
    applicant = request.GET.get("applicant")
    if applicant not in APPLICANT_FILTERS:
        applicant = None
    versions = public_versions(cat, department=department, topic=topic, applicant_type=applicant)

    groups: OrderedDict = OrderedDict()
    for v in versions:
        dept = v.original_department
        key = dept.pk if dept else None
        if key not in groups:
            groups[key] = {"department": dept, "versions": []}
        groups[key]["versions"].append(v)

    current = {
        "department": department.pk if department else None,
        "topic": topic.pk if topic else None,
        "applicant": applicant,
    }

    def link(**change: int | str | None) -> str:
        params = {k: v for k, v in {**current, **change}.items() if v}
        return "?" + urlencode(params) if params else "?"

    filters = {
        "departments": [
            {"label": str(d), "url": link(department=d.pk), "active": d == department}
            for d in departments
        ],
        "all_departments": link(department=None),
        "topics": [
            {"label": t.name, "url": link(topic=t.pk), "active": t == topic} for t in topics
        ],
        "all_topics": link(topic=None),
        "applicants": [
            {"label": ApplicantType(a).label, "url": link(applicant=a), "active": a == applicant}
            for a in APPLICANT_FILTERS
        ],
        "all_applicants": link(applicant=None),
    }
    return render(
        request,
        "portal/catalogue.html",
        {
            "region": region,
            "catalogue": cat,
            "groups": list(groups.values()),
            "filters": filters,
            "department": department,
            "topic": topic,
            "applicant_label": ApplicantType(applicant).label if applicant else "",
            "item_count": sum(len(g["versions"]) for g in groups.values()),
            "today": today(),
        },
    )


def guide(request: HttpRequest, handling_item_id: int) -> HttpResponse:
    hi = get_object_or_404(
        HandlingItem.objects.select_related(
            "item_version__item__catalogue__region",
            "item_version__item__catalogue__bureau",
            "item_version__original_department",
            "item_version__topic",
        ).prefetch_related(
            Prefetch("materials", queryset=Material.objects.order_by("order", "id")),
            Prefetch(
                "review_steps",
                queryset=ReviewStep.objects.select_related("section").order_by("order", "id"),
            ),
            "special_procedures",
        ),
        pk=handling_item_id,
    )
    version = hi.item_version
    if version.status != ItemVersion.Status.PUBLISHED:
        raise Http404(_("该办事指南尚未发布"))
    on = today()
    in_force = (
        version.effective_from is not None
        and version.effective_from <= on
        and (version.effective_until is None or version.effective_until > on)
        and not version.is_cancelled
    )
    current = None if in_force else current_handling_item(hi, on)
    who, agent = request.GET.get("who"), request.GET.get("agent")
    chosen = _int_or_none(request.GET.get("handling_item"))
    if chosen is not None and chosen != hi.pk and version.handling_items.filter(pk=chosen).exists():
        # The applicant picked another kind of application of the same item: its own guide.
        params = urlencode({k: v for k, v in {"who": who, "agent": agent}.items() if v})
        return redirect(
            reverse("portal:guide", args=[chosen]) + (f"?{params}" if params else "") + "#situation"
        )
    situation = queries.situation(hi, who=who, agent=agent)
    # A renewal is applied for this many days before expiry (第五十条, or the item's own law).
    renewal_lead = renewal_lead_of(hi) if hi.variant == Variant.RENEWAL else None
    return render(
        request,
        "portal/guide.html",
        {
            "renewal_lead": renewal_lead,
            "hi": hi,
            "version": version,
            "item": version.item,
            "catalogue": version.item.catalogue,
            "in_force": in_force,
            "is_future": version.effective_from is not None and version.effective_from > on,
            "current": current,
            "today": on,
            "situation": situation,
            "online": in_force and hi.online_depth >= OnlineDepth.SUBMISSION,
            "materials": situation.materials if situation.answered else situation.all_materials,
        },
    )


def current_handling_item(hi: HandlingItem, on: datetime.date) -> HandlingItem | None:
    """The handling item with the same code in the item's version in force on `on`, if the
    item still offers it."""
    return (
        HandlingItem.objects.filter(
            code=hi.code,
            item_version__item_id=hi.item_version.item_id,
            item_version__in=ItemVersion.objects.in_force(on),
        )
        .exclude(pk=hi.pk)
        .select_related("item_version")
        .first()
    )
