"""The portal home of one region (个人办事 / 法人办事, topics, departments, the most applied-for
items, life events, booking and the county's 好差评 figures): reads only, each block one or two
queries whatever the size of the catalogue or the number of cases, so the page's count is fixed.
The links go to the public pages that already filter the catalogue (`portal:catalogue` with
`applicant`, `topic`, `department`) and to the small list of items one can book
(`bookable_versions`)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from oneseal.appointments.models import Hall, ItemGroup
from oneseal.calendars.queries import today
from oneseal.cases.models import Case
from oneseal.catalogue.life_events import offered_life_events
from oneseal.catalogue.models import ApplicantType, Catalogue, ItemVersion
from oneseal.catalogue.queries import listed_versions, public_versions
from oneseal.ratings.queries import PublicFigures, public_figures

# "Most applied for": cases received in the last year, counted per lasting item, so the
# versions and the 新办 / 变更 / 注销 variants of one item add up.
POPULAR_DAYS = 365
POPULAR_LIMIT = 8
LIFE_EVENTS_SHOWN = 6


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    count: int


@dataclass(frozen=True)
class Popular:
    name: str
    url: str
    cases: int


@dataclass(frozen=True)
class Home:
    catalogue: Catalogue
    applicants: list[Link]
    topics: list[Link]
    departments: list[Link]
    popular: list[Popular]
    life_events: list
    life_events_more: bool
    ratings: PublicFigures
    halls: list[Hall]


def local_catalogues() -> list[Catalogue]:
    return list(
        Catalogue.objects.filter(kind=Catalogue.Kind.LOCAL)
        .select_related("region", "region__parent", "bureau")
        .order_by("region__code")
    )


def _filtered(catalogue: Catalogue, **params: object) -> str:
    key, value = next(iter(params.items()))
    return f"{reverse('portal:catalogue', args=[catalogue.region.code])}?{key}={value}"


def applicant_links(catalogue: Catalogue) -> list[Link]:
    """个人办事 and 法人办事: the in-force items serving each kind of applicant (an item for
    both counts under each), as the catalogue page's `applicant` filter lists them."""
    served: dict[str, Count] = {
        kind: Count(
            "pk",
            filter=Q(handling_items__applicant_type__in=[kind, ApplicantType.BOTH]),
            distinct=True,
        )
        for kind in (ApplicantType.PERSON, ApplicantType.ORGANISATION)
    }
    counts = listed_versions(catalogue).aggregate(**served)
    labels = {ApplicantType.PERSON: _("个人办事"), ApplicantType.ORGANISATION: _("法人办事")}
    return [
        Link(labels[kind], _filtered(catalogue, applicant=kind.value), counts[kind] or 0)
        for kind in labels
    ]


def topic_links(catalogue: Catalogue) -> list[Link]:
    rows = (
        listed_versions(catalogue)
        .filter(topic__isnull=False)
        .values("topic_id", "topic__name", "topic__order")
        .annotate(n=Count("pk"))
        .order_by("topic__order", "topic_id")
    )
    return [Link(r["topic__name"], _filtered(catalogue, topic=r["topic_id"]), r["n"]) for r in rows]


def department_links(catalogue: Catalogue) -> list[Link]:
    rows = (
        listed_versions(catalogue)
        .filter(original_department__isnull=False)
        .values(
            "original_department_id",
            "original_department__name",
            "original_department__short_name",
            "original_department__order",
        )
        .annotate(n=Count("pk"))
        .order_by("original_department__order", "original_department_id")
    )
    return [
        Link(
            r["original_department__short_name"] or r["original_department__name"],
            _filtered(catalogue, department=r["original_department_id"]),
            r["n"],
        )
        for r in rows
    ]


def _case_counts(catalogue: Catalogue, on: datetime.date) -> list[tuple[int, int]]:
    """(item id, cases) of the catalogue's items, most applied for first, over the last year
    of cases received in the region and the regions under it."""
    rows = (
        Case.objects.filter(
            region_code__startswith=catalogue.region.prefix,
            received_on__gt=on - datetime.timedelta(days=POPULAR_DAYS),
            received_on__lte=on,
            handling_item__item_version__item__catalogue=catalogue,
        )
        .values("handling_item__item_version__item_id")
        .annotate(n=Count("id"))
        .order_by("-n", "handling_item__item_version__item_id")
    )
    # A few spare rows: an item no longer in force is dropped below.
    return [(r["handling_item__item_version__item_id"], r["n"]) for r in rows[: POPULAR_LIMIT * 2]]


def popular_items(catalogue: Catalogue, on: datetime.date | None = None) -> list[Popular]:
    """The most applied-for items in force, each linking the guide of its first handling item.
    Not cached: one grouped query over the region's cases of the year (by `region_code`, an
    indexed column) costs little, and the page's query count stays the same on every visit."""
    on = on or today()
    counts = _case_counts(catalogue, on)
    if not counts:
        return []
    versions = {
        v.item_id: v
        for v in public_versions(catalogue, on=on).filter(item_id__in=[i for i, _n in counts])
    }
    out = []
    for item_id, n in counts:
        version = versions.get(item_id)
        handling = list(version.handling_items.all()) if version else []
        if version and handling:
            out.append(Popular(version.name, reverse("portal:guide", args=[handling[0].pk]), n))
    return out[:POPULAR_LIMIT]


def bookable_versions(catalogue: Catalogue) -> QuerySet[ItemVersion]:
    """The in-force items of the catalogue that an active window group of an active hall of
    the region serves (by the item or by its department): what `appointments.book` accepts,
    as `appointments.queries.groups_for` finds the groups."""
    groups = ItemGroup.objects.filter(
        is_active=True,
        hall__is_active=True,
        hall__region_code__startswith=catalogue.region.prefix,
    )
    return public_versions(catalogue).filter(
        Q(item__in=groups.exclude(items=None).values("items"))
        | Q(original_department__in=groups.exclude(departments=None).values("departments"))
    )


def open_halls(catalogue: Catalogue) -> list[Hall]:
    return list(
        Hall.objects.filter(
            is_active=True, region_code__startswith=catalogue.region.prefix
        ).order_by("region_code", "id")
    )


def home_of(catalogue: Catalogue) -> Home:
    events = list(offered_life_events(catalogue.region)[: LIFE_EVENTS_SHOWN + 1])
    return Home(
        catalogue=catalogue,
        applicants=applicant_links(catalogue),
        topics=topic_links(catalogue),
        departments=department_links(catalogue),
        popular=popular_items(catalogue),
        life_events=events[:LIFE_EVENTS_SHOWN],
        life_events_more=len(events) > LIFE_EVENTS_SHOWN,
        ratings=public_figures(catalogue.region),
        halls=open_halls(catalogue),
    )
