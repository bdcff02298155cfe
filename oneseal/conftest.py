"""Shared fixtures: a real slice of the region table, a bureau with departments, and staff
with roles. States are reached through real actions, not raw rows. The browser fixtures at the
end start Chromium only for the tests that ask for it."""

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from oneseal.regions.models import Region
from oneseal.testing import builders
from oneseal.testing.scheduling import SLOW, LongestFirst

# The case fixtures (clerk, reviewer, signatory, applicant, item …) every app's tests share.
pytest_plugins = ["oneseal.testing.fixtures"]
if os.environ.get("ONESEAL_TEST_TIMING"):
    pytest_plugins.append("oneseal.testing.timing")


def pytest_configure(config):
    from oneseal.testing.flushing import delete_instead_of_truncate

    delete_instead_of_truncate()
    database = django_settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        # The test database is dropped after the run: a commit need not wait for its WAL to
        # reach the disk. Each migration creating it commits, and so does each statement of a
        # transactional test (the browser and concurrency tests, the flushes after them).
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 is slow by design; tests create many accounts and never need that strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _shared_counts(request):
    # Lockouts and throttles count in the database cache (settings.CACHES). A test that commits
    # (live server, transactional_db) would leave its counts to the next test: the flush after it
    # empties the models' tables, not the cache table. A test without the database has none.
    names = request.fixturenames
    transactional = "transactional_db" in names or "live_server" in names
    marker = request.node.get_closest_marker("django_db")
    if not (transactional or "db" in names or marker):
        yield
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_calendar():
    # Each test's database is rolled back; the process-wide calendar must not outlive it.
    from oneseal.calendars.queries import invalidate

    invalidate()
    yield
    invalidate()


@pytest.fixture(autouse=True)
def _default_language():
    # A request through the LocaleMiddleware to an /en/ page leaves English active on the test
    # thread; every test after it starts in the default language, as a fresh request would.
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def regions(db):
    return builders.regions()


@pytest.fixture
def county(regions):
    return Region.objects.get(code=builders.COUNTY)


@pytest.fixture
def other_county(regions):
    return Region.objects.get(code=builders.OTHER_COUNTY)


@pytest.fixture
def bureau(county):
    return builders.bureau(county)


@pytest.fixture
def department(county):
    return builders.department(county)


@pytest.fixture
def catalogue(county, bureau):
    return builders.catalogue(county, bureau)


@pytest.fixture
def make_staff(db):
    return builders.make_staff


@pytest.fixture
def admin_user(make_staff, county):
    return builders.admin_user(county)


@pytest.fixture
def complete_draft(catalogue, admin_user, department):
    """A draft version 1 whose guide is complete enough to publish."""

    def make(basic_code="640221-XK-001", name="食品经营许可", **fields):
        return builders.complete_draft(
            catalogue, admin_user, department, basic_code=basic_code, name=name, **fields
        )

    return make


@pytest.fixture
def day():
    return datetime.date(2025, 3, 3)


# --- browser tests ------------------------------------------------------------------------
# Playwright drives Debian's Chromium (scripts/chromium.sh installs it; `make test` passes its
# path in CHROMIUM; Playwright never downloads a browser) against pytest-django's live server.
# One sync Playwright may run per process, so the browser is one per session, started by the
# first test that asks for it. Screenshots go to var/screenshots/ (named in the README).

SCREENSHOTS = Path(django_settings.VAR_DIR) / "screenshots"
# Without these, Chromium keeps trying to reach Google's hosts, which this network refuses.
CHROMIUM_ARGS = [
    "--headless=new",
    "--lang=zh-CN",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


# How long an action or a wait may take before the test fails (Playwright's default is 30 s).
BROWSER_TIMEOUT_MS = 30_000


def chromium_path() -> str | None:
    path = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    return path if Path(path).is_file() else None


def _our_shared_fixtures(item) -> list:
    """The fixtures of ours the test uses that are built once per module, class or package (a
    demo build, a parsed source tree …); pytest-django's own class-scoped autouse fixture does
    not count."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return []
    return [
        defs[-1]
        for defs in info.name2fixturedefs.values()
        if defs
        and defs[-1].scope in ("class", "module", "package")
        and defs[-1].func.__module__.startswith("oneseal.")
    ]


def _package_states(item) -> set[str]:
    """The directories whose conftest gives the test a package-scoped fixture of ours that
    holds database state (the demo county of oneseal/demo/tests). An autouse one (a scratch
    media directory) holds none and does not count."""
    return {
        fixture.baseid
        for fixture in _our_shared_fixtures(item)
        if fixture.scope == "package" and not getattr(fixture, "_autouse", False)
    }


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # A package-scoped fixture with database state (the demo county) lives from the package's
    # first test that asks for it to the package's last test: the package's other tests run
    # first, so none of them sees it (a test of load-demo's refusal needs an empty database).
    packages = set().union(*(_package_states(item) for item in items))
    for package in packages:
        inside = [i for i, item in enumerate(items) if item.nodeid.startswith(package + "/")]
        ordered = sorted(
            (items[i] for i in inside), key=lambda item: package in _package_states(item)
        )
        for i, item in zip(inside, ordered, strict=True):
            items[i] = item
    for item in items:
        # Before `-m "not browser"` deselects: every test that drives the browser carries the mark.
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        if _uses_no_database(item):
            item.add_marker(pytest.mark.no_database)
        # With `--dist loadgroup` (pyproject's addopts) xdist sends a group to one worker, in
        # order. A module whose tests share a module-scoped fixture is one group, so that
        # fixture is built once (a demo build takes about a minute), not once on each worker
        # that happens to get one of its tests; a package with a package-scoped one (the demo
        # county) is one group, whole, so no other test runs inside it. Every other test is
        # balanced one by one as before.
        package = next((p for p in packages if item.nodeid.startswith(p + "/")), None)
        if package is not None:
            _join_group(config, item, package)
        elif _our_shared_fixtures(item):
            _join_group(config, item, item.nodeid.split("::")[0])
        elif item.get_closest_marker("slow"):
            # A group of one whose name tells the controller to hand it out early
            # (oneseal/testing/scheduling.py). xdist takes a "]" after the "@" for a
            # parameter's, not a group's, so the name has none.
            name = item.nodeid.replace("[", "(").replace("]", ")")
            _join_group(config, item, SLOW + name)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    # The long units of work first, so neither worker ends the run alone on one of them.
    if config.getoption("dist") == "loadgroup":
        return LongestFirst(config, log)
    return None


# pytest-django refuses any query from a test without one of these (or the django_db mark).
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


def _uses_no_database(item) -> bool:
    """A test that cannot reach the database under test: it runs the same whichever backend
    the run is for, so `make test-postgres` leaves it to `make test-sqlite` (-m "not
    no_database"). The tests that start interpreters of their own (the settings, the shared
    lockout counts) give them their own SQLite file, never the run's DATABASE_URL."""
    names = set(getattr(item, "fixturenames", ()))
    return not (names & DATABASE_FIXTURES) and item.get_closest_marker("django_db") is None


def _join_group(config, item, group: str) -> None:
    item.add_marker(pytest.mark.xdist_group(group))
    # xdist 3.8 groups a test by renaming it `<node id>@<group>` on the worker, writing
    # `item._nodeid`; pytest 9 keeps the node id in `item._id`, so that rename is lost, every
    # test became its own group, and each worker built every module's shared fixture (the
    # demo county twice). Renamed here the way xdist means to, when loadgroup is on (a worker).
    if not config.getoption("loadgroup", False) or not hasattr(item, "_id"):
        return
    from _pytest.nodeid import NodeId

    item._id = NodeId.parse(f"{item.nodeid}@{group}")


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: make test installs it with scripts/chromium.sh")
        pytest.skip("Chromium is not installed (scripts/chromium.sh installs it)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in the test thread; the ORM calls the tests
    # make between page actions are still plain synchronous calls. Code that itself calls
    # asyncio.run() (pyHanko signing or validating a PDF) must run in another thread there.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _context(browser, live_server, **options):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url, **options)
    # A ceiling, not a pause: `make test-sqlite` runs Chromium, the live server and the other
    # xdist worker on two cores, and a page that once takes 15 s there is slow, not wrong.
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    # Whatever the Content-Security-Policy blocks (an inline script or style, eval) shows up in
    # the console; every browser test fails on it, so a page the policy breaks cannot pass.
    context.csp_violations = []
    context.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and context.csp_violations.append(message.text)
        ),
    )
    return context


def _closed(context) -> None:
    violations = context.csp_violations
    context.close()
    assert not violations, violations


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context per test (own cookies), Chinese, on a 1366×768 office screen."""
    context = _context(browser, live_server, viewport={"width": 1366, "height": 768})
    yield context.new_page()
    _closed(context)


@pytest.fixture
def phone(browser, live_server):
    """A phone-sized context, as an applicant at home would use."""
    context = _context(
        browser, live_server, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    yield context.new_page()
    _closed(context)


@pytest.fixture
def screenshot():
    """`screenshot(page, name)` saves the whole page to var/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
