"""Pulling e-licences from the provincial library's endpoint
(`ONESEAL_ELICENCE_LIBRARY_URL`, a bearer `ONESEAL_ELICENCE_LIBRARY_TOKEN`): one GET whose JSON
answer is read like a pushed or imported document."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.utils.translation import gettext as _

from oneseal.catalogue.importing.columns import Problem

from . import importing

MAX_BYTES = 64 * 1024 * 1024


def fetch(url: str | None = None, *, since: str = "") -> importing.Read:
    """The library's answer as read rows; a network or format failure is one problem of the
    whole file, and nothing is written."""
    url = url or settings.ONESEAL_ELICENCE_LIBRARY_URL
    if not url:
        return importing.Read([], [Problem(0, "", _("未配置 ONESEAL_ELICENCE_LIBRARY_URL"))])
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        return importing.Read([], [Problem(0, "", _("电子证照库地址须为 http 或 https"))])
    if since:
        url += ("&" if "?" in url else "?") + urllib.parse.urlencode({"since": since})
    request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
        url, headers={"Accept": "application/json"}
    )
    if settings.ONESEAL_ELICENCE_LIBRARY_TOKEN:
        request.add_header("Authorization", f"Bearer {settings.ONESEAL_ELICENCE_LIBRARY_TOKEN}")
    try:
        with urllib.request.urlopen(  # noqa: S310 - http(s) only, checked above
            request, timeout=settings.ONESEAL_ELICENCE_LIBRARY_TIMEOUT
        ) as response:
            body = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        return importing.Read(
            [], [Problem(0, "", _("电子证照库返回 HTTP {code}").format(code=exc.code))]
        )
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        return importing.Read([], [Problem(0, "", _("无法连接电子证照库：{e}").format(e=exc))])
    if len(body) > MAX_BYTES:
        return importing.Read([], [Problem(0, "", _("电子证照库的答复过大"))])
    try:
        data = json.loads(body)
    except ValueError:
        return importing.Read([], [Problem(0, "", _("电子证照库的答复不是有效的 JSON"))])
    return importing.read_json(data)
