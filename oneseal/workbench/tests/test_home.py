"""Each user's queues: what waits for them by role, the nearest due date first, with warnings,
counts and filters, and nothing from another region."""

import datetime

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from oneseal.cases import actions
from oneseal.testing import accepted_case, at, reviewed


def today() -> str:
    return timezone.localdate().isoformat()


def body(client, user, url=None, **params):
    client.force_login(user)
    response = client.get(url or reverse("workbench:home"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_clerk_sees_received_cases_with_counts(
    client, item, applicant, clerk, far_staff, make_staff, other_county
):
    case = actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00"))
    page = body(client, clerk)
    assert case.number in page
    assert 'id="queue-received"' in page and '待受理<span class="count">1</span>' in page
    assert '待送达<span class="count">0</span>' in page
    assert "受理期限" in page
    assert case.number not in body(client, far_staff, queue="all")


def test_the_queue_runs_nearest_due_first_with_warnings(client, item, applicant, clerk, reviewer):
    later = accepted_case(item, applicant, clerk, "2025-03-10")
    sooner = accepted_case(item, applicant, clerk, "2025-03-03")
    page = body(client, reviewer, queue="review")
    assert page.index(sooner.number) < page.index(later.number)
    assert "法定时限预警" in page  # both are long past their statutory limit


def test_a_review_step_waits_for_its_own_section(
    client, item, applicant, clerk, reviewer, second_reviewer
):
    case = accepted_case(item, applicant, clerk, today())
    assert case.number in body(client, reviewer, queue="review")
    assert case.number not in body(client, second_reviewer, queue="review")
    actions.complete_review_step(case, actor=reviewer, opinion="材料齐全", outcome="approve")
    assert case.number in body(client, second_reviewer, queue="review")


def test_an_assigned_step_waits_only_for_its_assignee(
    client, item, applicant, clerk, reviewer, make_staff, county, bureau, section
):
    from oneseal.organisation.models import Role

    colleague = make_staff("colleague", county, Role.REVIEWER, bureau=bureau, section=section)
    case = accepted_case(item, applicant, clerk, today())
    actions.assign_step(
        case, case.handling_item.review_steps.get(name="初审"), actor=reviewer, assignee=colleague
    )
    assert case.number in body(client, colleague, queue="review")
    assert case.number not in body(client, reviewer, queue="review")


def test_a_signatory_sees_decisions_and_extensions(
    client, item, applicant, clerk, reviewer, second_reviewer, signatory
):
    waiting = reviewed(
        accepted_case(item, applicant, clerk, today()), reviewer, second_reviewer, today()
    )
    extending = accepted_case(item, applicant, clerk, today())
    actions.request_extension(extending, actor=reviewer, reason="需征求相关部门意见")
    home = body(client, signatory)
    assert (
        '待决定<span class="count">1</span>' in home
        and '待批准延期<span class="count">1</span>' in home
    )
    sign = body(client, signatory, reverse("workbench:sign"))
    assert waiting.number in sign and extending.number in sign
    assert "需征求相关部门意见" in sign
    assert f'id="approve-extension-{extending.pk}"' in sign


def test_approving_an_extension_from_the_queue_returns_to_it(
    client, item, applicant, clerk, reviewer, signatory
):
    case = accepted_case(item, applicant, clerk, today())
    actions.request_extension(case, actor=reviewer, reason="需征求相关部门意见")
    case.refresh_from_db()
    client.force_login(signatory)
    sign = reverse("workbench:sign")
    response = client.post(
        reverse("workbench:act", args=[case.pk, "approve-extension"]),
        {"expected_version": case.lock_version, "next": sign},
    )
    assert response.status_code == 302 and response["Location"] == sign
    case.refresh_from_db()
    assert case.extended


def test_only_signatories_open_the_signing_queue(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("workbench:sign")).status_code == 403


def test_filters_by_item_state_and_date(client, make_item, applicant, clerk):
    food, other = make_item(), make_item()
    early = actions.receive(food, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00"))
    late = actions.receive(other, actor=clerk, applicant=applicant, at=at("2025-03-12 09:00"))
    refused = actions.refuse(
        actions.receive(food, actor=clerk, applicant=applicant, at=at("2025-03-04 09:00")),
        actor=clerk,
        clause="1",
        reason="无需许可",
        on=datetime.date(2025, 3, 4),
    )
    by_item = body(client, clerk, queue="all", item=other.item_version.item_id)
    assert late.number in by_item and early.number not in by_item
    by_state = body(client, clerk, queue="all", state="refused")
    assert refused.number in by_state and early.number not in by_state
    by_date = body(client, clerk, queue="all", received_from="2025-03-10")
    assert late.number in by_date and early.number not in by_date
    wrong = body(client, clerk, queue="all", received_from="2025-03-10", received_to="2025-03-01")
    assert "截止日期不能早于起始日期" in wrong


def test_an_unknown_queue_is_404(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("workbench:home"), {"queue": "decide"}).status_code == 404


def test_the_queue_is_paginated(client, item, applicant, clerk):
    for _ in range(30):
        actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00"))
    page = body(client, clerk)
    assert "第 1 / 2 页" in page and 'rel="next"' in page


def test_the_pages_speak_english_too(client, item, applicant, clerk):
    case = actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00"))
    client.force_login(clerk)
    home = client.get("/en/workbench/").content.decode()
    assert "My work" in home and "To accept" in home
    page = client.get(f"/en/workbench/cases/{case.pk}/").content.decode()
    assert "Actions (2 possible)" in page and "Received" in page


def test_the_item_filter_offers_the_regions_published_items_from_the_catalogue(
    make_item, complete_draft, clerk, far_staff
):
    from oneseal.workbench import queries

    first, second = make_item(), make_item()
    complete_draft(basic_code="640221-XK-099", name="尚未发布的事项")
    offered = dict(queries.items_in_scope(clerk))
    # No case of either item yet: they are offered all the same, the draft is not.
    assert set(offered) == {first.item_version.item_id, second.item_version.item_id}
    assert "尚未发布的事项" not in offered.values()
    assert queries.items_in_scope(far_staff) == []


def test_a_queue_over_the_exact_limit_shows_at_least(client, item, applicant, clerk, monkeypatch):
    from oneseal.interface import counts
    from oneseal.workbench import queries

    for day in ("2025-03-03", "2025-03-04", "2025-03-05"):
        actions.receive(item, actor=clerk, applicant=applicant, at=at(f"{day} 09:00"))
    monkeypatch.setattr(queries, "TAB_COUNT_UP_TO", 2)
    monkeypatch.setattr(counts, "EXACT_COUNT_UP_TO", 2)
    page = body(client, clerk, queue="received")
    assert '待受理<span class="count">2+</span>' in page
    assert '待送达<span class="count">0</span>' in page
    # The heading: PostgreSQL's estimate (never below what was counted), SQLite counts.
    assert "约 " in page if connection.vendor == "postgresql" else "共 3 件" in page


def test_a_review_queue_over_its_heading_cap_says_at_least_and_asks_no_estimate(
    client, item, applicant, clerk, reviewer, monkeypatch, django_user_model
):
    """The review and decision headings count exactly up to PENDING_HEADING_UP_TO and say
    "1000+" above it: each case counted there tests its pending step row by row. The tabs keep
    their "99+", the other queues their count and estimate."""
    from django.test.utils import CaptureQueriesContext

    from oneseal.interface import counts
    from oneseal.workbench import queries

    for d in ("2025-03-03", "2025-03-04", "2025-03-05"):
        accepted_case(item, applicant, clerk, d)
    root = django_user_model.objects.create_superuser("root-heading", password="root-pw-h")
    exact = body(client, root, queue="review")
    assert "共 3 件" in exact
    monkeypatch.setattr(queries, "PENDING_HEADING_UP_TO", 2)
    monkeypatch.setattr(queries, "TAB_COUNT_UP_TO", 1)
    with CaptureQueriesContext(connection) as captured:
        page = body(client, root, queue="review")
    assert "2+ 件" in page and "共 " not in page and "约 " not in page
    assert '待我审查<span class="count">1+</span>' in page
    assert not [q for q in captured.captured_queries if q["sql"].startswith("EXPLAIN")]
    assert page.count("<tr data-case=") == exact.count("<tr data-case=") == 3
    # Another queue over its own cap still says its count or the estimate.
    monkeypatch.setattr(counts, "EXACT_COUNT_UP_TO", 2)
    everything = body(client, root, queue="all")
    assert "3+ 件" not in everything
    assert "约 " in everything if connection.vendor == "postgresql" else "共 3 件" in everything
    # A numbered page (a link from before the cursors) counts as it did, to number its pages.
    numbered = body(client, root, queue="review", page="1")
    assert "+ 件" not in numbered


def test_a_numbered_review_page_counts_its_heading_with_the_tabs(
    client, item, applicant, clerk, monkeypatch, django_user_model
):
    """A numbered page (a link from before the cursors) needs its pages' count: the tabs'
    statement counts its heading as any other queue's, with no statement of its own."""
    from django.test.utils import CaptureQueriesContext

    from oneseal.workbench import queries

    for d in ("2025-03-03", "2025-03-04", "2025-03-05"):
        accepted_case(item, applicant, clerk, d)
    root = django_user_model.objects.create_superuser("root-numbered", password="root-pw-n")
    monkeypatch.setattr(queries, "PENDING_HEADING_UP_TO", 2)
    with CaptureQueriesContext(connection) as captured:
        page = body(client, root, queue="review", page="1")
    assert "共 3 件" in page and "+ 件" not in page
    statements = [q["sql"] for q in captured.captured_queries]
    assert len([sql for sql in statements if ") kept)" in sql]) == 1
    # No count of the paginator's own (the navigation's assigned-to-me count is a UNION).
    assert not [sql for sql in statements if ") subquery" in sql and "UNION" not in sql]
    review = queries.QUEUE_BY_KEY["review"]
    queues = queries.queues_for(root)
    numbered = queries.queue_counts(root, queues, heading=review, numbered=True)[""]
    assert numbered == queries.QueueCount(3, False, estimate=True)
    assert queries.queue_counts(root, queues, heading=review)[""] == queries.QueueCount(2, True)


def test_each_row_links_its_case_and_names_its_state(client, item, applicant, clerk):
    from oneseal.calendars.queries import today as on
    from oneseal.cases.models import Case
    from oneseal.workbench import queries

    first = actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00"))
    second = accepted_case(item, applicant, clerk, "2025-03-04")
    rows = queries.attach_row_clocks(Case.objects.filter(pk__in=[first.pk, second.pk]), on())
    for row in rows:
        assert row.link == reverse("workbench:case", args=[row.pk])
        assert row.state_label == Case.objects.get(pk=row.pk).get_state_display()
    page = body(client, clerk, queue="all")
    assert f'<a href="{reverse("workbench:case", args=[second.pk])}">{second.number}</a>' in page
    assert "<td>已受理</td>" in page and "<td>已收件</td>" in page
