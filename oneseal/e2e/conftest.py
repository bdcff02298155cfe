"""Browser tests across the apps. The fixtures `browser`, `page`, `phone` and `screenshot` live
in oneseal/conftest.py (one Chromium per test process, shared with the apps' own browser
tests); here are the starting data of the journeys, built through the real actions: a county
with a published catalogue, its bureau's seal, and the staff of the county and of its
neighbour. Everything after that happens by clicks and typing in the browser."""

import struct
import zlib
from urllib.parse import urlsplit

import pytest

from oneseal.catalogue.models import OnlineDepth
from oneseal.documents import actions as document_actions
from oneseal.testing import day

PASSWORD = "Pingluo-2025!"
PERSON_NUMBER = "640221199605180423"
# A minimal file that passes the upload check (the extension matches the content).
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _png(width: int = 48, height: int = 32) -> bytes:
    """A real (grey) image, so that the workbench's preview of it shows."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + b"\xcc" * width * 3 for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


PNG = _png()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def seal(bureau):
    return document_actions.create_seal(bureau, system=True, valid_from=day("2024-01-01"))


@pytest.fixture
def online_item(make_item):
    """食品经营许可（新办）, fully online (全程网办, no visit), delivered at the window, by post or
    electronically, with the steps 受理 → 初审 (市场准入科) → 复审 → 决定; the public finds it
    as 开饭店."""
    return make_item(
        keywords="开饭店",
        online_depth=OnlineDepth.FULL,
        visits_required=0,
        deliver_electronically=True,
    )


def upload(name: str, body: bytes = PDF) -> dict:
    kind = "application/pdf" if name.endswith(".pdf") else "image/png"
    return {"name": name, "mimeType": kind, "buffer": body}


def sign_in_staff(page, user) -> None:
    """Through the staff login form, as the person at the desk would."""
    page.goto("/workbench/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill("pw-" + user.username)
    page.get_by_role("button", name="登录").click()
    # By path: the glob "**/workbench/" also matches the login page's own address
    # (/accounts/login/?next=/workbench/), so it would not wait for the sign-in at all.
    page.wait_for_url(lambda url: urlsplit(url).path == "/workbench/")


def office(browser, live_server):
    """Another desk: an office-screen context of its own (own cookies), like the `page` fixture."""
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1366, "height": 768}, base_url=live_server.url
    )
    context.set_default_timeout(30_000)  # as the `page` fixture's (oneseal/conftest.py)
    return context.new_page()


class Captured:
    """The bytes of the PDFs the browser opens (its viewer shows them; Playwright's response
    then holds the viewer's page, not the file), fetched once by the browser's own request."""

    def __init__(self, context):
        self.files: list[tuple[str, bytes]] = []
        context.route("**/documents/*/file/", self._keep)

    def _keep(self, route):
        response = route.fetch()
        assert response.status == 200, response.status
        assert response.headers["content-type"] == "application/pdf"
        self.files.append((route.request.url, response.body()))
        route.fulfill(response=response)

    def last(self) -> bytes:
        return self.files[-1][1]
