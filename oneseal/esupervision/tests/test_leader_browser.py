"""The leader's view in Chromium on an office screen (1,366 px) and a phone (390 px): the
charts are drawn, a click on a bar opens the case list with exactly that bar's cases, and
no statistics table hides columns off-screen. The browser fixtures are oneseal/conftest.py's."""

import pytest
from django.test import Client

from oneseal.calendars.queries import today
from oneseal.cases import actions
from oneseal.esupervision import jobs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The page position of the middle of a bar of a chart, read from ECharts' own layout.
BAR_MIDDLE = """([chart, series, index]) => {
  const box = document.querySelector(`[data-chart="${chart}"]`);
  box.scrollIntoView({block: "center"});
  const data = echarts.getInstanceByDom(box).getModel().getSeriesByIndex(series).getData();
  const bar = data.getItemLayout(index < 0 ? data.count() + index : index);
  const r = box.getBoundingClientRect();
  return {x: r.left + bar.x + bar.width / 2, y: r.top + bar.y + bar.height / 2};
}"""


def sign_in(context_page, user, live_server):
    client = Client()
    client.force_login(user)
    context_page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def click_bar(screen, chart: str, series: int, index: int) -> None:
    point = screen.evaluate(BAR_MIDDLE, [chart, series, index])
    with screen.expect_navigation():
        screen.mouse.click(point["x"], point["y"])


def test_the_leaders_view_draws_its_charts_and_a_bar_opens_its_cases(
    item, applicant, clerk, overseer, page, phone, screenshot, live_server
):
    for _n in range(3):  # three cases received this week
        actions.receive(item, actor=clerk, applicant=applicant)
    jobs.rollup(today())

    for screen, width, name in ((page, 1366, "leader-desktop"), (phone, 390, "leader-phone")):
        sign_in(screen, overseer, live_server)
        screen.goto("/esupervision/leader/")
        screen.wait_for_selector('[data-chart="trend-chart"][data-ready] canvas')
        for chart in ("trend-chart", "warning-chart", "department-chart"):
            assert screen.locator(f'[data-chart="{chart}"] canvas').count() >= 1, chart
        assert screen.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(screen, name)
        click_bar(screen, "trend-chart", 0, -1)  # this week's received bar
        assert "/esupervision/cases/" in screen.url and "measure=received" in screen.url
        assert "共 3 条" in screen.content()
        assert screen.locator("table.esup tbody tr").count() == 3
        screen.go_back()
        screen.wait_for_selector('[data-chart="department-chart"][data-ready] canvas')
        click_bar(screen, "department-chart", 0, 0)
        assert "department=" in screen.url and "共 3 条" in screen.content()

    # Statistics by section (the widest table) and the reform table fit the office screen.
    for url in ("/esupervision/statistics/?by=section", "/esupervision/reform/"):
        page.goto(url)
        wrap = page.locator(".table-wrap").first
        assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth"), url
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    screenshot(page, "statistics-by-section-desktop")
