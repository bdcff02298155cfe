"""A timeline of the suite, for finding what makes it slow: with ONESEAL_TEST_TIMING=<file>
set, oneseal/conftest.py loads this plugin, and each worker appends one tab-separated line per test phase (worker, phase,
start, seconds, node id). `scripts/test_timeline.py <file>` sums it per module and worker.
Not loaded by default; it only observes."""

import os
import time

import pytest

_PATH = os.environ.get("ONESEAL_TEST_TIMING")


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _write(phase: str, start: float, seconds: float, nodeid: str) -> None:
    if not _PATH:
        return
    with open(_PATH, "a", encoding="utf-8") as out:
        out.write(f"{_worker()}\t{phase}\t{start:.3f}\t{seconds:.3f}\t{nodeid}\n")


def pytest_sessionstart(session):
    _write("sessionstart", time.time(), 0.0, "")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    start = time.time()
    yield
    _write("setup", start, time.time() - start, item.nodeid)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    start = time.time()
    yield
    _write("call", start, time.time() - start, item.nodeid)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    start = time.time()
    yield
    _write("teardown", start, time.time() - start, item.nodeid)


def pytest_sessionfinish(session):
    _write("sessionfinish", time.time(), 0.0, "")
