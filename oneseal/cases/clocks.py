"""The clocks of a case as every interface shows them, and the rules around them: the warning
thresholds, the labels of the warning levels, and the replay of the decision clocks through
suspensions and an extension. Pure: the calendar and the day are passed in (`queries.with_clocks`
reads them for a list of cases)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from oneseal.calendars.rules import WorkCalendar

from . import rules
from .models import Case, State

# Working days left on the promised limit at which a case turns yellow, and on the statutory
# limit at which the statutory alarm sounds: the defaults of the settings of the same names
# (ONESEAL_WARNING_YELLOW_DAYS, ONESEAL_WARNING_STATUTORY_DAYS).
YELLOW_AT = 2
STATUTORY_ALARM_AT = 3


def yellow_at() -> int:
    return settings.ONESEAL_WARNING_YELLOW_DAYS


def statutory_alarm_at() -> int:
    return settings.ONESEAL_WARNING_STATUTORY_DAYS


WARNING_LABELS = {
    rules.Warning.NONE: "",
    rules.Warning.YELLOW: _("黄牌：承诺时限即将届满"),
    rules.Warning.RED: _("红牌：已超过承诺时限"),
    rules.Warning.STATUTORY: _("法定时限预警"),
}


@dataclass(frozen=True)
class Clocks:
    acceptance_due: datetime.date
    acceptance_due_provisional: bool
    accepted_on: datetime.date | None
    deemed_accepted: bool
    promised_due: datetime.date | None
    statutory_due: datetime.date | None
    promised_due_provisional: bool
    statutory_due_provisional: bool
    # Either of the two: what clients read before each date had its own flag.
    due_provisional: bool
    # Whether the licence's delivery date (送达期限) is provisional. No column keeps its flag
    # (the grant event records it); the span it was counted over, from the decision, says it.
    # The workbench's case page and queue rows both read it here.
    delivery_due_provisional: bool
    running: bool
    promised_remaining: int | None
    statutory_remaining: int | None
    warning: str
    warning_display: str


def clocks_of(case: Case, cal: WorkCalendar, on: datetime.date) -> Clocks:
    """The decision clocks run only while a case is accepted; a suspended case shows the working
    days it kept at the suspension (《行政许可法》第四十五条); before acceptance and after the
    decision there is nothing to count."""
    promised_left = statutory_left = None
    warning = rules.Warning.NONE
    running = case.state == State.ACCEPTED and case.promised_due is not None
    if running:
        # both dates are set together on acceptance
        assert case.promised_due is not None and case.statutory_due is not None
        promised_left = rules.remaining(cal, on, case.promised_due)
        statutory_left = rules.remaining(cal, on, case.statutory_due)
        warning = rules.warning_level(
            cal,
            on,
            case.promised_due,
            case.statutory_due,
            yellow_at=yellow_at(),
            statutory_alarm_at=statutory_alarm_at(),
        )
    elif case.state == State.SUSPENDED:
        promised_left = case.promised_remaining_at_suspension
        statutory_left = case.statutory_remaining_at_suspension
    return Clocks(
        acceptance_due=case.acceptance_due,
        acceptance_due_provisional=case.acceptance_due_provisional,
        accepted_on=case.accepted_on,
        deemed_accepted=case.deemed_accepted,
        promised_due=case.promised_due,
        statutory_due=case.statutory_due,
        promised_due_provisional=case.promised_due_provisional,
        statutory_due_provisional=case.statutory_due_provisional,
        due_provisional=case.due_provisional,
        delivery_due_provisional=(
            case.delivery_due is not None
            and case.decided_on is not None
            and cal.is_provisional(case.decided_on, case.delivery_due)
        ),
        running=running,
        promised_remaining=promised_left,
        statutory_remaining=statutory_left,
        warning=warning,
        warning_display=str(WARNING_LABELS[warning]),
    )


def replayed_decision_dues(
    case: Case, cal: WorkCalendar, history: list[tuple[str, datetime.date, bool]]
) -> rules.Dues:
    """Replay the decision clocks of an accepted case on `cal`: the limits from acceptance,
    then each suspension (of the clocks it stopped), resumption and the extension in the order
    they happened (第四十二条, 第四十五条). With the calendar the actions used, this gives back
    the stored dates."""
    hi = case.handling_item
    assert case.accepted_on is not None  # only an accepted case has decision clocks
    dues = rules.decision_dues(
        cal,
        case.accepted_on,
        promised_days=hi.promised_limit_days,
        statutory_limit_days=hi.statutory_limit_days,
        is_joint=hi.is_joint,
        is_instant=hi.is_instant,
    )
    left: tuple[int, int | None] = (0, 0)
    suspended_on = case.accepted_on  # set by the suspension every resumption follows
    for action, on, stops_statutory in history:
        if action == "suspend":
            suspended_on = on
            left = (
                rules.remaining(cal, on, dues.promised),
                rules.remaining(cal, on, dues.statutory) if stops_statutory else None,
            )
        elif action == "resume":
            dues = rules.resumed_dues(
                cal,
                dues,
                accepted_on=case.accepted_on,
                suspended_on=suspended_on,
                resumed_on=on,
                left=left,
            )
        else:
            dues = rules.extended_dues(cal, dues, is_joint=hi.is_joint)
    return dues
