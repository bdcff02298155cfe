"""The lead section's desk on a phone, in Chromium: the stage, its clock and its cases fit the
390 px screen. The browser fixtures (`phone`, `screenshot`) are the shared ones of
oneseal/conftest.py."""

import pytest
from django.test import Client

from oneseal.projects import stages
from oneseal.projects.models import Stage
from oneseal.testing.projects import published_item, stage_template

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_desk_fits_a_phone(
    project,
    catalogue,
    admin_user,
    department,
    section,
    clerk,
    reviewer,
    phone,
    screenshot,
    live_server,
):
    items = [
        published_item(catalogue, admin_user, department, code="640221-XK-201", name="施工许可"),
    ]
    template = stage_template(
        catalogue,
        admin_user,
        section,
        items,
        stage=Stage.CONSTRUCTION_PERMIT,
        limit_days=10,
        kinds=["enterprise"],
        project_limits={"enterprise": 90},
    )
    stages.apply_for_stage(project, template, actor=clerk)
    client = Client()
    client.force_login(reviewer)
    phone.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    phone.goto("/projects/desk/")
    assert "平罗县物流仓储中心" in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "stage-desk-phone")
