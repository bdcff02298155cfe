"""Where a case event that calls for a written notice hands it to whoever issues notices.

The law ties each notice to the act that creates its legal moment (《行政许可法》第三十二条
第二款、第三十八条、第四十二条、第四十五条 …), whatever started the act: a window clerk, the
portal, the API, the worker or the admin. So the notice is issued where the event is recorded
(`actions._base.append_event`), not by the page that happened to call the action.

The cases app must not depend on the documents app, which depends on it; the documents app
registers its issuer here in its AppConfig.ready. A hook runs inside the action's transaction
and must never make the action fail: what it cannot issue now it keeps in its own queue.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from oneseal.actors import Actor

    from .models import Case, CaseEvent, ExpiryReminder

# hook(case, event, actor) — called for every event with `notice_due`, and for the events
# that make a notice issuable that was held back (a licence released when the last tolerated
# material arrives). What a hook returns (the documents it issued) is not used here.
NoticeHook = Callable[..., object]

_hooks: list[NoticeHook] = []


def register(hook: NoticeHook) -> None:
    if hook not in _hooks:
        _hooks.append(hook)


def unregister(hook: NoticeHook) -> None:
    if hook in _hooks:
        _hooks.remove(hook)


# Events after which notices already served may need a corrected version: the due dates were
# recomputed on a newly published holiday schedule.
CORRECTING_ACTIONS = frozenset({"recompute_due_dates"})


def calls_for_notice(event: "CaseEvent") -> bool:
    return (
        bool(event.notice_due)
        or bool((event.data or {}).get("licence_released"))
        or event.action in CORRECTING_ACTIONS
    )


def event_recorded(case: "Case", event: "CaseEvent", actor: "Actor | None") -> None:
    if not calls_for_notice(event):
        return
    for hook in list(_hooks):
        hook(case, event, actor)


# --- observers: whoever tells people of what happened (the notifications app) --------------
# observer(case, event, actor) — called for every event, after its notice hooks, inside the
# action's transaction. An observer must never make the action fail.
EventObserver = Callable[..., None]
# reminder_observer(reminder) -> bool — called for each licence expiry reminder recorded;
# True when the observer delivers it, so the reminder's own e-mail is not sent as well.
ReminderObserver = Callable[..., bool]

_observers: list[EventObserver] = []
_reminder_observers: list[ReminderObserver] = []


def observe(observer: EventObserver) -> None:
    if observer not in _observers:
        _observers.append(observer)


def unobserve(observer: EventObserver) -> None:
    if observer in _observers:
        _observers.remove(observer)


def observe_reminders(observer: ReminderObserver) -> None:
    if observer not in _reminder_observers:
        _reminder_observers.append(observer)


def event_observed(case: "Case", event: "CaseEvent", actor: "Actor | None") -> None:
    for observer in list(_observers):
        observer(case, event, actor)


def reminder_recorded(reminder: "ExpiryReminder") -> bool:
    """Whether an observer took over delivering the reminder."""
    taken = False
    for observer in list(_reminder_observers):
        taken = bool(observer(reminder)) or taken
    return taken


def mails_reminder(reminder: "ExpiryReminder", *, delivered_elsewhere: bool) -> bool:
    """The one rule for the reminder's own plain e-mail (`licences.remind` sends it): to the
    address the reminder holds, when an SMTP host is set, unless an observer delivered the
    reminder to the holder's accounts. The observer that tells a holder's record asks it too,
    so that record is not mailed the same reminder twice."""
    return bool(reminder.emailed_to and settings.EMAIL_HOST) and not delivered_elsewhere
