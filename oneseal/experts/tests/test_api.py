"""The API, scoped as the pages: staff of the region draw and read the record; another
county's staff, an applicant and an expert get nothing; an expert answers only their own
assignment, and it is gone once the opinion is in."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from oneseal.experts import rules
from oneseal.experts.models import Draw, ExpertReview


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def experts(make_expert):
    out = []
    for i in range(4):
        user = get_user_model().objects.create_user(username=f"x{i}", password=f"pw-x{i}")
        out.append(make_expert(f"专家{i}", user=user))
    return out


def open_body(**changes):
    return {
        "field": "food",
        "experts_needed": 2,
        "subject": "冷库布局评审",
        "on": "2025-09-29",
        "ends_on": "2025-10-10",
        **changes,
    }


def test_staff_open_a_review_and_read_the_reproducible_record(case, reviewer, experts):
    url = f"/api/v1/cases/{case.pk}/expert-reviews"
    bad = api(reviewer).post(url, open_body(field="nope"), format="json")
    assert bad.status_code == 400 and "field" in bad.json()["fields"]
    bad = api(reviewer).post(url, open_body(ends_on="10/10/2025"), format="json")
    assert bad.status_code == 400 and "ends_on" in bad.json()["fields"]
    made = api(reviewer).post(url, open_body(), format="json")
    assert made.status_code == 201, made.json()
    draw = made.json()["draws"][0]
    assert draw["pool_size"] == 4 and len(draw["eligible"]) == 4 and draw["reproduces"]
    assert rules.draw(draw["seed"], draw["eligible"], 2) == draw["drawn"]
    listed = api(reviewer).get(url).json()
    assert [r["id"] for r in listed] == [made.json()["id"]]


def test_others_get_nothing(case, reviewer, far_staff, applicant_user, experts, food):
    url = f"/api/v1/cases/{case.pk}/expert-reviews"
    api(reviewer).post(url, open_body(), format="json")
    review = ExpertReview.objects.get()
    assert api().get(url).status_code in (401, 403)
    assert api(far_staff).get(url).status_code == 404
    assert api(applicant_user).get(url).status_code == 404
    assert api(experts[0].user).get(url).status_code == 404
    assert (
        api(far_staff)
        .post(
            f"/api/v1/expert-reviews/{review.pk}/conclude",
            {"conclusion": "同意", "on": "2025-10-10"},
            format="json",
        )
        .status_code
        == 404
    )
    assert api(applicant_user).get("/api/v1/experts").status_code == 403
    assert api(far_staff).get(f"/api/v1/experts/{experts[0].pk}").status_code == 404


def test_an_override_without_a_reason_is_refused(case, reviewer, experts):
    made = (
        api(reviewer)
        .post(f"/api/v1/cases/{case.pk}/expert-reviews", open_body(), format="json")
        .json()
    )
    assignment = made["assignments"][0]["id"]
    refused = api(reviewer).post(
        f"/api/v1/expert-assignments/{assignment}/remove", {"reason": ""}, format="json"
    )
    assert refused.status_code == 400 and "reason" in refused.json()["fields"]
    done = api(reviewer).post(
        f"/api/v1/expert-assignments/{assignment}/remove", {"reason": "联系不上"}, format="json"
    )
    assert done.status_code == 200
    assert Draw.objects.filter(override=True, reason__contains="联系不上").exists()


def test_the_expert_answers_through_the_api_and_loses_sight_after_the_opinion(
    case, reviewer, experts
):
    made = (
        api(reviewer)
        .post(f"/api/v1/cases/{case.pk}/expert-reviews", open_body(), format="json")
        .json()
    )
    drawn = {a["expert"]: a["id"] for a in made["assignments"]}
    expert = next(e for e in experts if e.pk in drawn)
    outsider = next(e for e in experts if e.pk not in drawn)
    pk = drawn[expert.pk]
    mine = api(expert.user).get("/api/v1/experts/me/assignments").json()
    assert [a["id"] for a in mine] == [pk] and mine[0]["subject"] == "冷库布局评审"
    assert api(outsider.user).get(f"/api/v1/expert-assignments/{pk}").status_code == 404
    assert api(outsider.user).post(f"/api/v1/expert-assignments/{pk}/accept").status_code == 404
    assert api(reviewer).post(f"/api/v1/expert-assignments/{pk}/accept").status_code == 404
    assert api(reviewer).get("/api/v1/experts/me/assignments").status_code == 403
    assert api(expert.user).post(f"/api/v1/expert-assignments/{pk}/accept").status_code == 200
    bad = api(expert.user).post(
        f"/api/v1/expert-assignments/{pk}/opinion",
        {"opinion": "x", "score": 101, "conclusion": "agree"},
        format="json",
    )
    assert bad.status_code == 400 and "score" in bad.json()["fields"]
    ok = api(expert.user).post(
        f"/api/v1/expert-assignments/{pk}/opinion",
        {"opinion": "布局合理", "score": 92, "conclusion": "agree"},
        format="json",
    )
    assert ok.status_code == 204
    assert api(expert.user).get(f"/api/v1/expert-assignments/{pk}").status_code == 404
    assert api(expert.user).get("/api/v1/experts/me/assignments").json() == []
    # Staff see the opinion on the case's record.
    review = api(reviewer).get(f"/api/v1/cases/{case.pk}/expert-reviews").json()[0]
    opinion = next(a for a in review["assignments"] if a["id"] == pk)
    assert (opinion["opinion"], opinion["score"]) == ("布局合理", 92)


def test_a_decline_through_the_api_draws_a_replacement(case, reviewer, experts):
    made = (
        api(reviewer)
        .post(f"/api/v1/cases/{case.pk}/expert-reviews", open_body(), format="json")
        .json()
    )
    first = made["assignments"][0]
    expert = next(e for e in experts if e.pk == first["expert"])
    url = f"/api/v1/expert-assignments/{first['id']}/decline"
    assert api(expert.user).post(url, {"reason": ""}, format="json").status_code == 400
    assert api(expert.user).post(url, {"reason": "出差"}, format="json").status_code == 204
    review = api(reviewer).get(f"/api/v1/cases/{case.pk}/expert-reviews").json()[0]
    assert [d["kind"] for d in review["draws"]] == ["initial", "replacement"]
    assert len([a for a in review["assignments"] if a["state"] == "invited"]) == 2


def test_staff_register_an_expert_and_bad_input_names_the_field(reviewer, food):
    bad = api(reviewer).post(
        "/api/v1/experts",
        {
            "name": "李专家",
            "id_number": "123",
            "field_codes": ["food", "nope"],
            "title": "教授",
            "employer_name": "宁夏大学",
            "phone": "1",
        },
        format="json",
    )
    assert bad.status_code == 400 and "field_codes" in bad.json()["fields"]
    made = api(reviewer).post(
        "/api/v1/experts",
        {
            "name": "李专家",
            "id_number": "640221197001010010",
            "field_codes": ["food"],
            "title": "教授",
            "employer_name": "宁夏大学",
            "phone": "1",
        },
        format="json",
    )
    assert made.status_code == 201 and made.json()["field_codes"] == ["food"]
    pk = made.json()["id"]
    assert (
        api(reviewer)
        .post(f"/api/v1/experts/{pk}/suspend", {"reason": ""}, format="json")
        .status_code
        == 400
    )
    suspended = api(reviewer).post(
        f"/api/v1/experts/{pk}/suspend", {"reason": "违规"}, format="json"
    )
    assert suspended.json()["status"] == "suspended"
