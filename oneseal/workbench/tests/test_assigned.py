"""指派给我: what was given to a member of staff by name — a review step, a bad rating's
follow-up, a correction reply, an escalated push or support request — is listed in their
workbench with a count in the navigation, and for nobody else (a colleague, another
department, another county)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from oneseal.cases import actions as case_actions
from oneseal.cases.models import CaseMaterial
from oneseal.linkage import actions as linkage_actions
from oneseal.linkage import jobs as linkage_jobs
from oneseal.notifications.models import Kind, Notification
from oneseal.organisation.models import Department, Role
from oneseal.prepared import KeptCount
from oneseal.ratings import actions as rating_actions
from oneseal.testing import accepted_case, day, reviewed
from oneseal.workbench.assigned import assigned_count, assigned_to

TODAY = day("2025-03-20")


def kinds(user) -> list[tuple[str, str]]:
    return [(row.kind, row.number) for row in assigned_to(user, today=TODAY)]


def test_a_review_step_given_to_a_reviewer_is_theirs_alone(
    client, item, applicant, clerk, reviewer, second_reviewer, signatory, far_staff
):
    case = accepted_case(item, applicant, clerk, "2025-03-03")
    first = case_actions.steps_of(case)[1]
    case_actions.assign_step(case, first, actor=signatory, assignee=reviewer)
    assert kinds(reviewer) == [("step", case.number)]
    assert kinds(second_reviewer) == [] and kinds(far_staff) == [] and kinds(signatory) == []
    client.force_login(reviewer)
    page = client.get(reverse("workbench:assigned")).content.decode()
    assert "指派给我（1）" in page  # the navigation's count
    assert reverse("workbench:case", args=[case.pk]) + "#act-complete-review-step" in page
    client.force_login(second_reviewer)
    page = client.get(reverse("workbench:assigned")).content.decode()
    assert case.number not in page and "没有指派给您的待办" in page
    # Done, it leaves the list.
    case_actions.complete_review_step(
        case, actor=reviewer, opinion="符合条件", outcome="approve", on=day("2025-03-04")
    )
    assert kinds(reviewer) == []


def test_a_bad_rating_follow_up_goes_to_its_assignee_with_a_message(
    handling_item, applicant, clerk, reviewer, second_reviewer, far_staff
):
    case = case_actions.receive(handling_item, actor=clerk, applicant=applicant)
    case = case_actions.refuse(case, actor=clerk, clause="1", reason="该事项无需取得行政许可")
    rating = rating_actions.rate(case, actor=clerk, score=1, reasons=["attitude"], channel="window")
    assert kinds(reviewer) == []
    rating_actions.assign_follow_up(rating.follow_up, actor=clerk, assignee=reviewer)
    assert [k for k, _n in kinds(reviewer)] == ["follow_up"]
    assert kinds(second_reviewer) == [] and kinds(far_staff) == [] and kinds(clerk) == []
    told = Notification.objects.get(user=reviewer)
    assert told.kind == Kind.ASSIGNMENT and told.link.endswith(
        reverse("ratings:follow_up", args=[rating.follow_up.pk])
    )


def test_a_correction_reply_comes_back_to_the_clerk_who_asked_for_it(
    handling_item, own_applicant, applicant_user, clerk, make_staff, county, bureau
):
    colleague = make_staff("clerk2", county, Role.CLERK, bureau=bureau)
    case = case_actions.receive(handling_item, actor=clerk, applicant=own_applicant)
    line = case.materials.order_by("material__order").first()
    case_actions.request_correction(case, actor=clerk, items={line.pk: "身份证复印件不清晰"})
    assert kinds(clerk) == []  # waiting for the applicant
    case_actions.attach_file(
        line, actor=applicant_user, upload=SimpleUploadedFile("id.pdf", b"%PDF-1.7 id")
    )
    case_actions.submit_correction(case, actor=applicant_user)
    assert kinds(clerk) == [("correction", case.number)]
    assert kinds(colleague) == []
    told = Notification.objects.get(user=clerk)
    assert told.kind == Kind.ASSIGNMENT and case.number in told.title
    assert told.link.endswith(reverse("workbench:intake-case", args=[case.pk]))
    # Accepted, it leaves the list.
    case_actions.check_materials(
        case,
        actor=clerk,
        statuses={m.pk: CaseMaterial.Status.PROVIDED for m in case.materials.all()},
    )
    case_actions.accept(case, actor=clerk)
    assert kinds(clerk) == []


def test_a_clerk_recording_the_reply_at_the_window_is_not_told_of_their_own_act(
    handling_item, applicant, clerk
):
    case = case_actions.receive(handling_item, actor=clerk, applicant=applicant)
    line = case.materials.order_by("material__order").first()
    case_actions.request_correction(case, actor=clerk, items={line.pk: "缺少签字"})
    case_actions.submit_correction(case, actor=clerk)
    assert not Notification.objects.filter(user=clerk).exists()
    assert kinds(clerk) == [("correction", case.number)]


def test_an_escalated_push_and_support_request_go_to_the_departments_supervisors(
    item,
    applicant,
    clerk,
    reviewer,
    second_reviewer,
    signatory,
    supervisor,
    make_staff,
    county,
    department,
):
    other = Department.objects.create(region=county, name="平罗县卫生健康局", order=10)
    other_supervisor = make_staff("health", county, Role.SUPERVISOR, department=other)
    colleague = make_staff("supervisor2", county, Role.SUPERVISOR, department=department)
    running = accepted_case(item, applicant, clerk, "2025-03-03")
    support = linkage_actions.request_support(
        running,
        actor=reviewer,
        kind="site_survey",
        department=department,
        days=3,
        details="请现场核实经营场所",
        on=day("2025-03-04"),
    )
    case = reviewed(
        accepted_case(item, applicant, clerk, "2025-03-03"), reviewer, second_reviewer, "2025-03-05"
    )
    case_actions.grant(
        case,
        actor=signatory,
        on=day("2025-03-05"),
        scope="预包装食品销售",
        valid_from=day("2025-03-05"),
        valid_until=day("2030-03-04"),
    )
    push = case.pushes.get()  # to sign by 2025-03-10
    assert kinds(supervisor) == []  # due, not yet escalated
    linkage_jobs.escalations(day("2025-03-11"))
    linkage_jobs.escalations(day("2025-03-12"))  # once: no second message
    for user in (supervisor, colleague):
        assert sorted(kinds(user)) == [("push", case.number), ("support", running.number)]
        assert sorted(n.link for n in Notification.objects.filter(user=user)) == sorted(
            [
                reverse("linkage:push", args=[push.pk]),
                reverse("linkage:support", args=[support.pk]),
            ]
        )
    assert kinds(other_supervisor) == [] and kinds(signatory) == [] and kinds(reviewer) == []
    assert not Notification.objects.filter(user=other_supervisor).exists()
    linkage_actions.sign_push(push, actor=supervisor, on=day("2025-03-12"))
    assert kinds(colleague) == [("support", running.number)]


def test_the_count_is_one_query_and_matches_the_list(
    client, item, applicant, clerk, reviewer, signatory
):
    case = accepted_case(item, applicant, clerk, "2025-03-03")
    case_actions.assign_step(
        case, case_actions.steps_of(case)[1], actor=signatory, assignee=reviewer
    )
    for user, n in ((reviewer, 1), (clerk, 0), (signatory, 0)):
        assigned_count(user)  # the staff row, which every staff page has loaded already
        with CaptureQueriesContext(connection) as captured:
            count = assigned_count(user)
        assert len(captured) == 1
        assert count == n == len(assigned_to(user, today=TODAY))
    client.force_login(clerk)
    body = client.get(reverse("workbench:home")).content.decode()
    assert "指派给我" in body and "指派给我（" not in body


def _corrected(case, clerk, applicant_user):
    line = case.materials.order_by("material__order").first()
    case_actions.request_correction(case, actor=clerk, items={line.pk: "身份证复印件不清晰"})
    case_actions.attach_file(
        line, actor=applicant_user, upload=SimpleUploadedFile("id.pdf", b"%PDF-1.7 id")
    )
    case_actions.submit_correction(case, actor=applicant_user)


def test_the_count_is_built_once_per_user_and_follows_the_last_request(
    handling_item, own_applicant, applicant_user, clerk, make_staff, county, bureau, monkeypatch
):
    """The count's statement is kept per user (what of the user its sources read): a second
    page builds no query; a case asked to correct again by a colleague is the colleague's."""
    from oneseal.workbench import assigned

    monkeypatch.setattr(assigned, "_COUNT", KeptCount())
    built = []
    sources = assigned._sources
    monkeypatch.setattr(assigned, "_sources", lambda user: built.append(user.pk) or sources(user))
    colleague = make_staff("clerk2", county, Role.CLERK, bureau=bureau)
    case = case_actions.receive(handling_item, actor=clerk, applicant=own_applicant)
    _corrected(case, clerk, applicant_user)
    assert (assigned_count(clerk), assigned_count(colleague)) == (1, 0)
    assert built == [clerk.pk, colleague.pk]
    case.refresh_from_db()
    _corrected(case, colleague, applicant_user)
    assert (assigned_count(clerk), assigned_count(colleague)) == (0, 1)
    assert built == [clerk.pk, colleague.pk]  # built once each
    assert kinds(colleague) == [("correction", case.number)] and kinds(clerk) == []


def test_the_correction_count_starts_from_the_clerks_own_requests(
    handling_item, own_applicant, applicant_user, clerk
):
    """On PostgreSQL the count reads the clerk's correction requests by their index (cases
    0020) before any case: tested case by case, each received case of a province looked up
    its last request (25–35 ms of every page of a superuser at 1,000,000 cases)."""
    import pytest

    from oneseal.workbench import assigned

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's plan")
    case = case_actions.receive(handling_item, actor=clerk, applicant=own_applicant)
    _corrected(case, clerk, applicant_user)
    assert assigned_count(clerk) == 1
    sql, params = next(v for k, v in assigned._COUNT._sql.items() if v and k[1] == clerk.pk)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "case_event_correction_by" in plan and f"(actor_id = {clerk.pk})" in plan, plan
