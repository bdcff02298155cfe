"""Hostile input never makes a 500 (issue 12, finding 6).

Every operation of the OpenAPI schema (generated in-process by drf-spectacular) and every form
the pages offer (found by crawling from the entry pages) is sent a fixed corpus of hostile
values (NUL and other control characters, integers beyond any column, negative numbers, 10,000
characters, bidi overrides, invalid UTF-8, wrong JSON types, JSON nested 5,000 deep) as an
anonymous visitor, a signed-in applicant and staff. Any 5xx fails, with the request that made it.

The test runs in both suites (SQLite and PostgreSQL): NUL bytes fail differently there."""

import json
import re
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from drf_spectacular.generators import SchemaGenerator

from oneseal.testing import accepted_case

pytestmark = pytest.mark.django_db

HOSTILE_TEXT = [
    "a\x00b\x1b",
    "9" * 30,
    "-99999999999999999999",
    "x" * 10_000,
    "马\u202e祥\u2066",
    "2025-02-30",
    "NaN",
]
HOSTILE_JSON = [None, [], {}, 10**30, -1, {"a": [{"b": "\x00"}]}]
HOSTILE_PATH = ["99999999999999999999999", "-1", "0", "%00", "x" * 300, "%E2%80%AE", "%FF"]
DEEP = b"[" * 5000 + b"]" * 5000
INVALID_UTF8 = b'{"name": "\xff\xfe", "reason": "\xc3"}'


class Failures(dict):
    """The first request of each kind (status, who, method, path) that failed, and a count."""

    def check(self, response, what: str):
        if response.status_code >= 500:
            key = f"{response.status_code} {what.split('?')[0][:100]}"
            self.setdefault(key, [what, 0])[1] += 1

    def report(self) -> str:
        return "\n".join(
            f"{key} ×{n}: {what[:200]!r}" for key, (what, n) in list(self.items())[:40]
        )


# --- the API, from its schema ---------------------------------------------------------------


def operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema.get("components", {}).get("schemas", {})

    def properties(body_schema) -> list[str]:
        ref = body_schema.get("$ref", "")
        resolved = components.get(ref.rsplit("/", 1)[-1], {}) if ref else body_schema
        return list(resolved.get("properties", {}))

    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            params = op.get("parameters", [])
            content = op.get("requestBody", {}).get("content", {})
            body_type = next(iter(content), None)
            fields = properties(content[body_type]["schema"]) if body_type else []
            yield method, path, params, body_type, fields


def fill_path(path: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", value, path)


def api_requests(method, path, params, body_type, fields, real_id):
    """(method, url, body bytes or dict, content type, headers) for one operation."""
    query = [p["name"] for p in params if p["in"] == "query"]
    headers = [p["name"] for p in params if p["in"] == "header"]
    for value in HOSTILE_PATH[:3]:  # an id that is no row, or beyond any
        yield method if method == "get" else "post", fill_path(path, value), None, None, {}
    url = fill_path(path, str(real_id))
    for value in HOSTILE_TEXT:
        qs = urlencode({name: value for name in query})
        hdrs = {f"HTTP_{h.upper().replace('-', '_')}": value for h in headers}
        if method == "get":
            yield "get", f"{url}?{qs}" if qs else url, None, None, hdrs
        elif body_type == "multipart/form-data":
            yield method, url, {f: value for f in fields}, "multipart", hdrs
        else:
            yield (
                method,
                url,
                json.dumps({f: value for f in fields}).encode(),
                "application/json",
                hdrs,
            )
    if method == "get":
        if query:
            yield "get", f"{url}?{query[0]}=%FF%FE%00", None, None, {}
        return
    for value in HOSTILE_JSON:
        yield method, url, json.dumps({f: value for f in fields}).encode(), "application/json", {}
    yield method, url, json.dumps(HOSTILE_JSON).encode(), "application/json", {}  # not an object
    yield method, url, DEEP, "application/json", {}
    yield method, url, INVALID_UTF8, "application/json", {}
    yield method, url, b"{not json", "application/json", {}


def send(client, method, url, body, content_type, headers):
    if content_type == "multipart":
        return client.post(url, body, **headers)
    if body is None:
        return getattr(client, method)(url, **headers)
    return getattr(client, method)(url, body, content_type=content_type, **headers)


# --- the pages' forms, by crawling -------------------------------------------------------------


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self.forms.append(
                {
                    "method": (a.get("method") or "get").lower(),
                    "action": a.get("action"),
                    "fields": [],
                }
            )
        elif (
            tag in ("input", "select", "textarea")
            and self.forms
            and a.get("name")
            and a.get("type") not in ("file", "submit", "button", "image")
            and a["name"] != "csrfmiddlewaretoken"
        ):
            self.forms[-1]["fields"].append(a["name"])


ENTRY_PAGES = [
    "/",
    "/track/",
    "/accounts/login/",
    "/workbench/",
    "/manage/catalogue/",
    "/esupervision/",
    "/linkage/",
    "/appointments/",
    "/ratings/",
    "/search/",
    "/documents/",
    "/signup/",
]
SKIP = re.compile(
    r"logout|/i18n/|/admin/|/api/|/static/|/media/|format=|/en/|\.(pdf|xlsx|csv|png|js|css)$"
)


def crawl(client, *, max_pages: int = 120) -> dict[str, list[str]]:
    """The POST forms reachable from the entry pages: {action url: field names}."""
    seen, queue, forms = set(), list(ENTRY_PAGES), {}
    while queue and len(seen) < max_pages:
        url = queue.pop(0)
        if url in seen or SKIP.search(url):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = Page()
        page.feed(response.content.decode("utf-8", "replace"))
        for form in page.forms:
            if form["method"] == "post":
                action = urljoin(url, form["action"] or url)
                forms.setdefault(action, sorted(set(forms.get(action, [])) | set(form["fields"])))
        for href in page.links:
            parts = urlsplit(urljoin(url, href))
            if not parts.netloc and parts.path.startswith("/"):
                queue.append(
                    parts.path
                    + (f"?{parts.query}" if parts.query and "page=" in parts.query else "")
                )
    return forms


# --- the test ----------------------------------------------------------------------------------


@pytest.fixture
def world(item, applicant, own_applicant, clerk, applicant_user, admin_user):
    """A case at the window and one of the signed-in applicant, so ids in paths are real."""
    return [
        accepted_case(item, applicant, clerk, "2025-03-03").pk,
        accepted_case(item, own_applicant, clerk, "2025-03-03").pk,
    ]


@pytest.mark.slow
def test_no_api_operation_or_form_answers_hostile_input_with_a_server_error(
    client, world, clerk, applicant_user, admin_user, django_user_model
):
    failures = Failures()
    ops = list(operations())
    assert len(ops) > 50, "the schema lists the API"
    api_users = {"anonymous": None, "applicant": applicant_user, "admin": admin_user}
    form_users = {**api_users, "clerk": clerk}
    client.raise_request_exception = False
    forms_seen = 0
    for who, user in form_users.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for op in ops if who in api_users else ():
            for method, url, body, content_type, headers in api_requests(*op, real_id=world[0]):
                failures.check(
                    send(client, method, url, body, content_type, headers),
                    f"{who} {method.upper()} {url} {str(body)[:80]}",
                )
        for action, fields in crawl(client).items():
            forms_seen += 1
            for value in HOSTILE_TEXT:
                failures.check(
                    client.post(action, {f: value for f in fields}),
                    f"{who} POST {action} = {value[:20]!r}",
                )
            failures.check(
                client.post(
                    action, b"a=%FF%FE&b=%00", content_type="application/x-www-form-urlencoded"
                ),
                f"{who} POST {action} invalid UTF-8",
            )
    assert forms_seen > 10, "the crawl found the pages' forms"
    assert not failures, failures.report() + f"\n… {len(failures)} kinds in all"
