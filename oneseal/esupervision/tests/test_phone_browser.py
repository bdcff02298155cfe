"""E-supervision on a phone (390 px): the statistics chart's turned month labels stay inside
the chart, and the warning and rule-hit lists are read without scrolling sideways (each row a
card). Measured from the laid-out boxes (ECharts' own for the labels), not from a picture."""

import pytest
from django.test import Client

from oneseal.cases import actions
from oneseal.organisation.models import Role
from oneseal.testing import accepted_case, day

from .conftest import rollup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every text the chart draws below its grid (the category axis's labels), as laid out.
AXIS_LABELS = """(chart) => {
  const box = document.querySelector(`[data-chart="${chart}"]`);
  const inst = echarts.getInstanceByDom(box);
  const grid = inst.getModel().getComponent("grid").coordinateSystem.getRect();
  const out = [];
  inst.getZr().storage.getDisplayList(true).forEach(el => {
    if (!el.style || typeof el.style.text !== "string" || !el.style.text) return;
    const r = el.getBoundingRect().clone();
    r.applyTransform(el.getComputedTransform());
    if (r.y < grid.y + grid.height) return;
    out.push({text: el.style.text, left: r.x, right: r.x + r.width, bottom: r.y + r.height});
  });
  return {width: box.clientWidth, height: box.clientHeight, labels: out};
}"""

# Each table frame on the page: whether its content is wider than the frame.
SIDEWAYS = """() => Array.from(document.querySelectorAll(".table-wrap")).map(w => ({
  scrolls: w.scrollWidth > w.clientWidth + 1,
  right: Math.max(...Array.from(w.querySelectorAll("th, td")).map(c => {
    const r = c.getBoundingClientRect(); return r.width ? r.right : 0;
  })),
}))"""


@pytest.fixture
def seven_months(item, applicant, clerk, make_staff, county, bureau, section):
    """A case accepted in each of seven months (seven month labels, too many to lie flat on a
    phone), the first long past its statutory limit and suspended three times (a rule hit)."""
    reviewer = make_staff("suspender", county, Role.REVIEWER, bureau=bureau, section=section)
    first = None
    for month in range(1, 8):
        case = accepted_case(item, applicant, clerk, f"2025-{month:02d}-07")
        first = first or case
    for n in range(3):
        on = day(f"2025-01-{8 + n:02d}")
        actions.suspend(
            first, actor=reviewer, kind="testing", reason="检测", expected_days=1, on=on
        )
        actions.resume(first, actor=reviewer, on=on)
    rollup("2025-07-31")
    return first


def test_on_a_phone_labels_stay_in_the_chart_and_lists_do_not_scroll_sideways(
    overseer, seven_months, phone, live_server
):
    client = Client()
    client.force_login(overseer)
    phone.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    phone.goto("/esupervision/statistics/?by=month&from=2025-01-01&to=2025-07-31")
    phone.wait_for_selector('[data-chart="statistics-chart"][data-ready] canvas')
    found = phone.evaluate(AXIS_LABELS, "statistics-chart")
    months = [lab for lab in found["labels"] if "2025" in lab["text"]]
    assert len(months) == 7, found
    for label in months:
        assert label["left"] >= 0 and label["right"] <= found["width"], (label, found["width"])
        assert label["bottom"] <= found["height"], (label, found["height"])

    for url in ("/esupervision/", "/esupervision/warnings/statutory/", "/esupervision/hits/"):
        phone.goto(url)
        phone.wait_for_selector("table.esup tbody tr")
        frames = phone.evaluate(SIDEWAYS)
        assert frames and all(not f["scrolls"] and f["right"] <= 390 for f in frames), (url, frames)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, url
        if url != "/esupervision/":  # a list: the case is there
            assert seven_months.number in phone.locator("table.esup tbody").first.inner_text()

    # An empty list drawn as cards still says it is empty.
    phone.goto("/esupervision/overdue/delivery/")
    assert phone.get_by_text("没有记录。").is_visible()
