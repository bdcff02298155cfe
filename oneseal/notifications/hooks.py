"""Who is told of what. Registered in NotificationsConfig.ready: a case event observer
(`cases.notices.observe`, called from `append_event` whatever path recorded the act), the
expiry reminders' observer, and post-save receivers for the rows other apps write when a
document is issued or a follow-up or support request is given to someone. Each runs in the
act's transaction and never lets a problem of its own fail the act.

A message names the case number, the item and the step, and links to the page the recipient
may open; it never carries an identity number or another person's details."""

import datetime
import logging
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from oneseal.cases import notices

from .actions import notify, notify_applicant, notify_once
from .models import Kind
from .queries import applicant_accounts

if TYPE_CHECKING:
    from django.contrib.auth.models import User as AuthUser

    from oneseal.actors import Actor
    from oneseal.cases.models import Case, CaseEvent, ExpiryReminder
    from oneseal.documents.models import Document
    from oneseal.linkage.models import Feedback, SupportRequest
    from oneseal.ratings.models import FollowUp

_P = ParamSpec("_P")
_R = TypeVar("_R")

logger = logging.getLogger("oneseal.notifications")


def _safe(hook: Callable[_P, _R]) -> Callable[_P, _R | None]:
    """A hook's own failure is logged and rolled back alone; the act stands."""

    @wraps(hook)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R | None:
        try:
            with transaction.atomic():
                return hook(*args, **kwargs)
        except Exception:
            logger.exception("notification hook %s failed", hook.__name__)
            return None

    return run


def _url(name: str, *args: object) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return reverse(name, args=args)


def _date(value: datetime.date | None) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""


def _tell_applicant(
    case: "Case", *, kind: str, title: str, body: str, accounts: "list[AuthUser] | None" = None
) -> None:
    notify_applicant(
        case.applicant,
        kind=kind,
        title=title,
        body=body,
        link=_url("portal:my_case", case.pk),
        case=case,
        accounts=accounts,
    )


# --- case events ---------------------------------------------------------------------------


def _decision(action: str) -> str:
    return _("准予许可") if action == "grant" else _("不予许可")


def _case_message(case: "Case", event: "CaseEvent") -> tuple[str, str, str] | None:
    item, number = case.handling_item.name, case.number
    action = event.action
    if action == "request_correction":
        return (
            Kind.CORRECTION,
            _("请补正申请材料（{number}）").format(number=number),
            _(
                "您申请的“{item}”（办件编号{number}）需要补正材料。请查看补正材料通知书，"
                "按要求一次性补正后提交。"
            ).format(item=item, number=number),
        )
    if action in ("accept", "deem_accepted"):
        return (
            Kind.ACCEPTANCE,
            _("申请已受理（{number}）").format(number=number),
            _("您申请的“{item}”（办件编号{number}）已于{on}受理，承诺办结日期为{due}。").format(
                item=item, number=number, on=_date(event.on), due=_date(case.promised_due)
            ),
        )
    if action == "refuse":
        return (
            Kind.REFUSAL,
            _("申请不予受理（{number}）").format(number=number),
            _(
                "您申请的“{item}”（办件编号{number}）不予受理，理由见不予受理决定书。"
                "您可以依法申请行政复议或者提起行政诉讼。"
            ).format(item=item, number=number),
        )
    if action in ("grant", "deny"):
        return (
            Kind.DECISION,
            _("审批决定已作出（{number}）").format(number=number),
            _("您申请的“{item}”（办件编号{number}）已于{on}作出{decision}的决定。").format(
                item=item, number=number, on=_date(event.on), decision=_decision(action)
            ),
        )
    return None


@_safe
def _tell_assignee(case: "Case", event: "CaseEvent") -> None:
    assignee = (event.data or {}).get("assignee")
    user = None if assignee is None else get_user_model().objects.filter(pk=assignee).first()
    if user is None:
        return
    notify(
        user=user,
        kind=Kind.ASSIGNMENT,
        title=_("新分派的办件（{number}）").format(number=case.number),
        body=_("办件{number}（{item}）的“{step}”环节已分派给您办理。").format(
            number=case.number, item=case.handling_item.name, step=event.data.get("name", "")
        ),
        link=_url("workbench:case", case.pk),
        case=case,
    )


@_safe
def _tell_correction_requester(case: "Case", event: "CaseEvent", actor: "Actor | None") -> None:
    """The applicant's correction reply goes back to the clerk whose correction notice asked
    for it (the five working days to decide start again), unless that clerk recorded it."""
    from oneseal.cases.models import CaseEvent

    requester = (
        CaseEvent.objects.filter(case=case, action="request_correction", actor__isnull=False)
        .order_by("-seq")
        .select_related("actor")
        .first()
    )
    if requester is None or requester.actor_id == getattr(actor, "pk", None):
        return
    assert requester.actor is not None  # filtered on actor__isnull=False
    if not requester.actor.is_active:
        return
    notify(
        user=requester.actor,
        kind=Kind.ASSIGNMENT,
        title=_("补正材料已提交（{number}）").format(number=case.number),
        body=_(
            "办件{number}（{item}）的申请人已按补正材料通知书提交补正材料，"
            "请在{due}前作出受理、不予受理或再次补正的决定。"
        ).format(
            number=case.number,
            item=case.handling_item.name,
            due=_date(case.acceptance_due),
        ),
        link=_url("workbench:intake-case", case.pk),
        case=case,
    )


# The acts the applicant is told of; anything else passes without a query.
APPLICANT_ACTIONS = frozenset(
    {"request_correction", "accept", "deem_accepted", "refuse", "grant", "deny"}
)


def _tell_applicant_of(case: "Case", event: "CaseEvent", message: tuple[str, str, str]) -> None:
    """Telling accounts is several statements per account (its preference, its addresses, the
    message, its deliveries), so a failure among them is rolled back alone (`_safe`). Telling
    an applicant no account acts for (nearly every case received at a window) is one INSERT of
    the record's message, which nothing in its values can make fail (a known kind, the lengths
    cut, no key and so no unique constraint, the foreign keys checked at commit), and its
    deliveries, planned in a savepoint of their own (`actions._create`): it needs no savepoint
    around it, two statements less on every acceptance at the window. A Python failure before
    the INSERT is caught by `case_event` and the act stands."""
    kind, title, body = message
    accounts = applicant_accounts(case.applicant)
    tell = _safe(_tell_applicant) if accounts else _tell_applicant
    tell(case, kind=kind, title=title, body=body, accounts=accounts)


def case_event(case: "Case", event: "CaseEvent", actor: "Actor | None") -> None:
    """The observer of every case event (cases.notices.observe). The savepoint is opened only
    when someone is to be told, so the many acts nobody hears of cost nothing."""
    try:
        if event.action == "assign_step":
            _tell_assignee(case, event)
        elif event.action == "submit_correction":
            _tell_correction_requester(case, event, actor)
        elif event.action in APPLICANT_ACTIONS:
            message = _case_message(case, event)
            if message is not None:
                _tell_applicant_of(case, event, message)
    except Exception:
        logger.exception("telling of event %s of case %s failed", event.action, case.pk)


# --- documents issued ----------------------------------------------------------------------


@_safe
def _document_issued(document: "Document") -> None:
    from oneseal.documents.queries import visible_documents
    from oneseal.documents.rules import ADDRESSED_KINDS

    if document.kind in ADDRESSED_KINDS:
        return  # served on someone other than the applicant
    case = document.case
    label = document.get_kind_display()
    title = _("{kind}已出具（{number}）").format(kind=label, number=case.number)
    body = _(
        "办件{number}的{kind}（{doc}）已出具并加盖电子印章，可在“我的办件”中查看和下载。"
    ).format(number=case.number, kind=label, doc=document.number)
    users = applicant_accounts(case.applicant)
    if not users:
        # The applicant's record: the document is of its own case and served on it.
        _tell_applicant(case, kind=Kind.DOCUMENT, title=title, body=body)
        return
    for user in users:
        # Only what the account may open itself.
        if not visible_documents(user).filter(pk=document.pk).exists():
            continue
        notify(
            user=user,
            kind=Kind.DOCUMENT,
            title=title,
            body=body,
            link=_url("portal:my_case", case.pk),
            case=case,
        )


def document_saved(
    sender: type, instance: "Document", created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if created and not raw:
        _document_issued(instance)


# --- licence expiry reminders (cases.jobs.send_expiry_reminders) ----------------------------


def expiry_reminder(reminder: "ExpiryReminder") -> bool:
    """Tell the holder: its accounts, else its record (by SMS, and by e-mail unless the
    reminder's own plain e-mail goes to the address it holds). True when accounts were told,
    so the reminder's plain e-mail is not sent as well."""
    told = _expiry_reminder(reminder)
    return bool(told)


@_safe
def _expiry_reminder(reminder: "ExpiryReminder") -> int:
    licence = reminder.licence
    accounts = applicant_accounts(licence.holder, reminder.on)
    # When the reminder mails a holder no account acts for itself (the rule is cases'), the
    # record's message goes by SMS only, so nobody gets the same mail twice.
    mailed_by_cases = notices.mails_reminder(reminder, delivered_elsewhere=bool(accounts))
    notify_applicant(
        licence.holder,
        key=f"expiry:{licence.pk}:{reminder.valid_until.isoformat()}:{reminder.days_before}",
        on=reminder.on,
        email=not mailed_by_cases,
        kind=Kind.EXPIRY,
        title=_("证照即将到期：{name}").format(name=licence.name),
        body=_(
            "您持有的{name}（证照编号{number}）将于{until}到期。需要继续从事许可事项的，"
            "请在有效期届满30日前（{deadline}前）申请延续。"
        ).format(
            name=licence.name,
            number=licence.number,
            until=_date(reminder.valid_until),
            deadline=_date(reminder.valid_until - datetime.timedelta(days=30)),
        ),
        link=_url("portal:my_licences"),
        case=licence.case,
    )
    return len(accounts)


# --- staff assignments outside the case chain -------------------------------------------------


@_safe
def _follow_up_assigned(follow_up: "FollowUp") -> None:
    case = follow_up.rating.case
    assert follow_up.assignee is not None  # follow_up_saved tells only an assigned one
    notify(
        user=follow_up.assignee,
        kind=Kind.ASSIGNMENT,
        title=_("差评核实整改已分派给您（{number}）").format(number=case.number),
        body=_("办件{number}（{item}）的差评需核实整改并回复，回复截止日期为{due}。").format(
            number=case.number, item=case.handling_item.name, due=_date(follow_up.due_on)
        ),
        link=_url("ratings:follow_up", follow_up.pk),
        case=case,
    )


def follow_up_saved(
    sender: type,
    instance: "FollowUp",
    created: bool,
    update_fields: frozenset[str] | None = None,
    raw: bool = False,
    **kwargs: Any,
) -> None:
    if raw or instance.assignee_id is None:
        return
    if created or (update_fields is not None and "assignee" in update_fields):
        _follow_up_assigned(instance)


@_safe
def _support_requested(request: "SupportRequest") -> None:
    case = request.case
    assert request.liaison is not None  # support_request_saved tells only a liaison
    notify(
        user=request.liaison,
        kind=Kind.ASSIGNMENT,
        title=_("技术支撑请求（{number}）").format(number=case.number),
        body=_(
            "办件{number}（{item}）请求{department}提供{kind}，请在{due}前答复。您是本请求的联络人。"
        ).format(
            number=case.number,
            item=case.handling_item.name,
            department=request.department,
            kind=request.get_kind_display(),
            due=_date(request.due_on),
        ),
        link=_url("linkage:support", request.pk),
        case=case,
    )


def support_request_saved(
    sender: type, instance: "SupportRequest", created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if created and not raw and instance.liaison_id is not None:
        _support_requested(instance)


@_safe
def _revocation_requested(feedback: "Feedback") -> None:
    """A department asks the bureau to revoke a licence (建议撤销许可): the signatories who may
    answer it (a signatory's scope covers the case's region: organisation.rules.has_role) are
    told, those of the bureau that decided the case when it has any."""
    from oneseal.organisation.models import Role

    case = feedback.case
    code = case.region_code
    signatories = list(
        get_user_model()
        .objects.filter(
            is_active=True,
            staff__roles__role=Role.SIGNATORY,
            staff__region__prefix__in=[code[:i] for i in range(len(code) + 1)],
        )
        .select_related("staff")
        .distinct()
        .order_by("pk")
    )
    own_bureau = [u for u in signatories if u.staff.bureau_id == case.bureau_id]
    link = _url("linkage:decide-revocation", case.pk, feedback.pk)
    for user in own_bureau or signatories:
        notify_once(
            key=f"revocation-request:{feedback.pk}",
            user=user,
            kind=Kind.ASSIGNMENT,
            title=_("部门建议撤销许可（{number}）").format(number=case.number),
            body=_(
                "{department}建议撤销办件{number}（{item}）准予的许可{licence}，请审查后决定"
                "不予采纳或启动撤销程序。"
            ).format(
                department=feedback.department,
                number=case.number,
                item=case.handling_item.name,
                licence=f"（{feedback.licence.number}）" if feedback.licence is not None else "",
            ),
            link=link,
            case=case,
        )


def feedback_saved(
    sender: type, instance: "Feedback", created: bool, raw: bool = False, **kwargs: Any
) -> None:
    from oneseal.linkage.models import Feedback, FeedbackKind

    if (
        created
        and not raw
        and instance.kind == FeedbackKind.REVOCATION_REQUEST
        and instance.request_state == Feedback.RequestState.OPEN
    ):
        _revocation_requested(instance)


# --- appointment reminders (the day before a booking; run by the worker) ---------------------


def remind_appointments(today: datetime.date) -> int:
    """Tell each active booking's applicant, the day before, of tomorrow's appointment; once
    per booking and day. Returns how many messages this run created."""
    from oneseal.appointments.models import Booking

    tomorrow = today + datetime.timedelta(days=1)
    bookings = Booking.objects.filter(
        slot__day=tomorrow, state=Booking.BookingState.BOOKED
    ).select_related("slot__group__hall", "handling_item", "applicant")
    told = 0
    for booking in bookings:
        slot = booking.slot
        told += len(
            notify_applicant(
                booking.applicant,
                key=f"appointment:{booking.pk}:{slot.day.isoformat()}",
                on=today,
                kind=Kind.APPOINTMENT,
                title=_("明日预约提醒：{item}").format(item=booking.handling_item.name),
                body=_(
                    "您已预约{day} {start}—{end}到{hall}（{group}）办理“{item}”，预约码{code}。"
                    "请携带申请材料按时到场；不能到场的请提前取消预约。"
                ).format(
                    day=_date(slot.day),
                    start=slot.starts_at.strftime("%H:%M"),
                    end=slot.ends_at.strftime("%H:%M"),
                    hall=slot.group.hall,
                    group=slot.group.name,
                    item=booking.handling_item.name,
                    code=booking.code,
                ),
                link=_url("appointments:booking", booking.code),
            )
        )
    return told
