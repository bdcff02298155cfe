"""E-supervision lists every override of a draw with its reason, in the overseer's region
only; the random draws themselves are not listed."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from oneseal.experts import actions
from oneseal.organisation.models import Role
from oneseal.testing import day


@pytest.fixture
def overridden(case, reviewer, make_expert, food):
    make_expert("抽中专家")
    make_expert("候补专家")
    review = actions.open_review(
        case,
        actor=reviewer,
        field=food,
        experts_needed=1,
        subject="评审",
        ends_on=day("2025-10-10"),
        on=day("2025-09-29"),
    )
    removed = review.assignments.get()
    actions.remove_expert(removed, actor=reviewer, reason="专家电话停机")
    review.removed_name = removed.expert.name
    return review


def test_the_overseer_sees_the_override_with_its_reason(
    client, overridden, make_staff, county, other_county
):
    overseer = make_staff("watch", county, Role.OVERSEER)
    client.force_login(overseer)
    url = reverse("esupervision:expert-overrides")
    page = client.get(url).content.decode()
    assert "专家电话停机" in page and overridden.case.number in page
    dashboard = client.get(reverse("esupervision:dashboard")).content.decode()
    assert 'id="expert-overrides"' in dashboard
    xlsx = client.get(url + "?format=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd")
    api = APIClient()
    api.force_authenticate(overseer)
    rows = api.get("/api/v1/esupervision/expert-overrides").json()["results"]
    assert [r["reason"] for r in rows] == [f"撤换专家{overridden.removed_name}：专家电话停机"]
    # Another county's overseer sees none of it; a reviewer is not an overseer.
    far = make_staff("farwatch", other_county, Role.OVERSEER)
    client.force_login(far)
    assert "专家电话停机" not in client.get(url).content.decode()
    api.force_authenticate(far)
    assert api.get("/api/v1/esupervision/expert-overrides").json()["results"] == []


def test_a_reviewer_cannot_read_the_list(client, overridden, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("esupervision:expert-overrides")).status_code == 403


def test_a_hand_picked_expert_needs_a_reason_on_the_page_and_the_api_and_is_listed(
    client, case, reviewer, make_expert, food, building, make_staff, county
):
    drawn = make_expert("抽中专家")
    chosen = make_expert("冷链专家", fields=[building])
    review = actions.open_review(
        case,
        actor=reviewer,
        field=food,
        experts_needed=1,
        subject="评审",
        ends_on=day("2025-10-10"),
        on=day("2025-09-29"),
    )
    actions.remove_expert(review.assignments.get(expert=drawn), actor=reviewer, reason="回避")
    client.force_login(reviewer)
    page = reverse("experts:case-act", args=[case.pk, "appoint"])
    refused = client.post(page, {"review": review.pk, "appoint-expert": chosen.pk})
    assert refused.status_code == 400
    assert not review.assignments.filter(expert=chosen).exists()
    api = APIClient()
    api.force_authenticate(reviewer)
    url = f"/api/v1/expert-reviews/{review.pk}/appoint"
    for reason in ("", "长" * 300):
        answer = api.post(url, {"expert": chosen.pk, "reason": reason}, format="json")
        assert answer.status_code == 400 and "reason" in answer.json()["fields"]
    assert not review.assignments.filter(expert=chosen).exists()
    done = api.post(url, {"expert": chosen.pk, "reason": "本县仅此一名冷链专家"}, format="json")
    assert done.status_code == 200
    appointment = [d for d in done.json()["draws"] if d["kind"] == "appointment"]
    assert [(d["override"], d["reason"]) for d in appointment] == [
        (True, "指定专家冷链专家：本县仅此一名冷链专家")
    ]
    # The case page marks the seat as an override; e-supervision lists who and why.
    case_page = client.get(reverse("experts:case", args=[case.pk])).content.decode()
    assert "指定专家冷链专家：本县仅此一名冷链专家" in case_page and "人工干预" in case_page
    overseer = make_staff("watch", county, Role.OVERSEER)
    client.force_login(overseer)
    listed = client.get(reverse("esupervision:expert-overrides")).content.decode()
    assert "指定专家冷链专家：本县仅此一名冷链专家" in listed and "撤换专家抽中专家：回避" in listed
    api.force_authenticate(overseer)
    rows = api.get("/api/v1/esupervision/expert-overrides").json()["results"]
    assert [(r["kind"], r["drawn"]) for r in rows][0] == ("appointment", [chosen.pk])
