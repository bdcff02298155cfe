"""The dashboard's horizontal charts on a phone (390 px) and an office screen: each category's
label wraps inside its own band, so no two labels overlap (on a phone the long rule names wrap
to three lines, and the box grows to hold them). Read from ECharts' own layout."""

import pytest
from django.test import Client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every line of a category label (left of the grid) with the label it belongs to, and the pairs
# of lines of different labels that overlap.
LABEL_OVERLAPS = """(chart) => {
  const box = document.querySelector(`[data-chart="${chart}"]`);
  const inst = echarts.getInstanceByDom(box);
  const grid = inst.getModel().getComponent("grid").coordinateSystem.getRect();
  const lines = [];
  inst.getZr().storage.getDisplayList(true).forEach(el => {
    if (!el.style || typeof el.style.text !== "string" || !el.style.text) return;
    const r = el.getBoundingRect().clone();
    r.applyTransform(el.getComputedTransform());
    if (r.x + r.width > grid.x + 1) return;
    lines.push({label: el.parent || el, text: el.style.text, y: r.y, h: r.height});
  });
  const overlaps = [];
  lines.forEach((a, i) => lines.slice(i + 1).forEach(b => {
    if (a.label !== b.label && a.y < b.y + b.h - 0.5 && b.y < a.y + a.h - 0.5) {
      overlaps.push([a.text, b.text]);
    }
  }));
  return {lines: lines.length, overlaps};
}"""


def test_no_two_category_labels_overlap(overseer, page, phone, live_server):
    client = Client()
    client.force_login(overseer)
    for screen in (phone, page):
        screen.context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
        screen.goto("/esupervision/")
        for chart in ("warnings-chart", "hits-chart"):
            screen.wait_for_selector(f'[data-chart="{chart}"][data-ready] canvas')
            found = screen.evaluate(LABEL_OVERLAPS, chart)
            assert found["lines"] >= 6 and found["overlaps"] == [], (chart, found)
