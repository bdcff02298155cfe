"""我的证照: the licences held by the applicants tied to the account, each with its standing
today, its versions (新办, 变更, 延续, 补证) and their documents, the cases that acted on it,
and the reminders before expiry (《行政许可法》第五十条). Another holder's licence never shows:
every row comes through `portal.queries.own_licences`."""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from oneseal.calendars.queries import today
from oneseal.cases.actions.licences import RENEWAL_LEAD_DAYS
from oneseal.cases.models import Licence
from oneseal.cases.queries import licence_history
from oneseal.catalogue.models import HandlingItem, ItemVersion, Variant

from . import queries

signed_in = login_required(login_url="portal:signin")

# How long a reminder stays in the holder's messages.
REMINDERS_SHOWN_DAYS = 120


def _acting_items(licence: Licence, on: datetime.date) -> list[HandlingItem]:
    """The handling items in force that act on this licence's item (变更, 延续, 注销, 补证)."""
    return list(
        HandlingItem.objects.filter(
            item_version__in=ItemVersion.objects.in_force(on),
            item_version__item_id=licence.case.handling_item.item_version.item_id,
            variant__in=[Variant.CHANGE, Variant.RENEWAL, Variant.CANCELLATION, Variant.REISSUE],
        ).order_by("order", "id")
    )


@signed_in
def my_licences(request: HttpRequest) -> HttpResponse:
    on = today()
    licences = list(queries.own_licences(request.user))
    # What the template shows of each licence today, set on the row it lists (attr-defined: these
    # are not the model's fields).
    for licence in licences:
        standing = licence.standing(on)
        licence.today_standing = standing  # type: ignore[attr-defined]
        licence.today_standing_display = licence.standing_display(on)  # type: ignore[attr-defined]
        licence.versions_list, licence.cases_list = licence_history(licence)  # type: ignore[attr-defined]
        licence.acting_items = _acting_items(licence, on) if standing == "valid" else []  # type: ignore[attr-defined]
        if licence.valid_until is not None:
            licence.renew_by = licence.valid_until - datetime.timedelta(days=RENEWAL_LEAD_DAYS)  # type: ignore[attr-defined]
    reminders = list(
        queries.own_reminders(
            request.user, since=on - datetime.timedelta(days=REMINDERS_SHOWN_DAYS)
        )
    )
    return render(
        request,
        "portal/my_licences.html",
        {
            "licences": licences,
            "reminders": reminders,
            "today": on,
            "has_applicant": queries.own_applicants(request.user).exists(),
        },
    )
