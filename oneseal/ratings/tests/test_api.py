"""The ratings API: rate (201), once; the follow-ups list and answer for staff; nothing for
outsiders."""

import pytest
from rest_framework.test import APIClient

from oneseal.ratings.models import FollowUp, Rating


def api(user=None) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


def test_the_reasons_of_each_band_are_published():
    bands = {b["band"]: b for b in api().get("/api/v1/ratings/reasons").json()}
    assert bands["bad"]["scores"] == [2, 1]
    assert {"code": "guide_wrong", "label": "办事指南与实际要求不一致"} in bands["bad"]["reasons"]


def test_rate_once_through_the_api(own_case, applicant_user):
    c = api(applicant_user)
    body = {"case": own_case.pk, "score": 1, "reasons": ["attitude"], "comment": "态度不好"}
    r = c.post("/api/v1/ratings", body, format="json")
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["score_display"] == "非常不满意" and data["follow_up"]["state"] == "open"
    assert data["reasons"] == [{"code": "attitude", "label": "工作人员态度差"}]
    r = c.post("/api/v1/ratings", body, format="json")
    assert r.status_code == 400 and r.json()["code"] == "invalid_transition"
    assert [x["id"] for x in c.get("/api/v1/ratings").json()] == [data["id"]]


def test_another_applicants_case_is_a_field_error_that_reveals_nothing(
    own_case, other_applicant_user
):
    r = api(other_applicant_user).post(
        "/api/v1/ratings", {"case": own_case.pk, "score": 5}, format="json"
    )
    assert r.status_code == 400 and "case" in r.json()["fields"]
    assert own_case.number not in r.content.decode()
    assert not Rating.objects.exists()


def test_a_clerk_cannot_rate_online_and_anonymous_cannot_at_all(own_case, clerk):
    assert (
        api(clerk)
        .post("/api/v1/ratings", {"case": own_case.pk, "score": 5}, format="json")
        .status_code
        == 403
    )
    assert (
        api().post("/api/v1/ratings", {"case": own_case.pk, "score": 5}, format="json").status_code
        == 403
    )
    assert api().get("/api/v1/ratings").status_code == 403
    assert not Rating.objects.exists()


def test_staff_list_and_answer_follow_ups_and_outsiders_get_404(
    bad_rating, clerk, far_clerk, applicant_user
):
    pk = bad_rating.follow_up.pk
    assert [f["id"] for f in api(clerk).get("/api/v1/follow-ups").json()] == [pk]
    assert api(clerk).get("/api/v1/follow-ups", {"overdue": "true"}).json() == []
    assert api(applicant_user).get("/api/v1/follow-ups").json() == []
    assert api(far_clerk).get("/api/v1/follow-ups").json() == []
    assert api(far_clerk).get(f"/api/v1/ratings/{bad_rating.pk}").status_code == 404
    assert (
        api(far_clerk)
        .post(f"/api/v1/follow-ups/{pk}/answer", {"answer": "x"}, format="json")
        .status_code
        == 404
    )
    r = api(clerk).post(f"/api/v1/follow-ups/{pk}/answer", {"answer": ""}, format="json")
    assert r.status_code == 400 and "answer" in r.json()["fields"]
    r = api(clerk).post(f"/api/v1/follow-ups/{pk}/answer", {"answer": "已回访"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "answered"
    assert (
        api(applicant_user).get(f"/api/v1/ratings/{bad_rating.pk}").json()["follow_up"]["answer"]
        == "已回访"
    )


@pytest.mark.parametrize("assignee", ["reviewer", "far_clerk"])
def test_assign_through_the_api(assignee, bad_rating, clerk, request):
    user = request.getfixturevalue(assignee)
    r = api(clerk).post(
        f"/api/v1/follow-ups/{bad_rating.follow_up.pk}/assign", {"assignee": user.pk}, format="json"
    )
    if assignee == "reviewer":
        assert r.status_code == 200 and r.json()["assignee_id"] == user.pk
    else:
        assert r.status_code == 400 and "assignee" in r.json()["fields"]
        assert FollowUp.objects.get().assignee is None
