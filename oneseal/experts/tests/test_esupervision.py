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
