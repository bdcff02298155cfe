"""Tables on a phone (375 × 740): no page is wider than the screen, and every table lies
within its frame — a list is drawn as cards, each value beside its heading (`table.stacked`,
site.css). The one exception is the statistics matrix, whose columns are compared across
rows: it scrolls inside its own frame, which says so above it, and the page stays put. On a
desktop window narrower than the matrix it scrolls too, and says so whenever, and only when,
its frame overflows.

Each page is visited as each role that sees it — the clerk and the leader (签批领导) the
workbench's case page, the leader statistics and the reform measures, the catalogue
administrator the reform baselines, the applicant their licences — and measured from the
laid-out boxes, not from a picture."""

import re

import pytest
from django.test import Client

from oneseal.cases import actions
from oneseal.esupervision import actions as esupervision_actions
from oneseal.esupervision import jobs
from oneseal.testing import accepted_case, day, reviewed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 375, 740

# Every visible table: how far right it and its cells reach, its frame's edges, whether the
# frame scrolls, and whether a visible hint says so just above it.
TABLES = """() => Array.from(document.querySelectorAll("table")).filter(t => t.offsetParent !== null)
  .map(t => {
    const frame = t.closest(".table-wrap") || t.parentElement;
    const f = frame.getBoundingClientRect();
    // A card list's headings are there for screen readers only (clipped to nothing).
    const cells = [t, ...t.querySelectorAll("tbody tr, tbody th, tbody td, tfoot th, tfoot td")]
      .map(c => c.getBoundingClientRect()).filter(r => r.width);
    const hint = frame.previousElementSibling;
    return {
      table: t.id || t.className || t.querySelector("caption")?.textContent || "table",
      right: Math.max(...cells.map(r => r.right)),
      frameLeft: f.left, frameRight: f.right,
      scrolls: frame.scrollWidth > frame.clientWidth + 1,
      hinted: !!hint && hint.classList.contains("scroll-hint") && hint.offsetParent !== null
        && hint.getBoundingClientRect().height > 0 && getComputedStyle(hint).visibility === "visible",
    };
  })"""

# Whatever is drawn past the screen's right edge (innermost elements), outside the matrix's
# own scrolling frame and the headings kept for screen readers only.
PAST_THE_EDGE = """(width) => Array.from(document.querySelectorAll("body *"))
  .filter(el => el.children.length === 0 && el.getBoundingClientRect().right > width + 1)
  .filter(el => !el.closest(".table-wrap.matrix, table.stacked thead, .visually-hidden"))
  .slice(0, 4).map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + " " +
    (el.textContent || "").trim().slice(0, 20))"""


@pytest.fixture
def granted_case(
    item, own_applicant, clerk, reviewer, second_reviewer, signatory, admin_user, bureau, seal
):
    """A licence granted to the applicant who has an online account: the case page then shows
    its steps, documents, events, clocks and e-licence, and /my/licences/ the licence."""
    bureau.credit_code = "11640221MB0000001X"  # an e-licence needs the issuer's code
    bureau.save(update_fields=["credit_code"])
    case = reviewed(
        accepted_case(item, own_applicant, clerk, "2025-03-03"),
        reviewer,
        second_reviewer,
        "2025-03-04",
    )
    actions.grant(
        case,
        actor=signatory,
        on=day("2025-03-05"),
        scope="预包装食品（含冷藏冷冻食品）销售；散装食品（含冷藏冷冻食品）销售",
        valid_from=day("2025-03-05"),
        valid_until=day("2030-03-04"),
    )
    case.refresh_from_db()
    jobs.rollup(day("2025-03-31"))
    esupervision_actions.set_baseline(
        item.item_version.item, actor=admin_user, materials=9, steps=5, days=20, source="2016年目录"
    )
    return case


def _measure(browser, live_server, user, urls: list[str], screenshot, name: str) -> list[str]:
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        locale="zh-CN",
        base_url=live_server.url,
        viewport={"width": WIDTH, "height": HEIGHT},
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(30_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    problems: list[str] = []
    try:
        for url in urls:
            response = page.goto(url)
            assert response is not None and response.status == 200, (name, url, response)
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > WIDTH:
                problems.append(f"{name} {url}: the page is {wide} px wide")
            past = page.evaluate(PAST_THE_EDGE, WIDTH)
            if past:
                problems.append(f"{name} {url}: drawn past the screen's edge: {past}")
            tables = page.evaluate(TABLES)
            if not tables:
                problems.append(f"{name} {url}: no table shown")
            for t in tables:
                if t["frameLeft"] < 0 or t["frameRight"] > WIDTH + 0.5:
                    problems.append(
                        f"{name} {url}: the frame of {t['table']} leaves the screen: {t}"
                    )
                if t["scrolls"] and not t["hinted"]:
                    problems.append(f"{name} {url}: {t['table']} scrolls sideways: {t}")
                if not t["scrolls"] and t["right"] > t["frameRight"] + 0.5:
                    problems.append(f"{name} {url}: {t['table']} reaches past its frame: {t}")
            screenshot(page, f"phone-tables-{name}-{re.sub(r'[^a-z0-9]+', '-', url).strip('-')}")
    finally:
        context.close()
    return problems


def test_on_a_phone_no_table_scrolls_sideways_for_any_role(
    browser, live_server, screenshot, granted_case, clerk, signatory, admin_user, own_applicant
):
    case_page = f"/workbench/cases/{granted_case.pk}/"
    statistics = "/esupervision/statistics/?from=2025-03-01&to=2025-03-31"
    problems = _measure(browser, live_server, clerk, [case_page], screenshot, "clerk")
    problems += _measure(
        browser,
        live_server,
        signatory,
        [
            case_page,
            statistics,
            statistics + "&by=section",
            statistics + "&by=month",
            "/esupervision/reform/",
        ],
        screenshot,
        "leader",
    )
    problems += _measure(
        browser,
        live_server,
        admin_user,
        ["/esupervision/reform/baselines/"],
        screenshot,
        "catalogue-admin",
    )
    problems += _measure(
        browser, live_server, own_applicant.user, ["/my/licences/"], screenshot, "applicant"
    )
    assert not problems, "\n".join(problems)


def _matrix_at(
    browser, live_server, user, url: str, width: int, screenshot, *, wider: int = 0
) -> tuple[bool, bool]:
    """Whether the statistics matrix's frame scrolls and whether its hint shows (TABLES), in a
    desktop window `width` px wide; `wider`: the matrix made that many px wide, as a bureau's
    long department names and large figures make it."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        locale="zh-CN", base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    context.set_default_timeout(30_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    try:
        response = page.goto(url)
        assert response is not None and response.status == 200, (url, response)
        if wider:
            page.evaluate(
                "(w) => { document.querySelector('table.esup.matrix').style.minWidth = w + 'px'; }",
                wider,
            )
            # Two frames: the style laid out, the frame's scroll timeline updated.
            page.evaluate(
                "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
            )
        (matrix,) = [t for t in page.evaluate(TABLES) if "matrix" in t["table"]]
        screenshot(page, f"matrix-hint-{width}-{wider}")
    finally:
        context.close()
    return matrix["scrolls"], matrix["hinted"]


def test_the_matrix_says_it_scrolls_whenever_it_does_at_any_width(
    browser, live_server, screenshot, granted_case, signatory
):
    """Between the phone and the width where every column fits the matrix scrolls too: its
    hint shows whenever the frame overflows, whatever the window's width, and never when it
    does not (a matrix that fits a 900 px window says nothing)."""
    statistics = "/esupervision/statistics/?from=2025-03-01&to=2025-03-31"

    def at(width, wider=0):
        return _matrix_at(
            browser, live_server, signatory, statistics, width, screenshot, wider=wider
        )

    assert at(900) == (False, False)  # this bureau's one department fits
    assert at(900, wider=1100) == (True, True)
    assert at(1000, wider=1100) == (True, True)
    assert at(375) == (True, True)  # a phone, as test_on_a_phone_… sees it
