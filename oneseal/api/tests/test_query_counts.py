"""A page or list makes the same number of queries whatever the catalogue's size."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from oneseal.catalogue import actions
from oneseal.catalogue.models import HandlingItem, Material, ReviewStep, SpecialProcedure

D1 = datetime.date(2025, 1, 1)


@pytest.fixture
def grow_catalogue(complete_draft, admin_user):
    """Publish items XK-<start>… up to `count` in all, each with two handling items."""
    made = []

    def grow(count):
        while len(made) < count:
            n = len(made)
            v = complete_draft(f"XK-{n:03}", f"许可事项{n:03}")
            hi = actions.save_draft_part(
                HandlingItem(
                    item_version=v,
                    code=f"XK-{n:03}-02",
                    name="变更",
                    statutory_limit_days=20,
                    promised_limit_days=5,
                    complaint_phone="12345",
                ),
                actor=admin_user,
            )
            actions.save_draft_part(Material(handling_item=hi, name="变更申请书"), actor=admin_user)
            made.append(actions.publish(v, actor=admin_user, effective_from=D1))
        return made

    return grow


def queries_for(url, params=None) -> tuple[int, dict]:
    client = APIClient()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), response.json()


def test_the_item_list_makes_as_many_queries_for_fifty_items_as_for_five(
    grow_catalogue, django_assert_max_num_queries
):
    grow_catalogue(5)
    few, body = queries_for("/api/v1/items", {"region": "640221"})
    assert body["count"] == 5 and all(len(row["handling_items"]) == 2 for row in body["results"])
    grow_catalogue(50)
    many, body = queries_for("/api/v1/items", {"region": "640221"})
    assert body["count"] == 50 and len(body["results"]) == 50
    assert many == few
    with django_assert_max_num_queries(6):
        APIClient().get(
            "/api/v1/items", {"region": "640221", "applicant_type": "person", "q": "许可"}
        )


def test_the_item_detail_makes_as_many_queries_for_thirty_handling_items_as_for_one(
    catalogue, admin_user, complete_draft
):
    small = actions.publish(complete_draft("SMALL", "小事项"), actor=admin_user, effective_from=D1)
    few, _ = queries_for(f"/api/v1/items/{small.pk}")
    big = complete_draft("BIG", "大事项")
    for n in range(2, 31):
        hi = actions.save_draft_part(
            HandlingItem(
                item_version=big,
                code=f"BIG-{n}",
                name=f"办理项{n}",
                statutory_limit_days=20,
                promised_limit_days=5,
                complaint_phone="12345",
            ),
            actor=admin_user,
        )
        actions.save_draft_part(Material(handling_item=hi, name="申请书"), actor=admin_user)
    big = actions.publish(big, actor=admin_user, effective_from=D1)
    many, body = queries_for(f"/api/v1/items/{big.pk}")
    assert len(body["handling_items"]) == 30
    assert many == few


def test_item_history_makes_as_many_queries_for_eight_versions_as_for_one(
    complete_draft, admin_user
):
    v = actions.publish(complete_draft("H1", "历史事项"), actor=admin_user, effective_from=D1)
    few, body = queries_for(f"/api/v1/items/{v.pk}/history")
    assert body["count"] == 1
    for n in range(1, 8):
        draft = actions.start_adjustment(
            v.item, actor=admin_user, kind="change", reason=f"第{n}次调整", basis="文件"
        )
        v = actions.publish(draft, actor=admin_user, effective_from=D1 + datetime.timedelta(days=n))
    many, body = queries_for(f"/api/v1/items/{v.pk}/history")
    assert body["count"] == 8
    assert many == few


def test_the_service_guide_makes_as_many_queries_for_fifty_materials_as_for_five(
    complete_draft, admin_user
):
    def guide_with(n):
        v = complete_draft(f"G-{n}", f"指南{n}")
        hi = v.handling_items.get()
        for i in range(2, n + 1):
            actions.save_draft_part(
                Material(handling_item=hi, name=f"材料{i}", order=i), actor=admin_user
            )
            actions.save_draft_part(
                ReviewStep(handling_item=hi, name=f"环节{i}", order=i), actor=admin_user
            )
            actions.save_draft_part(
                SpecialProcedure(handling_item=hi, kind="expert_review", limit_days=i),
                actor=admin_user,
            )
        actions.publish(v, actor=admin_user, effective_from=D1)
        return hi

    few, body = queries_for(f"/api/v1/handling-items/{guide_with(5).pk}")
    assert len(body["materials"]) == 5 and len(body["review_steps"]) == 4
    many, body = queries_for(f"/api/v1/handling-items/{guide_with(50).pk}")
    assert len(body["materials"]) == 50 and len(body["special_procedures"]) == 49
    assert many == few <= 5
