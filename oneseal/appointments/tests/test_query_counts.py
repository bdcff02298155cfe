"""The lists a clerk and an applicant open make the same number of queries however many
bookings they show."""

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from oneseal.applicants.actions import register_applicant
from oneseal.appointments import actions
from oneseal.testing import id_number


def queries_for(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def test_the_day_page_and_my_bookings_do_not_grow_with_the_rows(
    live_slots, next_workday, handling_item, clerk, hall
):
    slots = list(live_slots.filter(day=next_workday)[:6])
    staff, people = Client(), []
    staff.force_login(clerk)
    counts = []
    for i, slot in enumerate(slots):
        user = get_user_model().objects.create_user(f"q{i}", password="pw")
        applicant = register_applicant(
            actor=clerk,
            kind="person",
            name=f"申请人{i}",
            number=id_number("640221", "19900101", f"{i + 1:03d}"),
            phone="13909520000",
            user=user,
        )
        for s in slots[i : i + 2] if i in (0, 5) else [slot]:
            actions.book(s, actor=user, applicant=applicant, handling_item=handling_item)
        people.append(user)
        if i in (0, 5):
            counts.append(
                queries_for(
                    staff, reverse("appointments:day"), hall=hall.pk, day=next_workday.isoformat()
                )
            )
    assert counts[0] == counts[1]
    mine = Client()
    mine.force_login(people[0])
    one = queries_for(mine, reverse("appointments:mine"))
    mine.force_login(people[5])
    assert queries_for(mine, reverse("appointments:mine")) == one
