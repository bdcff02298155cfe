import hashlib
from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oneseal.cases import actions as case_actions
from oneseal.cases.models import State
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.intermediaries import actions, queries, rules
from oneseal.intermediaries.models import Engagement, Intermediary
from oneseal.testing import accepted_case, at, day

from .conftest import credit_code

PDF = b"%PDF-1.7\n1 0 obj\n"


@pytest.fixture
def own_case(handling_item, own_applicant, clerk, listing):
    return accepted_case(handling_item, own_applicant, clerk, "2025-09-22")


def test_register_checks_credit_code_and_role(admin_user, clerk, county):
    with pytest.raises(ValidationFailed) as caught:
        actions.register_intermediary(
            actor=admin_user, name="某检测公司", credit_code="91640221MA0000001X", region=county
        )
    assert "credit_code" in caught.value.fields
    with pytest.raises(NotPermitted):
        actions.register_intermediary(
            actor=clerk, name="某检测公司", credit_code=credit_code(1), region=county
        )
    assert not Intermediary.objects.exists()


def test_direct_choice_by_applicant_with_working_day_due_date(
    own_case, applicant_user, make_intermediary, service
):
    a = make_intermediary("甲检测", days=5)
    make_intermediary("乙检测")
    engagement = actions.engage(
        own_case,
        actor=applicant_user,
        service=service,
        method="direct",
        intermediary=a,
        on=day("2025-09-29"),
    )
    # 9-30, then the National Day holiday (10-1 to 10-8), 10-9, 10-10, the make-up Saturday
    # 10-11, 10-13.
    assert engagement.due_on == day("2025-10-13")
    assert engagement.fee == a.offers.get().fee
    assert engagement.method == Engagement.Method.DIRECT and not engagement.chosen_by_staff
    assert len(engagement.qualified) == 2


def test_others_cannot_choose_for_a_case(
    own_case, other_applicant_user, far_staff, service, make_intermediary
):
    a = make_intermediary("甲检测")
    for actor in (other_applicant_user, far_staff):
        with pytest.raises(NotPermitted):
            actions.engage(own_case, actor=actor, service=service, method="direct", intermediary=a)


def test_expired_or_suspended_cannot_be_chosen(own_case, clerk, make_intermediary, service):
    expired = make_intermediary("过期检测", valid_to="2025-06-30")
    fine = make_intermediary("有效检测")
    with pytest.raises(ValidationFailed) as caught:
        actions.engage(
            own_case,
            actor=clerk,
            service=service,
            method="direct",
            intermediary=expired,
            on=day("2025-09-29"),
        )
    assert "intermediary" in caught.value.fields
    engagement = actions.engage(
        own_case, actor=clerk, service=service, method="random", seed="s1", on=day("2025-09-29")
    )
    assert engagement.qualified == [fine.pk]
    assert engagement.intermediary == fine and engagement.chosen_by_staff


def test_random_draw_is_reproducible_and_lowest_quote(own_case, clerk, make_intermediary, service):
    made = [make_intermediary(f"检测{i}", fee=f"{900 + i * 10}.00") for i in range(4)]
    engagement = actions.engage(
        own_case, actor=clerk, service=service, method="random", seed="abc", on=day("2025-09-29")
    )
    assert engagement.seed == "abc"
    assert engagement.intermediary_id == rules.draw("abc", engagement.qualified)
    expected = min(
        engagement.qualified, key=lambda i: hashlib.sha256(f"abc:{i}".encode()).hexdigest()
    )
    assert engagement.intermediary_id == expected
    with pytest.raises(InvalidTransition):  # one running engagement per service
        actions.engage(own_case, actor=clerk, service=service, method="lowest")
    Engagement.objects.all().delete()
    cheapest = actions.engage(
        own_case, actor=clerk, service=service, method="lowest", on=day("2025-09-29")
    )
    assert cheapest.intermediary == made[0]


def test_draw_is_uniform():
    ids = [3, 7, 11, 19]
    counts = Counter(rules.draw(f"seed-{n}", ids) for n in range(8000))
    assert set(counts) == set(ids)
    for n in counts.values():
        assert abs(n - 2000) < 200  # > 4 standard deviations (sqrt(1500) ≈ 39)


def test_only_the_own_intermediary_delivers_and_it_becomes_material(
    own_case, clerk, applicant_user, make_intermediary, service, agency_user, django_user_model
):
    own = make_intermediary("甲检测", user=agency_user)
    other_user = django_user_model.objects.create_user(username="agency2", password="pw-a2")
    make_intermediary("乙检测", user=other_user)
    engagement = actions.engage(
        own_case,
        actor=applicant_user,
        service=service,
        method="direct",
        intermediary=own,
        on=day("2025-09-29"),
    )
    assert list(queries.own_engagements(other_user)) == []
    assert list(queries.own_engagements(agency_user)) == [engagement]
    for actor in (other_user, clerk, applicant_user):
        with pytest.raises(NotPermitted):
            actions.deliver(engagement, actor=actor, upload=SimpleUploadedFile("r.pdf", PDF))
    with pytest.raises(ValidationFailed) as caught:
        actions.deliver(engagement, actor=agency_user, upload=SimpleUploadedFile("r.pdf", b"MZ"))
    assert "file" in caught.value.fields
    with pytest.raises(InvalidTransition):  # not before delivery
        actions.rate(engagement, actor=applicant_user, quality=5, timeliness=5, attitude=5, fee=5)
    engagement = actions.deliver(
        engagement,
        actor=agency_user,
        upload=SimpleUploadedFile("报告.pdf", PDF),
        on=day("2025-10-10"),
    )
    assert not engagement.late
    line = own_case.materials.get(material__name="食品安全管理制度")
    assert line.uploads.get() == engagement.deliverable
    assert own_case.events.filter(action="attach_file").exists()
    with pytest.raises(NotPermitted):
        actions.rate(engagement, actor=clerk, quality=5, timeliness=5, attitude=5, fee=5)
    with pytest.raises(ValidationFailed) as caught:
        actions.rate(engagement, actor=applicant_user, quality=6, timeliness=5, attitude=5, fee=5)
    assert "quality" in caught.value.fields
    actions.rate(engagement, actor=applicant_user, quality=5, timeliness=4, attitude=5, fee=4)
    with pytest.raises(InvalidTransition):
        actions.rate(engagement, actor=applicant_user, quality=1, timeliness=1, attitude=1, fee=1)


def test_testing_suspends_the_accepted_case_only_through_the_guide(
    own_case, clerk, reviewer, make_intermediary, service, agency_user
):
    make_intermediary("甲检测", days=5, user=agency_user)
    engagement = actions.engage(
        own_case, actor=clerk, service=service, method="lowest", on=day("2025-09-29")
    )
    with pytest.raises(NotPermitted):  # a clerk does not stop the clock
        actions.suspend_for(engagement, actor=clerk, on=day("2025-09-29"))
    case = actions.suspend_for(engagement, actor=reviewer, on=day("2025-09-29"))
    assert case.state == State.SUSPENDED
    suspension = case.suspensions.get()
    assert suspension.kind == "testing" and suspension.expected_days == 5
    with pytest.raises(InvalidTransition):
        actions.suspend_for(engagement, actor=reviewer)
    # The deliverable arrives while the case is suspended; the reviewer then resumes it.
    actions.deliver(
        engagement,
        actor=agency_user,
        upload=SimpleUploadedFile("r.pdf", PDF),
        on=day("2025-10-10"),
    )
    case = case_actions.resume(case, actor=reviewer, on=day("2025-10-10"))
    assert case.state == State.ACCEPTED
    assert case.materials.get(material__name="食品安全管理制度").uploads.exists()


def test_an_ordinary_service_is_not_left_out_of_the_clock(
    own_case, clerk, reviewer, admin_user, county, handling_item, make_intermediary
):
    survey = actions.create_service(
        actor=admin_user, region=county, code="mapping", name="测绘", qualification_kind="测绘资质"
    )
    material = handling_item.materials.order_by("order").first()
    actions.list_service(handling_item, actor=admin_user, service=survey, material=material)
    a = make_intermediary("甲测绘")
    actions.add_qualification(
        a,
        actor=admin_user,
        kind="测绘资质",
        valid_from=day("2020-01-01"),
        valid_to=day("2030-01-01"),
    )
    actions.publish_offer(a, actor=admin_user, service=survey, fee="500", promised_days=3)
    engagement = actions.engage(
        own_case, actor=clerk, service=survey, method="direct", intermediary=a, on=day("2025-09-29")
    )
    with pytest.raises(InvalidTransition):
        actions.suspend_for(engagement, actor=reviewer, on=day("2025-09-29"))
    own_case.refresh_from_db()
    assert own_case.state == State.ACCEPTED


def test_before_acceptance_it_is_applicant_time(
    handling_item, own_applicant, clerk, applicant_user, listing, make_intermediary, service
):
    case = case_actions.receive(
        handling_item, actor=clerk, applicant=own_applicant, at=at("2025-09-29 09:00")
    )
    make_intermediary("甲检测")
    engagement = actions.engage(
        case, actor=applicant_user, service=service, method="lowest", on=day("2025-09-29")
    )
    case.refresh_from_db()
    assert case.state == State.RECEIVED and not case.suspensions.exists()
    assert not engagement.suspended_case


def _delivered(case, clerk, service, intermediary, agency_user, on):
    engagement = actions.engage(
        case,
        actor=clerk,
        service=service,
        method="direct",
        intermediary=intermediary,
        on=day("2025-09-01"),
    )
    return actions.deliver(
        engagement, actor=agency_user, upload=SimpleUploadedFile("r.pdf", PDF), on=day(on)
    )


def test_poor_ratings_suspend_then_an_appeal_reinstates(
    handling_item,
    own_applicant,
    clerk,
    applicant_user,
    listing,
    make_intermediary,
    service,
    agency_user,
    admin_user,
):
    bad = make_intermediary("差评检测", user=agency_user, days=20)
    make_intermediary("乙检测")
    for n, date in enumerate(("2025-09-01", "2025-09-02", "2025-09-03")):
        case = accepted_case(handling_item, own_applicant, clerk, date)
        engagement = _delivered(case, clerk, service, bad, agency_user, "2025-09-10")
        actions.rate(
            engagement,
            actor=applicant_user,
            quality=2,
            timeliness=2,
            attitude=2,
            fee=2,
            on=day("2025-09-1" + str(n + 1)),
        )
        bad.refresh_from_db()
        assert bad.status == ("suspended" if n == 2 else "active")
    assert bad.suspension_rule["rule"] == "ratings" and bad.suspension_rule["poor"] == 3
    case = accepted_case(handling_item, own_applicant, clerk, "2025-09-15")
    with pytest.raises(ValidationFailed):
        actions.engage(case, actor=clerk, service=service, method="direct", intermediary=bad)
    with pytest.raises(NotPermitted):
        actions.appeal(bad, actor=clerk, reason="评分有误")
    row = actions.appeal(bad, actor=agency_user, reason="评分有误", on=day("2025-09-16"))
    with pytest.raises(NotPermitted):
        actions.decide_appeal(row, actor=clerk, upheld=True, answer="同意")
    actions.decide_appeal(
        row, actor=admin_user, upheld=True, answer="核实后恢复", on=day("2025-09-17")
    )
    bad.refresh_from_db()
    assert bad.status == "active" and bad.status_since == day("2025-09-17")


def test_two_late_deliveries_suspend(
    handling_item, own_applicant, clerk, listing, make_intermediary, service, agency_user
):
    slow = make_intermediary("迟缓检测", user=agency_user, days=3)
    for n, date in enumerate(("2025-09-01", "2025-09-02")):
        case = accepted_case(handling_item, own_applicant, clerk, date)
        engagement = _delivered(case, clerk, service, slow, agency_user, "2025-09-20")
        assert engagement.late
        slow.refresh_from_db()
        assert slow.status == ("suspended" if n == 1 else "active")
    assert slow.suspension_rule["rule"] == "lateness"


def test_steering_flags_a_clerk_above_chance(
    handling_item,
    own_applicant,
    clerk,
    listing,
    make_intermediary,
    service,
    make_staff,
    county,
    bureau,
):
    favourite, *others = [make_intermediary(f"检测{i}") for i in range(3)]
    chosen = [favourite] * 6 + [others[0]] * 2 + [others[1]] * 2
    for n, intermediary in enumerate(chosen):
        case = accepted_case(handling_item, own_applicant, clerk, f"2025-09-{n + 1:02d}")
        actions.engage(
            case,
            actor=clerk,
            service=service,
            method="direct",
            intermediary=intermediary,
            on=day("2025-09-15"),
        )
    flags = queries.steering(county.code)
    assert [(f["staff"], f["intermediary_id"], f["times"], f["choices"]) for f in flags] == [
        (clerk, favourite.pk, 6, 10)
    ]
    assert queries.steering("640202") == []
    # Nine direct choices are too few to test.
    Engagement.objects.filter(intermediary=favourite).first().delete()
    assert queries.steering(county.code) == []


def test_a_second_engagement_must_deliver_a_new_file_not_the_first_again(
    own_case, clerk, make_intermediary, service, agency_user
):
    """The service redone (a second engagement for the same line) hands in its own result: the
    very file delivered before would stand on the case's record as a second deliverable that
    is the first one again, so it is refused under the file."""
    agency = make_intermediary("甲检测", user=agency_user)
    first = _delivered(own_case, clerk, service, agency, agency_user, "2025-09-10")
    again = actions.engage(
        own_case,
        actor=clerk,
        service=service,
        method="direct",
        intermediary=agency,
        on=day("2025-09-11"),
    )
    with pytest.raises(ValidationFailed) as caught:
        actions.deliver(again, actor=agency_user, upload=SimpleUploadedFile("r2.pdf", PDF))
    assert "已交付" in str(caught.value.fields["file"][0])
    again.refresh_from_db()
    assert again.status == Engagement.Status.ENGAGED and again.deliverable is None
    redone = actions.deliver(
        again, actor=agency_user, upload=SimpleUploadedFile("r2.pdf", PDF + b"% redone\n")
    )
    line = own_case.materials.get(material__name="食品安全管理制度")
    assert {u.pk for u in line.uploads.all()} == {first.deliverable_id, redone.deliverable_id}
    assert len({u.sha256 for u in line.uploads.all()}) == 2
