"""The pages: the pool and the draw on a case for staff of the region, the expert's own page
for the expert only and only until their opinion is in, and the opinions on the case page."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from oneseal.experts import actions
from oneseal.experts.models import Assignment, Expert, ExpertReview
from oneseal.testing import day


@pytest.fixture
def review(case, reviewer, make_expert, food):
    for i in range(3):
        user = get_user_model().objects.create_user(username=f"e{i}", password=f"pw-e{i}")
        make_expert(f"专家{i}", user=user)
    return actions.open_review(
        case,
        actor=reviewer,
        field=food,
        experts_needed=2,
        subject="冷库布局评审",
        ends_on=day("2025-10-10"),
        on=day("2025-09-29"),
    )


def test_the_pool_page_is_for_staff(client, reviewer, applicant_user, make_expert):
    make_expert("王专家")
    url = reverse("experts:pool")
    assert client.get(url).status_code == 302
    client.force_login(applicant_user)
    assert client.get(url).status_code == 403
    client.force_login(reviewer)
    page = client.get(url)
    assert page.status_code == 200 and "王专家" in page.content.decode()


def test_a_reviewer_registers_an_expert_and_bad_input_names_the_field(client, reviewer, food):
    client.force_login(reviewer)
    url = reverse("experts:pool")
    bad = client.post(
        url,
        {
            "name": "李专家",
            "id_number": "640221197001010000",
            "fields": [food.pk],
            "title": "教授",
            "employer_name": "宁夏大学",
            "phone": "13900000001",
        },
    )
    assert bad.status_code == 400 and "身份证" in bad.content.decode()
    assert not Expert.objects.exists()
    ok = client.post(
        url,
        {
            "name": "李专家",
            "id_number": "640221197001010010",
            "fields": [food.pk],
            "title": "教授",
            "employer_name": "宁夏大学",
            "phone": "13900000001",
        },
    )
    expert = Expert.objects.get()
    assert ok.status_code == 302 and ok["Location"] == reverse("experts:expert", args=[expert.pk])


def test_suspending_an_expert_on_the_page_needs_a_reason(client, reviewer, make_expert):
    expert = make_expert("王专家")
    client.force_login(reviewer)
    url = reverse("experts:expert-act", args=[expert.pk, "suspend"])
    assert client.post(url, {"suspend-reason": ""}).status_code == 400
    assert client.post(url, {"suspend-reason": "评价差"}).status_code == 302
    expert.refresh_from_db()
    assert expert.status == Expert.Status.SUSPENDED


def test_the_draw_page_shows_the_record_to_staff_of_the_region_only(
    client, reviewer, far_staff, review
):
    url = reverse("experts:case", args=[review.case_id])
    client.force_login(far_staff)
    assert client.get(url).status_code == 404
    client.force_login(reviewer)
    page = client.get(url).content.decode()
    draw = review.draws.get()
    assert draw.seed in page and "按种子复算结果一致" in page
    assert "专家库 3 人，符合条件 3 人" in page


def test_opening_a_review_on_the_page(client, reviewer, case, make_expert, food):
    make_expert("专家甲")
    client.force_login(reviewer)
    url = reverse("experts:case-act", args=[case.pk, "open"])
    data = {
        "open-field": food.pk,
        "open-experts_needed": 2,
        "open-subject": "评审",
        "open-on": "2025-09-29",
        "open-ends_on": "2025-10-10",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400 and "少于所需" in refused.content.decode()
    data["open-experts_needed"] = 1
    assert client.post(url, data).status_code == 302
    assert ExpertReview.objects.filter(case=case).count() == 1


def test_hand_picking_on_the_page_without_a_reason_is_refused(
    client, reviewer, review, make_expert
):
    client.force_login(reviewer)
    a = review.assignments.first()
    url = reverse("experts:case-act", args=[review.case_id, "remove"])
    assert client.post(url, {"assignment": a.pk, "remove-reason": ""}).status_code == 400
    a.refresh_from_db()
    assert a.state == Assignment.State.INVITED


def test_the_expert_answers_on_their_page_and_loses_the_case_with_the_opinion(
    client, review, reviewer
):
    a = review.assignments.first()
    other = (
        Expert.objects.exclude(assignments__review=review).first()
        or Expert.objects.exclude(pk=a.expert_id).first()
    )
    url = reverse("experts:assignment", args=[a.pk])
    # Another expert and the staff do not see it.
    client.force_login(other.user)
    assert client.get(url).status_code == 404
    client.force_login(reviewer)
    assert client.get(url).status_code == 404
    assert client.get(reverse("experts:mine")).status_code == 404
    client.force_login(a.expert.user)
    mine = client.get(reverse("experts:mine")).content.decode()
    assert "冷库布局评审" in mine
    assert client.get(url).status_code == 200
    assert client.post(reverse("experts:assignment-act", args=[a.pk, "accept"])).status_code == 302
    opinion = reverse("experts:assignment-act", args=[a.pk, "opinion"])
    bad = client.post(opinion, {"opinion-opinion": "", "opinion-score": 120})
    assert bad.status_code == 400
    done = client.post(
        opinion,
        {"opinion-opinion": "布局合理", "opinion-score": 90, "opinion-conclusion": "agree"},
    )
    assert done.status_code == 302
    assert client.get(url).status_code == 404
    assert "冷库布局评审" not in client.get(reverse("experts:mine")).content.decode()
    # The case page shows the opinion and the score.
    client.force_login(reviewer)
    case_page = client.get(reverse("workbench:case", args=[review.case_id])).content.decode()
    assert "布局合理" in case_page and "90" in case_page


def test_an_expert_declares_and_tells_when_away_on_their_own_page_only(
    client, make_expert, expert_user, reviewer
):
    expert = make_expert("王专家", user=expert_user)
    declare = reverse("experts:mine-act", args=["declare"])
    away = reverse("experts:mine-act", args=["unavailable"])
    client.force_login(reviewer)
    assert client.post(away, {"unavailable-starts_on": "2025-10-01"}).status_code == 404
    client.force_login(expert_user)
    bad = client.post(
        declare,
        {"declare-relative_name": "王某", "declare-relation": "sibling", "declare-number": "123"},
    )
    assert bad.status_code == 400
    ok = client.post(
        declare,
        {
            "declare-relative_name": "平罗县𠮷祥餐饮有限公司",
            "declare-relation": "organisation",
            "declare-number": "91350100M000100Y43",
        },
    )
    assert ok.status_code == 302
    backwards = client.post(
        away, {"unavailable-starts_on": "2025-10-08", "unavailable-ends_on": "2025-10-01"}
    )
    assert backwards.status_code == 400
    client.post(away, {"unavailable-starts_on": "2025-10-01", "unavailable-ends_on": "2025-10-08"})
    assert expert.declarations.count() == 1 and expert.unavailabilities.count() == 1
