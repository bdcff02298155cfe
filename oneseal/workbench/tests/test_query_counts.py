"""A queue page costs the same number of queries however many cases it lists."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from oneseal.testing import accepted_case


def queries_for(client, url) -> int:
    client.get(url)  # the calendar and the session are loaded once per process and login
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    # The working-day calendar re-checks its freshness every few seconds, whatever the page.
    return len([q for q in captured if "calendars_" not in q["sql"]])


def test_queue_pages_do_not_grow_with_their_rows(
    client, item, applicant, clerk, reviewer, signatory
):
    today = timezone.localdate().isoformat()
    accepted_case(item, applicant, clerk, today)
    client.force_login(reviewer)
    review = reverse("workbench:home") + "?queue=review"
    one = queries_for(client, review)
    client.force_login(signatory)
    sign_one = queries_for(client, reverse("workbench:sign"))
    for _ in range(4):
        accepted_case(item, applicant, clerk, today)
    client.force_login(reviewer)
    assert queries_for(client, review) == one
    client.force_login(signatory)
    assert queries_for(client, reverse("workbench:sign")) == sign_one
