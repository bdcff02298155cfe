"""Track a case without an account (办件查询): its number and the query code printed on the
acceptance notice. The page shows the state, the item, the dates and the public steps, and the
applicant's name masked; nothing the applicant handed in. A wrong pair gets the same answer
whether the number exists or not, and guessing is cut off: after TRACK_FAILURES_PER_CLIENT
wrong pairs from one address, or TRACK_FAILURES_PER_NUMBER for one number from anywhere, the
form refuses for TRACK_LOCK_MINUTES (settings). The failures are counted in the database cache,
so the lockout holds across every process of the server."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from oneseal.applicants import rules as applicant_rules
from oneseal.cases import texts
from oneseal.clients import client_ip
from oneseal.throttling import throttle

from . import queries


def _key(kind: str, value: str) -> str:
    return "portal:track:" + kind + ":" + hashlib.sha256(value.encode()).hexdigest()[:32]


def _failures(key: str) -> int:
    return cache.get(key, 0)


def _fail(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # not there yet (or expired): start the window
        cache.set(key, 1, settings.TRACK_LOCK_MINUTES * 60)


@never_cache
@throttle("track", methods=("POST",))
def track(request: HttpRequest) -> HttpResponse:
    number = applicant_rules.normalise(request.POST.get("number", ""))[:32]
    code = applicant_rules.normalise(request.POST.get("query_code", ""))[:8]
    context: dict[str, object] = {"number": number, "case": None, "error": "", "errors": {}}
    if request.method != "POST":
        return render(request, "portal/track.html", context)
    errors: dict[str, list[str]] = {}
    if not number:
        errors["number"] = [_("请填写办件编号")]
    if not code:
        errors["query_code"] = [_("请填写查询码")]
    if errors:
        context["errors"] = errors
        return render(request, "portal/track.html", context, status=400)
    client_key = _key("client", client_ip(request))
    number_key = _key("number", number)
    if (
        _failures(client_key) >= settings.TRACK_FAILURES_PER_CLIENT
        or _failures(number_key) >= settings.TRACK_FAILURES_PER_NUMBER
    ):
        context["error"] = _(
            "查询失败次数过多，请{minutes}分钟后再试；申请人也可登录网上办事账号查看办件。"
        ).format(minutes=settings.TRACK_LOCK_MINUTES)
        return render(request, "portal/track.html", context, status=429)
    case = queries.tracked_case(number, code)
    if case is None:
        _fail(client_key)
        _fail(number_key)
        context["error"] = _("办件编号或查询码不正确。查询码印在受理通知书上。")
        return render(request, "portal/track.html", context, status=404)
    steps = [{"text": texts.event_text(e.action), "on": e.on} for e in case.events.all()]
    context.update(
        case=case, steps=steps, applicant=texts.mask_name(case.applicant.name, case.applicant.kind)
    )
    return render(request, "portal/track.html", context)
