"""The staff lists make the same number of queries however many ratings they show."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from oneseal.ratings import actions

from .conftest import refused


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_ratings_and_follow_ups_lists_do_not_grow_with_the_rows(handling_item, applicant, clerk):
    c = Client()
    c.force_login(clerk)
    counts = []
    for n in range(4):
        case = refused(handling_item, applicant, clerk)
        actions.rate(case, actor=clerk, score=1 + n % 2, reasons=["attitude"], channel="window")
        if n in (1, 3):
            counts.append(
                (
                    queries_for(c, reverse("ratings:list")),
                    queries_for(c, reverse("ratings:follow_ups")),
                )
            )
    assert counts[0] == counts[1]
