"""Every main page of every role passes axe-core with no serious or critical violation, on a
phone (390 px) and an office screen (1,366 px), and none scrolls sideways at either width.

axe-core is vendored for the tests only (oneseal/testing/vendor/axe-core, MPL-2.0, see
docs/dependencies.md): injected into the page by Playwright, never served to users. One test
per role, each visiting all of its pages at both widths in one browser context, and reporting
every page's problems at once (a single run shows all there is to fix). Screenshots of each
page and width go to var/screenshots/a11y-<page>-<width>.png."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

import oneseal.testing
from oneseal.cases import actions
from oneseal.catalogue.models import OnlineDepth
from oneseal.organisation.models import Role
from oneseal.testing import accepted_case, online_files

AXE = Path(oneseal.testing.__file__).parent / "vendor" / "axe-core" / "axe.min.js"
SIZES = {390: 844, 1366: 768}

# The violations of the impacts the issue forbids, with the first few elements of each.
# The elements that reach past the right edge, innermost first: what to fix when a page scrolls.
OVERFLOWING = """(width) => Array.from(document.querySelectorAll("body *"))
  .filter((el) => el.getBoundingClientRect().right > width + 1 && el.children.length === 0)
  .slice(0, 4)
  .map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : ""))
"""

RUN_AXE = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ` +
      v.nodes.slice(0, 4).map((n) => n.target.join(" ")).join(" | "));
}"""


def _context(browser, live_server, user=None):
    # bypass_csp: Playwright injects axe as a script element of the page, which the
    # Content-Security-Policy (script-src 'self') would block; the other browser tests keep
    # checking the policy itself.
    context = browser.new_context(locale="zh-CN", base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(30_000)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
    return context


def _audit(browser, live_server, user, pages: dict[str, str], screenshot) -> None:
    context = _context(browser, live_server, user)
    page = context.new_page()
    problems: list[str] = []
    try:
        for name, url in pages.items():
            for width, height in SIZES.items():
                page.set_viewport_size({"width": width, "height": height})
                response = page.goto(url)
                assert response is not None and response.status == 200, (url, response)
                page.add_script_tag(path=str(AXE))
                problems += [f"{name} @{width}: {v}" for v in page.evaluate(RUN_AXE)]
                wide = page.evaluate("document.documentElement.scrollWidth")
                if wide > width:
                    wider = page.evaluate(OVERFLOWING, width)
                    problems.append(f"{name} @{width}: scrolls sideways ({wide} px): {wider}")
                screenshot(page, f"a11y-{name}-{width}")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def online_item(make_item):
    return make_item(keywords="开饭店", online_depth=OnlineDepth.FULL, visits_required=0)


def test_the_citizens_pages_pass_axe(browser, live_server, screenshot, online_item, own_applicant):
    case = actions.apply_online(
        online_item,
        actor=own_applicant.user,
        applicant=own_applicant,
        files=online_files(online_item, own_applicant),
    )
    _audit(
        browser,
        live_server,
        own_applicant.user,
        {
            "portal-home": "/",
            "guide": f"/guide/{online_item.pk}/",
            "search": "/search/?q=开饭店",
            "apply": f"/apply/{online_item.pk}/",
            "my-cases": "/my/cases/",
            "my-case": f"/my/cases/{case.pk}/",
        },
        screenshot,
    )


def test_the_sign_in_pages_pass_axe(browser, live_server, screenshot, db):
    _audit(
        browser,
        live_server,
        None,
        {"signin": "/account/signin/", "staff-login": "/accounts/login/"},
        screenshot,
    )


def test_the_window_pages_pass_axe(
    browser, live_server, screenshot, handling_item, applicant, clerk
):
    received = actions.receive(handling_item, actor=clerk, applicant=applicant)
    accepted = accepted_case(handling_item, applicant, clerk, "2025-03-03")
    _audit(
        browser,
        live_server,
        clerk,
        {
            "workbench-queue": "/workbench/",
            "intake": "/workbench/intake/",
            "intake-case": f"/workbench/intake/{received.pk}/",
            "case-page": f"/workbench/cases/{accepted.pk}/",
        },
        screenshot,
    )


def test_the_oversight_and_department_pages_pass_axe(
    browser, live_server, screenshot, make_staff, county, supervisor
):
    overseer = make_staff("overseer", county, Role.OVERSEER, display_name="刘督查")
    _audit(
        browser,
        live_server,
        overseer,
        {
            "esupervision": "/esupervision/",
            "esupervision-statistics": "/esupervision/statistics/",
        },
        screenshot,
    )
    _audit(browser, live_server, supervisor, {"department-inbox": "/linkage/inbox/"}, screenshot)
