"""The pages the other browser tests do not open, under the Content-Security-Policy in Chromium:
e-supervision's ECharts charts draw (canvas) and the API docs load, with no violation in the
console (the `page` fixture fails the test on one)."""

import pytest
from django.urls import reverse

from oneseal.e2e.conftest import sign_in_staff
from oneseal.esupervision.tests.conftest import granted, rollup
from oneseal.organisation.models import Role


@pytest.fixture
def overseer(make_staff, county):
    return make_staff("overseer", county, Role.OVERSEER, display_name="刘督查")


def test_the_statistics_chart_draws_under_the_policy(
    page, overseer, item, applicant, clerk, reviewer, second_reviewer, signatory
):
    granted(
        item,
        applicant,
        clerk,
        reviewer,
        second_reviewer,
        signatory,
        accepted="2025-03-03",
        decided="2025-03-06",
    )
    rollup()
    sign_in_staff(page, overseer)
    page.goto(reverse("esupervision:statistics") + "?by=department&from=2025-03-01&to=2025-03-31")
    page.locator("[data-chart] canvas").first.wait_for()
    assert page.locator("[data-chart] canvas").count() >= 1


def test_the_api_docs_load_under_the_policy(page, db):
    page.goto("/api/docs/")
    page.locator(".swagger-ui .info").first.wait_for()
