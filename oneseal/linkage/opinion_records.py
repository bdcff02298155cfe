"""What the case actions ask the linkage before a decision: the department opinions still
awaited on the case (征求意见). Depends on models only; registered with `cases.decisions` in
LinkageConfig.ready (a dated check: the decision's day decides whether silence counts), so the
case actions never import it, and the linkage's actions call the case actions.

A decision is not signed while an opinion the reviewer asked for is still awaited — whether
silence will count as consent or not — because until the limit passes the department may still
object. Once the limit of a request whose silence counts as consent has passed, the request no
longer holds the decision back even before the worker has recorded the deemed opinion: the law
of the request, not the worker's timing, decides. A reviewer who no longer needs an opinion
withdraws the request (recorded, and the department told) rather than deciding past it."""

import datetime

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from oneseal.calendars.queries import current_calendar
from oneseal.cases.models import Case

from .models import OpinionRequest


def deemed_day(request: OpinionRequest) -> datetime.date:
    """The first working day after the limit: the day silence becomes no objection."""
    return current_calendar().add(request.due_on, 1).date


def awaited_opinions(case: Case) -> list[OpinionRequest]:
    """Open requests on the case itself or on a joint step the case uses."""
    return list(
        OpinionRequest.objects.filter(
            Q(case=case) | Q(joint_step__cases=case), state=OpinionRequest.RequestState.OPEN
        )
        .select_related("department")
        .distinct()
        .order_by("due_on", "id")
    )


def opinion_blockers(case: Case, *, on: datetime.date) -> list[str]:
    out = []
    for request in awaited_opinions(case):
        if request.silence_is_consent and on >= deemed_day(request):
            continue
        due = date_format(request.due_on, "DATE_FORMAT")
        if request.silence_is_consent:
            out.append(
                _(
                    "正在征求{department}意见，{date}前未答复视为无意见，期限届满前不能作出决定"
                ).format(department=request.department, date=due)
            )
        else:
            out.append(
                _("正在征求{department}意见（答复期限{date}），尚未答复，不能作出决定").format(
                    department=request.department, date=due
                )
            )
    return out
