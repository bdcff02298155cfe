"""The tabs' counts and a queue's page over a bureau with several sections, handlers and
regions: each tab says what its own queue holds (up to "99+"), for every role and filter, and
never counts or lists another county's cases; and a page costs a fixed number of statements,
the tabs' counts among them in one."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from oneseal.cases import actions
from oneseal.cases.models import Case, CaseStep, State
from oneseal.catalogue.models import ReviewStep
from oneseal.organisation.models import Role
from oneseal.prepared import KeptCount
from oneseal.testing import accepted_case, at, day, needs_postgres, reviewed
from oneseal.workbench import queries
from oneseal.workbench.views.common import PAGE_SIZE

pytestmark = pytest.mark.django_db

THERE = "640202"  # the neighbouring county (far_staff's)

UNSECTIONED = [
    ("受理", ReviewStep.Role.CLERK, False),
    ("审查", ReviewStep.Role.REVIEWER, False),
    ("决定", ReviewStep.Role.SIGNATORY, False),
]


def _bureau_work(
    item, plain, instant, applicant, clerk, reviewer, second, signatory, deputy, colleague
):
    """A case in every queue: received, in correction, in review (in a section, unsectioned,
    assigned), waiting for the decision (to anyone, to the deputy), tolerated, extended,
    suspended, granted, and on an item decided on the spot."""
    made = []
    for on in ("2025-03-03", "2025-03-05"):
        made.append(actions.receive(item, actor=clerk, applicant=applicant, at=at(f"{on} 09:00")))
    correcting = actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-03-04 09:00"))
    made.append(
        actions.request_correction(
            correcting,
            actor=clerk,
            items={correcting.materials.first().pk: "缺少签字"},
            on=day("2025-03-04"),
        )
    )
    made.append(accepted_case(item, applicant, clerk, "2025-03-03"))
    made.append(accepted_case(plain, applicant, clerk, "2025-03-04"))
    assigned = accepted_case(item, applicant, clerk, "2025-03-05")
    first = CaseStep.objects.filter(case=assigned, state=CaseStep.StepState.PENDING).order_by(
        "order", "id"
    )[0]
    made.append(actions.assign_step(assigned, first, actor=signatory, assignee=colleague))
    made.append(
        reviewed(
            accepted_case(item, applicant, clerk, "2025-03-03"), reviewer, second, "2025-03-04"
        )
    )
    to_deputy = reviewed(
        accepted_case(item, applicant, clerk, "2025-03-04"), reviewer, second, "2025-03-05"
    )
    step = CaseStep.objects.get(case=to_deputy, state=CaseStep.StepState.PENDING)
    made.append(actions.assign_step(to_deputy, step, actor=signatory, assignee=deputy))
    made.append(accepted_case(item, applicant, clerk, "2025-03-06", tolerated_until="2025-03-20"))
    extending = accepted_case(item, applicant, clerk, "2025-03-06")
    actions.request_extension(
        extending, actor=reviewer, reason="需征求相关部门意见", on=day("2025-03-10")
    )
    made.append(extending)
    made.append(
        actions.suspend(
            accepted_case(item, applicant, clerk, "2025-03-07"),
            actor=reviewer,
            kind="expert_review",
            reason="组织专家评审",
            expected_days=10,
            on=day("2025-03-10"),
        )
    )
    granting = reviewed(
        accepted_case(item, applicant, clerk, "2025-03-07"), reviewer, second, "2025-03-10"
    )
    actions.grant(
        granting,
        actor=signatory,
        on=day("2025-03-10"),
        scope="预包装食品销售",
        valid_from=day("2025-03-10"),
        valid_until=day("2030-03-09"),
    )
    made.append(granting)
    made.append(accepted_case(instant, applicant, clerk, "2025-03-10"))
    return [c.pk for c in made]


@pytest.fixture
def colleague(make_staff, county, bureau, section):
    """A second reviewer of the reviewer's section."""
    return make_staff("colleague", county, Role.REVIEWER, bureau=bureau, section=section)


@pytest.fixture
def world(
    make_item,
    applicant,
    clerk,
    reviewer,
    second_reviewer,
    signatory,
    deputy,
    colleague,
    far_staff,
    county,
):
    item = make_item()
    plain = make_item(steps=UNSECTIONED)
    instant = make_item(steps=False, is_instant=True)
    people = (applicant, clerk, reviewer, second_reviewer, signatory, deputy, colleague)
    here = _bureau_work(item, plain, instant, *people)
    there = _bureau_work(item, plain, instant, *people)
    # The same work in the neighbouring county (far_staff's region): the cases move there, as
    # the e-supervision tests move theirs.
    from oneseal.regions.models import Region

    Case.objects.filter(pk__in=there).update(
        region=Region.objects.get(code=THERE), region_code=THERE
    )
    return {"here": set(here), "there": set(there), "item": item}


def by_each_queue(user, filters=None):
    """Each tab's count as its own queue says it: the reference the one statement must equal."""
    out = {}
    for q in queries.queues_for(user):
        n = queries.queue_cases(user, q, filters=filters).count()
        out[q.key] = queries.QueueCount(
            min(n, queries.TAB_COUNT_UP_TO), n > queries.TAB_COUNT_UP_TO
        )
    return out


def test_each_tab_counts_what_its_queue_lists_for_every_role_and_filter(
    world,
    clerk,
    reviewer,
    second_reviewer,
    signatory,
    deputy,
    colleague,
    far_staff,
    root,
    supervisor,
):
    any_case = Case.objects.get(pk=min(world["here"]))
    filters = [
        None,
        {"state": State.ACCEPTED},
        {"item": world["item"].item_version.item_id},
        {"received_from": day("2025-03-05")},
        {"q": any_case.number},
        {"q": "𠮷祥"},
    ]
    users = (
        clerk,
        reviewer,
        second_reviewer,
        signatory,
        deputy,
        colleague,
        far_staff,
        root,
        supervisor,
    )
    for user in users:
        for f in filters:
            counted = queries.queue_counts(user, queries.queues_for(user), filters=f)
            assert counted == by_each_queue(user, f), (user, f)
    # Not all zero: the tabs of each role hold work.
    assert queries.queue_counts(signatory, queries.queues_for(signatory))["decide"].n == 2
    assert queries.queue_counts(root, queries.queues_for(root))["all"].n == 26


def test_the_tabs_stop_at_their_cap(world, clerk, monkeypatch):
    monkeypatch.setattr(queries, "TAB_COUNT_UP_TO", 2)
    counted = queries.queue_counts(clerk, queries.queues_for(clerk))
    assert counted["received"] == queries.QueueCount(2, False)  # exactly 2 here
    assert counted["all"] == queries.QueueCount(2, True)
    assert str(counted["all"]) == "2+"
    assert counted["correction"] == queries.QueueCount(1, False)


def test_a_county_never_counts_or_lists_the_other_countys_cases(client, world, clerk, far_staff):
    for user, own, other in ((clerk, "here", "there"), (far_staff, "there", "here")):
        counted = queries.queue_counts(user, queries.queues_for(user))
        assert counted["all"].n == len(world[own]) == 13
        listed = set(
            queries.queue_cases(user, queries.QUEUE_BY_KEY["all"]).values_list("pk", flat=True)
        )
        assert listed == world[own] and not listed & world[other]
        client.force_login(user)
        page = client.get(reverse("workbench:home"), {"queue": "all"}).content.decode()
        numbers = set(re.findall(r'data-case="([^"]+)"', page))
        assert numbers == set(
            Case.objects.filter(pk__in=world[own]).values_list("number", flat=True)
        )


def test_a_page_lists_its_queues_rows_in_its_order(client, world, clerk, signatory, root):
    for user in (clerk, signatory, root):
        client.force_login(user)
        for q in queries.queues_for(user):
            page = client.get(reverse("workbench:home"), {"queue": q.key}).content.decode()
            shown = re.findall(r'data-case="([^"]+)"', page)
            expected = list(
                queries.queue_cases(user, q).values_list("number", flat=True)[:PAGE_SIZE]
            )
            assert shown == expected, (user, q.key)


# The statements of one queue page: the session and the user (2), the staff record with its
# roles (1), the user's own applicants (1, staff with a region), the item filter's choices (1),
# on PostgreSQL the planner's setting for the queue (1, queries.per_row_subplans), the tabs'
# counts with the heading's (1), the page (1), and the navigation's (experts,
# intermediaries, notifications, the assigned count, the portal's applicants, the user's
# permissions: up to 7). A search adds the applicants whose name matches (1).
PAGE_BUDGET = 15


def statements(client, url, *, warm: bool = True) -> list[str]:
    if warm:  # the calendar and the session are loaded once per process and login
        client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    # The working-day calendar re-checks its freshness every few seconds, whatever the page;
    # a transaction the page opens is a savepoint inside the test's own (BEGIN and COMMIT
    # outside a test, which the connection sends without a statement of Django's).
    return [
        q["sql"] for q in captured if "calendars_" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]


SEARCHED_NUMBERS = 'SELECT "cases_case"."id" AS "pk" FROM "cases_case" WHERE '


def test_a_queue_page_stays_within_its_statements(
    client, world, clerk, reviewer, signatory, far_staff, root
):
    home = reverse("workbench:home")
    number = Case.objects.get(pk=min(world["here"])).number
    for user in (clerk, reviewer, signatory, far_staff, root):
        client.force_login(user)
        warm = True  # once per login: every page after the first finds the session loaded
        for q in queries.queues_for(user):
            for params in ("", "&state=accepted", f"&q={number}", "&received_from=2025-03-05"):
                sent = statements(client, f"{home}?queue={q.key}{params}", warm=warm)
                warm = False
                # A search reads the applicants and the cases it names first, once each
                # (queries.search_q): the counts and the rows then name them by id.
                budget = PAGE_BUDGET + (2 if "q=" in params else 0)
                assert len(sent) <= budget, (user, q.key, params, sent)
                named = [s for s in sent if s.startswith(SEARCHED_NUMBERS)]
                assert len(named) == (1 if "q=" in params else 0), (user, q.key, params, named)
                counting = [s for s in sent if 'AS "pk" FROM "cases_case"' in s and s not in named]
                assert len(counting) == 1, (user, q.key, params, counting)


@pytest.mark.postgres
@needs_postgres
def test_only_a_page_with_a_pending_step_queue_narrows_the_planners_memory(
    client, world, clerk, reviewer
):
    # A clerk has no review or decision tab: the 64 kB work_mem would only make the page's
    # other hashes and sorts spill (per_row_subplans).
    client.force_login(clerk)
    sent = statements(client, reverse("workbench:home") + "?queue=all")
    assert not [s for s in sent if "work_mem" in s]
    client.force_login(reviewer)
    sent = statements(client, reverse("workbench:home") + "?queue=all")
    assert len([s for s in sent if "work_mem" in s]) == 1


def test_the_staff_record_is_read_once_a_page(client, world, clerk):
    client.force_login(clerk)
    sent = statements(client, reverse("workbench:home") + "?queue=all")
    assert len([s for s in sent if 'FROM "organisation_staffrole"' in s]) == 0
    # Read with the user (organisation.backends.StaffBackend) or on its own: once either way.
    assert len([s for s in sent if '"organisation_staff"' in s.split(" WHERE ")[0]]) == 1


def test_the_role_links_of_the_layout_still_follow_the_roles(client, world, clerk, signatory):
    client.force_login(clerk)
    page = client.get(reverse("workbench:home")).content.decode()
    assert 'id="nav-intake"' in page and 'id="nav-sign"' not in page
    client.force_login(signatory)
    page = client.get(reverse("workbench:home")).content.decode()
    assert 'id="nav-sign"' in page and 'id="nav-intake"' not in page


def test_a_users_counts_are_built_into_sql_once(world, reviewer, colleague, monkeypatch):
    """Building the review and decision queues' filters into SQL was most of a superuser's
    page CPU: a second page over the same rows reuses the statement, and another user's
    counts are their own."""
    built = []
    review = queries.QUEUE_FILTERS["review"]
    monkeypatch.setitem(
        queries.QUEUE_FILTERS, "review", lambda user, qs: built.append(user) or review(user, qs)
    )
    monkeypatch.setattr(queries, "_COUNTS", KeptCount())
    first = queries.queue_counts(reviewer, queries.queues_for(reviewer))
    assert built == [reviewer]
    assert queries.queue_counts(reviewer, queries.queues_for(reviewer)) == first
    assert built == [reviewer]
    queries.queue_counts(colleague, queries.queues_for(colleague))
    assert built == [reviewer, colleague]
    # Kept by the one mechanism of the navigation's counts: cleared with it, built again.
    queries._COUNTS.clear()
    assert queries.queue_counts(reviewer, queries.queues_for(reviewer)) == first
    assert built == [reviewer, colleague, reviewer]


@needs_postgres
def test_a_tab_with_the_date_filter_has_an_index_on_the_state_and_the_dates(item, applicant, clerk):
    """A tab under the date filter can find its state's cases of the period in one index
    range (cases 0021), not by ANDing the period's cases with the state's or by testing each
    case's date on the table (48–60 ms of a page's counts at 1,000,000 cases, where the
    planner took it, docs/scaling.md). The plan itself is not asserted: in a table of a few
    rows every index costs the same and the planner's pick is a tie."""
    from oneseal.cases.queries import case_rows

    for d in ("2025-03-03", "2025-04-07"):
        actions.receive(item, actor=clerk, applicant=applicant, at=at(f"{d} 09:00"))
    rows = queries.apply_filters(
        case_rows(clerk), {"received_from": day("2025-03-01"), "received_to": day("2025-03-31")}
    )
    received = queries.QUEUE_BY_KEY["received"]
    assert queries.queue_counts(clerk, [received], base=rows)["received"].n == 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'case_state_received_region'"
        )
        (definition,) = cursor.fetchone()
    assert definition.endswith("(state, received_on, region_code)"), definition
