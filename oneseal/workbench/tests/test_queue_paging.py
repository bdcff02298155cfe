"""The queues page by keyset: the links carry a cursor and the page's filters, a case received
meanwhile neither repeats nor hides one, the old `?page=` links still open their page, and a
bad cursor is said and answered with the first page."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse

from oneseal.cases import actions
from oneseal.cases.models import Case
from oneseal.interface import keyset
from oneseal.testing import accepted_case, at
from oneseal.workbench.views import queues as queue_views

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(queue_views, "PAGE_SIZE", 2)


@pytest.fixture
def five(item, applicant, clerk):
    moments = ["03 09:00", "04 09:00", "04 09:00", "05 09:00", "06 09:00"]
    return [
        actions.receive(item, actor=clerk, applicant=applicant, at=at(f"2025-03-{m}"))
        for m in moments
    ]


def newest_first(cases):
    return [c.pk for c in sorted(cases, key=lambda c: (c.received_at, c.pk), reverse=True)]


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response


def link(response, rel):
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', response.content.decode())
    return reverse("workbench:home") + unescape(found.group(1)) if found else None


def walk(client, url):
    pages = []
    while url:
        response = get(client, url)
        pages.append([c.pk for c in response.context["rows"]])
        url = link(response, "next")
    return pages


def test_the_next_links_give_every_case_once_newest_first(client, clerk, five, small_pages):
    client.force_login(clerk)
    pages = walk(client, reverse("workbench:home") + "?queue=all")
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [pk for page in pages for pk in page] == newest_first(five)


def test_the_links_keep_the_filters(client, clerk, five, small_pages):
    client.force_login(clerk)
    url = reverse("workbench:home") + "?queue=all&received_from=2025-03-04&received_to=2025-03-05"
    first = get(client, url)
    assert "received_from=2025-03-04" in link(first, "next")
    pages = walk(client, url)
    assert [pk for page in pages for pk in page] == newest_first(five[1:4])


def test_a_case_received_meanwhile_neither_repeats_nor_hides_one(
    client, clerk, five, item, applicant, small_pages
):
    client.force_login(clerk)
    first = get(client, reverse("workbench:home") + "?queue=all")
    actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-03-07 09:00"))
    rest = walk(client, link(first, "next"))
    seen = [c.pk for c in first.context["rows"]] + [pk for page in rest for pk in page]
    assert seen == newest_first(five)
    second = get(client, link(first, "next"))
    assert second.context["page"].number == 2
    back = get(client, link(second, "prev"))
    assert [c.pk for c in back.context["rows"]] == [c.pk for c in first.context["rows"]]


def test_an_old_page_number_link_still_opens_its_page(client, clerk, five, small_pages):
    client.force_login(clerk)
    response = get(client, reverse("workbench:home"), queue="all", page="2")
    assert [c.pk for c in response.context["rows"]] == newest_first(five)[2:4]
    assert "第 2 / 3 页" in response.content.decode()
    assert [c.pk for c in get(client, link(response, "next")).context["rows"]] == newest_first(
        five
    )[4:]
    assert [c.pk for c in get(client, link(response, "prev")).context["rows"]] == newest_first(
        five
    )[:2]


def test_a_bad_cursor_says_so_and_shows_the_first_page(client, clerk, five, small_pages):
    client.force_login(clerk)
    response = get(client, reverse("workbench:home"), queue="all", cursor="not-a-position")
    assert [c.pk for c in response.context["rows"]] == newest_first(five)[:2]
    assert "分页位置无效，已回到第一页" in response.content.decode()


def test_a_due_date_queue_seeks_past_the_cases_without_one(item, applicant, clerk):
    """Ascending by a nullable date, the empty ones last: forward and back give the order's
    own rows, page by page."""
    for on in ("2025-03-10", "2025-03-03", "2025-03-05"):
        accepted_case(item, applicant, clerk, on)
    for m in ("03", "04"):
        actions.receive(item, actor=clerk, applicant=applicant, at=at(f"2025-03-{m} 09:00"))
    keys = (keyset.Key("promised_due", nulls_last=True, kind=datetime.date), keyset.Key("id"))
    cases = Case.objects.all()
    ordered = [c.pk for c in cases.order_by(*keyset.order_of(keys))]
    assert Case.objects.filter(promised_due__isnull=True).count() == 2
    forward, position, pages = [], None, []
    while True:
        page = keyset.keyset_page(cases, keys, 2, position)
        pages.append(page)
        forward += [c.pk for c in page]
        if page.next is None:
            break
        position = keyset.Position.parse(page.next.token(), keys)
    assert forward == ordered
    last = pages[-1]
    back = keyset.keyset_page(cases, keys, 2, last.previous)
    assert [c.pk for c in back] == [c.pk for c in pages[-2]]
