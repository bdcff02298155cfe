"""The rating pages: the applicant rates and sees the answer; staff of the region see the
ratings and answer the follow-ups; everyone else learns nothing."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from oneseal.organisation.models import Role
from oneseal.ratings import actions
from oneseal.ratings.models import FollowUp, Rating
from oneseal.regions.models import Region


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_owner_rates_on_the_page_and_a_bad_rating_promises_an_answer(own_case, applicant_user):
    c = client_for(applicant_user)
    url = reverse("ratings:rate", args=[own_case.pk])
    page = c.get(url).content.decode()
    assert "您对这次办事满意吗？" in page and 'value="guide_wrong"' in page
    r = c.post(url, {"score": "2"})
    assert r.status_code == 400 and "差评请至少选择一项原因" in r.content.decode()
    r = c.post(url, {"score": "2", "reasons": ["late", "repeat_visits"], "comment": "跑了三次"})
    assert r.status_code == 302
    page = c.get(url).content.decode()
    due = Rating.objects.get().follow_up.due_on
    assert "我们将核实整改" in page and f"{due.year}年{due.month}月{due.day}日" in page
    assert "超过承诺时限" in page and "跑了三次" in page


def test_a_running_case_says_why_it_cannot_be_rated_yet(running_case, applicant_user):
    page = client_for(applicant_user).get(reverse("ratings:rate", args=[running_case.pk]))
    assert page.status_code == 200 and "办件办结后才能评价" in page.content.decode()


@pytest.mark.parametrize("who", ["other_applicant_user", "clerk", "far_clerk"])
def test_the_rate_page_of_someone_elses_case_is_not_found(who, own_case, request):
    r = client_for(request.getfixturevalue(who)).get(reverse("ratings:rate", args=[own_case.pk]))
    assert r.status_code == 404 and own_case.number not in r.content.decode()


def test_anonymous_visitors_are_asked_to_sign_in(own_case):
    for url in (
        reverse("ratings:rate", args=[own_case.pk]),
        reverse("ratings:follow_ups"),
        reverse("ratings:list"),
    ):
        r = Client().get(url)
        assert r.status_code == 302 and reverse("login") in r["Location"]


def test_staff_of_the_region_see_ratings_and_others_do_not(
    bad_rating, clerk, far_clerk, other_applicant_user
):
    page = client_for(clerk).get(reverse("ratings:list")).content.decode()
    assert bad_rating.case.number in page and "差评 1" in page
    far = client_for(far_clerk).get(reverse("ratings:list")).content.decode()
    assert bad_rating.case.number not in far
    assert client_for(other_applicant_user).get(reverse("ratings:list")).status_code == 403


def test_overdue_follow_ups_come_first_and_a_clerk_answers_one(bad_rating, clerk, applicant_user):
    # Time passes: the answer was due yesterday.
    FollowUp.objects.update(due_on=timezone.localdate() - timezone.timedelta(days=1))
    c = client_for(clerk)
    page = c.get(reverse("ratings:follow_ups")).content.decode()
    assert "已逾期 1 件" in page and bad_rating.case.number in page
    url = reverse("ratings:follow_up", args=[bad_rating.follow_up.pk])
    assert "已超过回复期限" in c.get(url).content.decode()
    r = c.post(url, {"answer": ""})
    assert r.status_code == 400 and "请填写核实整改情况和回复内容" in r.content.decode()
    r = c.post(url, {"answer": "已电话回访并致歉，办事指南已修改。"})
    assert r.status_code == 302
    mine = client_for(applicant_user).get(reverse("ratings:mine")).content.decode()
    assert "已电话回访并致歉，办事指南已修改。" in mine


@pytest.mark.parametrize("who", ["far_clerk", "applicant_user", "other_applicant_user"])
def test_a_follow_up_is_not_found_for_outsiders(who, bad_rating, request):
    c = client_for(request.getfixturevalue(who))
    url = reverse("ratings:follow_up", args=[bad_rating.follow_up.pk])
    assert c.get(url).status_code in (403, 404)
    assert c.post(url, {"answer": "已处理"}).status_code in (403, 404)
    assert c.post(
        reverse("ratings:assign", args=[bad_rating.follow_up.pk]), {"assignee": 1}
    ).status_code in (403, 404)
    assert FollowUp.objects.get().state == FollowUp.FollowUpState.OPEN


def test_a_signatory_sets_the_answer_days_on_the_page(signatory, bureau):
    c = client_for(signatory)
    assert 'name="answer_days"' in c.get(reverse("ratings:follow_ups")).content.decode()
    c.post(reverse("ratings:policy"), {"answer_days": "0"})
    assert actions.answer_days(bureau) == 5
    c.post(reverse("ratings:policy"), {"answer_days": "7"})
    assert actions.answer_days(bureau) == 7


def test_nav_links_follow_the_role(clerk, applicant_user, own_applicant):
    assert reverse("ratings:mine") in client_for(applicant_user).get("/").content.decode()
    assert reverse("ratings:follow_ups") in client_for(clerk).get("/").content.decode()


def test_the_pages_speak_english_from_the_apps_translations(own_case, applicant_user):
    html = (
        client_for(applicant_user)
        .get("/en" + reverse("ratings:rate", args=[own_case.pk]))
        .content.decode()
    )
    assert "Were you satisfied with this service?" in html and "Very satisfied" in html
    assert "The service guide did not match what was actually required" in html


def test_a_follow_up_given_to_a_colleague_offers_the_others_no_answer_form(
    bad_rating, clerk, reviewer, signatory
):
    """The page offers the answer form by the rule `answer_follow_up` refuses by: once a
    follow-up is given to someone, only they and a signatory answer it."""
    actions.assign_follow_up(bad_rating.follow_up, actor=signatory, assignee=reviewer)
    url = reverse("ratings:follow_up", args=[bad_rating.follow_up.pk])
    assert 'name="answer"' in client_for(reviewer).get(url).content.decode()
    assert 'name="answer"' in client_for(signatory).get(url).content.decode()
    assert 'name="answer"' not in client_for(clerk).get(url).content.decode()
    refused = client_for(clerk).post(url, {"answer": "已处理"})
    assert refused.status_code in (400, 403)
    assert FollowUp.objects.get().state == FollowUp.FollowUpState.OPEN


def test_the_assignees_offered_are_exactly_those_accepted_on_the_page_and_the_api(
    bad_rating, clerk, reviewer, signatory, supervisor, far_clerk, make_staff, county
):
    city = Region.objects.get(code="640200")
    city_reviewer = make_staff("city_reviewer", city, Role.REVIEWER, display_name="市局审查")
    left = make_staff("left", county, Role.CLERK, display_name="已离岗")
    left.is_active = False
    left.save(update_fields=["is_active"])
    follow_up = bad_rating.follow_up
    page = client_for(clerk).get(reverse("ratings:follow_up", args=[follow_up.pk]))
    offered = {
        u.pk
        for u in (clerk, reviewer, signatory, supervisor, far_clerk, city_reviewer, left)
        if f'value="{u.pk}"' in page.content.decode()
    }
    assert offered == {clerk.pk, reviewer.pk, signatory.pk, city_reviewer.pk}
    assert offered == set(actions.assignees_for(follow_up).values_list("pk", flat=True))
    api = APIClient()
    api.force_authenticate(clerk)
    for user in (supervisor, far_clerk, left):  # the other county's clerk is never offered
        r = client_for(clerk).post(
            reverse("ratings:assign", args=[follow_up.pk]), {"assignee": user.pk}
        )
        assert r.status_code == 302
        r = api.post(
            f"/api/v1/follow-ups/{follow_up.pk}/assign", {"assignee": user.pk}, format="json"
        )
        assert r.status_code == 400 and "assignee" in r.json()["fields"]
        assert FollowUp.objects.get().assignee is None
    for user in (city_reviewer, reviewer):
        r = api.post(
            f"/api/v1/follow-ups/{follow_up.pk}/assign", {"assignee": user.pk}, format="json"
        )
        assert r.status_code == 200 and FollowUp.objects.get().assignee == user
