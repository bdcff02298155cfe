"""The licence register: what a 变更 / 延续 / 注销 / 补证 application does to the licence it
names, the renewal period of 《行政许可法》第五十条, deemed renewal, and the reminders before
expiry.

A licence keeps one number for its whole life. A case of an acting handling item names the
licence at receipt (`Case.target_licence`, checked by `target_licence_errors`); its grant then
changes that licence (`apply_grant`): a change or a renewal adds the next `LicenceVersion`
with the new terms, a replacement copy adds a version with the same terms (the lost copy's
document is void when the new one is issued), a cancellation ends the licence. None issues a
new licence.
"""

import datetime
import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NoReturn, cast

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from oneseal.actors import Actor, User, stored_user
from oneseal.applicants.models import Applicant
from oneseal.audit.actions import record
from oneseal.catalogue.models import HandlingItem, Item, Variant
from oneseal.errors import NotPermitted, ValidationFailed, fail_blockers, fail_fields
from oneseal.linkage.push_records import push_decision
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role

from .. import notices, rules
from ..models import (
    Case,
    CaseEvent,
    ExpiryReminder,
    Licence,
    LicenceVersion,
    RenewalLeadTime,
    State,
    Suspension,
)
from ._base import calendar, lock, move

if TYPE_CHECKING:
    from django.contrib.auth.models import User as AuthUser

logger = logging.getLogger(__name__)

# Handling items whose application acts on a licence already issued, and the version a grant of
# each makes (None: the licence ends).
ACTING_VARIANTS: dict[str, LicenceVersion.Kind | None] = {
    Variant.CHANGE: LicenceVersion.Kind.CHANGE,
    Variant.RENEWAL: LicenceVersion.Kind.RENEWAL,
    Variant.REISSUE: LicenceVersion.Kind.REPLACEMENT,
    Variant.CANCELLATION: None,
}

RENEWAL_LEAD_DAYS = 30
RENEWAL_BASIS = "《中华人民共和国行政许可法》第五十条第一款"
DEEMED_RENEWAL_BASIS = "《中华人民共和国行政许可法》第五十条第二款"
CANCELLATION_BASIS = "《中华人民共和国行政许可法》第七十条"
REMINDER_DAYS = (90, 60, 30)
# States of a case not decided yet: a licence has at most one such case acting on it.
UNDECIDED_STATES = (State.RECEIVED, State.AWAITING_CORRECTION, State.ACCEPTED, State.SUSPENDED)
# A renewal still undecided when the licence expires is deemed granted in these states; a case
# waiting for the applicant's correction is not complete, so the law's presumption does not run.
DEEMABLE_STATES = (State.RECEIVED, State.ACCEPTED, State.SUSPENDED)


def acts_on_licence(handling_item: HandlingItem) -> bool:
    return handling_item.variant in ACTING_VARIANTS


def renewal_lead(handling_item: HandlingItem) -> tuple[int, str]:
    """Days before expiry by which a renewal must be applied for, and the law that says so:
    30 days (第五十条第一款) unless the item's own law sets another period (`RenewalLeadTime`)."""
    row = RenewalLeadTime.objects.filter(item_id=handling_item.item_version.item_id).first()
    return (row.days, row.basis) if row is not None else (RENEWAL_LEAD_DAYS, RENEWAL_BASIS)


def _standing_text(licence: Licence, on: datetime.date) -> str:
    standing = licence.standing(on)
    when = cast(
        "dict[str, datetime.date | None]",
        {
            Licence.Standing.CANCELLED: licence.cancelled_on,
            Licence.Standing.REVOKED: licence.revoked_on,
            Licence.Standing.EXPIRED: licence.valid_until,
        },
    ).get(standing)
    label = Licence.Standing(standing).label
    if when is None:
        return str(label)
    return _("{state}（{date}）").format(state=label, date=rules_date(when))


def rules_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def target_licence_errors(
    handling_item: HandlingItem,
    applicant: Applicant,
    licence: Licence | None,
    on: datetime.date,
    *,
    case: Case | None = None,
) -> list[str]:
    """Why `licence` cannot be the licence this application acts on (empty: it can). A
    renewal must be applied for at least 30 days (or the item's own period) before expiry."""
    variant = Variant(handling_item.variant)
    if not acts_on_licence(handling_item):
        if licence is not None:
            return [_("“{item}”是新办事项，不涉及已有证照").format(item=handling_item.name)]
        return []
    if licence is None:
        return [_("办理“{variant}”须指明所涉及的证照（证照编号）").format(variant=variant.label)]
    out = []
    if licence.holder_id != applicant.pk:
        out.append(
            _("证照{number}的持证人不是申请人，只能就本人（本单位）持有的证照申请{variant}").format(
                number=licence.number, variant=variant.label
            )
        )
    if licence.case.handling_item.item_version.item_id != handling_item.item_version.item_id:
        out.append(
            _("证照{number}不是“{item}”的证照").format(
                number=licence.number, item=handling_item.item_version.name
            )
        )
    standing = licence.standing(on)
    if standing != Licence.Standing.VALID:
        out.append(
            _("证照{number}{state}，不能申请{variant}").format(
                number=licence.number, state=_standing_text(licence, on), variant=variant.label
            )
        )
    elif variant == Variant.RENEWAL:
        if licence.valid_until is None:
            out.append(_("证照{number}长期有效，无需申请延续").format(number=licence.number))
        else:
            lead, basis = renewal_lead(handling_item)
            left = (licence.valid_until - on).days
            if left < lead:
                out.append(
                    _(
                        "依照{basis}的规定，延续行政许可有效期应当在有效期届满{lead}日前提出申请；证照{number}"
                        "有效期至{until}，距届满仅{left}日，不能再申请延续"
                    ).format(
                        basis=basis,
                        lead=lead,
                        number=licence.number,
                        until=rules_date(licence.valid_until),
                        left=left,
                    )
                )
    running = Case.objects.filter(target_licence=licence, state__in=UNDECIDED_STATES).exclude(
        pk=getattr(case, "pk", None)
    )
    other = running.only("number").first()
    if other is not None:
        out.append(
            _("证照{number}已有正在办理的申请（办件编号{case}），请待其办结后再申请").format(
                number=licence.number, case=other.number
            )
        )
    return out


def check_target_licence(
    handling_item: HandlingItem, applicant: Applicant, licence_id: int | None, on: datetime.date
) -> Licence | None:
    """Lock and check the licence named at receipt: one receipt at a time per licence, so two
    applications on one licence cannot both pass the "no other open case" check."""
    licence = None
    if licence_id is not None:
        licence = (
            Licence.objects.select_for_update(of=("self",))
            .select_related("case__handling_item__item_version")
            .filter(pk=licence_id)
            .first()
        )
        if licence is None:
            msg = _("证照不存在")
            raise ValidationFailed(msg, fields={"licence": [msg]})
    errors = target_licence_errors(handling_item, applicant, licence, on)
    fail_blockers(errors, field="licence", error=ValidationFailed)
    return licence


def grant_blockers_on_licence(case: Case, on: datetime.date) -> list[str]:
    """The licence an acting case names must still be in force when it is granted (it may have
    been revoked, or have expired, since receipt)."""
    if not acts_on_licence(case.handling_item):
        return []
    licence = case.target_licence
    if licence is None:
        return [_("该办件未指明所涉及的证照")]
    if licence.standing(on) != Licence.Standing.VALID:
        return [
            _("证照{number}{state}，不能准予{variant}").format(
                number=licence.number,
                state=_standing_text(licence, on),
                variant=Variant(case.handling_item.variant).label,
            )
        ]
    return []


# --- validity ---------------------------------------------------------------------------------

CHINESE_DIGITS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
VALIDITY = re.compile(r"^\s*(\d+|[一二两三四五六七八九十]+)\s*(年|个月)")


def _count(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text.startswith("十"):
        return 10 + CHINESE_DIGITS.get(text[1:], 0)
    if len(text) == 2 and text[1] == "十":
        return CHINESE_DIGITS[text[0]] * 10
    if len(text) == 3 and text[1] == "十":
        return CHINESE_DIGITS[text[0]] * 10 + CHINESE_DIGITS[text[2]]
    return CHINESE_DIGITS.get(text, 0)


def validity_months(handling_item: HandlingItem) -> int | None:
    """The validity a handling item's guide sets ("5年", "三年", "6个月", "5年（最长不超过10
    年）"), in months; None when it states no period."""
    match = VALIDITY.match(handling_item.result_validity or "")
    if match is None:
        return None
    n = _count(match.group(1))
    if n <= 0:
        return None
    return n * 12 if match.group(2) == "年" else n


def _months_after(day: datetime.date, months: int) -> datetime.date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    for last in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def renewed_until(
    handling_item: HandlingItem, licence: Licence, start: datetime.date
) -> datetime.date | None:
    """The last day of a renewal starting on `start`: the period the item's guide sets, else the
    length of the current version."""
    months = validity_months(handling_item)
    if months is not None:
        return _months_after(start, months) - datetime.timedelta(days=1)
    if licence.valid_until is None:
        return None
    return start + (licence.valid_until - licence.valid_from)


# --- granting an acting case ------------------------------------------------------------------


@dataclass
class LicenceChange:
    """What a grant did to the licence: the version it made (none for a cancellation), the
    notice it calls for and what its event records."""

    licence: Licence
    version: LicenceVersion | None
    notice_due: str
    data: dict = field(default_factory=dict)


def _refuse(name: str, message: str) -> NoReturn:
    raise ValidationFailed(message, fields={name: [message]})


def _next_version(
    licence: Licence,
    case: Case,
    *,
    kind: str,
    on: datetime.date,
    actor: "Actor | None",
    scope: str,
    valid_from: datetime.date,
    valid_until: datetime.date | None,
    deemed: bool = False,
) -> LicenceVersion:
    licence.version += 1
    licence.scope, licence.valid_from, licence.valid_until, licence.issued_on = (
        scope,
        valid_from,
        valid_until,
        on,
    )
    licence.save(
        update_fields=[
            "version",
            "scope",
            "valid_from",
            "valid_until",
            "issued_on",
            "state",
            "released_on",
        ]
    )
    return LicenceVersion.objects.create(
        licence=licence,
        number=licence.version,
        kind=kind,
        deemed=deemed,
        case=case,
        scope=scope,
        valid_from=valid_from,
        valid_until=valid_until,
        issued_on=on,
        # An actor with a primary key is a stored user (a system act names none).
        issued_by=cast("AuthUser", actor) if getattr(actor, "pk", None) else None,
    )


def first_version(licence: Licence, case: Case) -> LicenceVersion:
    return LicenceVersion.objects.create(
        licence=licence,
        number=1,
        kind=LicenceVersion.Kind.NEW,
        case=case,
        scope=licence.scope,
        valid_from=licence.valid_from,
        valid_until=licence.valid_until,
        issued_on=licence.issued_on,
        issued_by=licence.issued_by,
    )


def apply_grant(
    case: Case,
    *,
    actor: "User",
    on: datetime.date,
    scope: str,
    valid_from: datetime.date | None,
    valid_until: datetime.date | None,
    held: bool,
) -> LicenceChange:
    """The grant of a 变更 / 延续 / 注销 / 补证 case, on the licence it names (locked here):
    - change: the new scope (required); the validity stays (a date other than the current one is
      refused: a longer validity is a renewal);
    - renewal: the new validity on the same number, from the day after the current one ends
      (or a later day up to it, never a gap), until the date given or, left empty, the period the
      item's guide sets; the scope may stay;
    - replacement (补证／换证): a new copy with the same terms;
    - cancellation (注销): the licence ends today; no version, no licence document.
    Tolerated materials outstanding under the item's "hold" rule hold the licence."""
    variant = case.handling_item.variant
    licence = (
        Licence.objects.select_for_update(of=("self",))
        .select_related("holder")
        .get(pk=case.target_licence_id)
    )
    scope = (scope or "").strip()
    base = {
        "licence": licence.number,
        "name": licence.name,
        "holder": licence.holder.name,
        "variant": variant,
        "version_before": licence.version,
    }
    if variant == Variant.CANCELLATION:
        licence.state, licence.cancelled_on = Licence.LicenceState.CANCELLED, on
        licence.save(update_fields=["state", "cancelled_on"])
        return LicenceChange(
            licence,
            None,
            "cancellation",
            {**base, "cancelled_on": on.isoformat(), "basis": CANCELLATION_BASIS},
        )
    # Not None: a cancellation, the only variant without a version, returned above.
    kind = cast(LicenceVersion.Kind, ACTING_VARIANTS[variant])
    if variant == Variant.CHANGE:
        if not scope:
            _refuse("scope", _("请填写变更后的许可范围"))
        if valid_until is not None and valid_until != licence.valid_until:
            _refuse(
                "valid_until",
                _("变更不改变有效期（至{date}）；需要延长有效期的，请申请延续").format(
                    date=rules_date(licence.valid_until) if licence.valid_until else _("长期")
                ),
            )
        new_from, new_until = licence.valid_from, licence.valid_until
    elif variant == Variant.REISSUE:
        if scope and scope != licence.scope:
            _refuse("scope", _("补证（换证）不改变许可内容；需要改变许可范围的，请申请变更"))
        if valid_until is not None and valid_until != licence.valid_until:
            _refuse("valid_until", _("补证（换证）不改变有效期"))
        scope, new_from, new_until = licence.scope, licence.valid_from, licence.valid_until
    else:  # renewal
        if licence.valid_until is None:
            _refuse(
                "valid_until", _("证照{number}长期有效，无需延续").format(number=licence.number)
            )
        follows = licence.valid_until + datetime.timedelta(days=1)
        new_from = valid_from or follows
        if new_from < on or new_from > follows:
            _refuse(
                "valid_from",
                _(
                    "延续后的有效期须自{start}（不早于决定日期）起，至迟自原有效期届满次日{follows}起"
                ).format(start=rules_date(on), follows=rules_date(follows)),
            )
        new_until = valid_until or renewed_until(case.handling_item, licence, follows)
        if new_until is not None and new_until <= licence.valid_until:
            _refuse(
                "valid_until",
                _("延续后的有效期截止日须晚于原有效期截止日{date}").format(
                    date=rules_date(licence.valid_until)
                ),
            )
        scope = scope or licence.scope
    if held:
        licence.state = Licence.LicenceState.HELD
    version = _next_version(
        licence,
        case,
        kind=kind,
        on=on,
        actor=actor,
        scope=scope,
        valid_from=new_from,
        valid_until=new_until,
    )
    return LicenceChange(
        licence,
        version,
        "grant",
        {
            **base,
            "version": version.number,
            "scope": scope,
            "valid_from": new_from.isoformat(),
            "valid_until": new_until.isoformat() if new_until else None,
        },
    )


def grant_defaults(case: Case, on: datetime.date) -> dict:
    """What the grant form of an acting case starts with: the licence's current terms, and for
    a renewal the validity that follows them."""
    licence = case.target_licence
    if licence is None or not acts_on_licence(case.handling_item):
        return {"valid_from": on.isoformat()}
    out = {
        "scope": licence.scope,
        "valid_from": licence.valid_from.isoformat(),
        "valid_until": licence.valid_until.isoformat() if licence.valid_until else "",
    }
    if case.handling_item.variant == Variant.RENEWAL and licence.valid_until is not None:
        follows = licence.valid_until + datetime.timedelta(days=1)
        until = renewed_until(case.handling_item, licence, follows)
        out.update(valid_from=follows.isoformat(), valid_until=until.isoformat() if until else "")
    return out


# --- deemed renewal (第五十条第二款) --------------------------------------------------------------


@transaction.atomic
def deem_renewed(case: Case, *, today: datetime.date) -> Case | None:
    """The bureau did not decide on a renewal before the licence expired: the law deems it
    granted. Run by the worker the day after the last day of validity; the licence gets its next
    version from that day, for the period the item sets (else as long as the current one), and
    the deemed renewal's notice and the new licence are due. Returns None when not due."""
    case = lock(case)
    if (
        case.state not in DEEMABLE_STATES
        or case.target_licence_id is None
        or case.handling_item.variant != Variant.RENEWAL
    ):
        return None
    licence = (
        Licence.objects.select_for_update(of=("self",))
        .select_related("holder")
        .get(pk=case.target_licence_id)
    )
    if (
        licence.state != Licence.LicenceState.VALID
        or licence.valid_until is None
        or today <= licence.valid_until
    ):
        return None
    expired_on = licence.valid_until
    start = expired_on + datetime.timedelta(days=1)
    until = renewed_until(case.handling_item, licence, start)
    open_suspension = (
        Suspension.objects.select_for_update().filter(case=case, resumed_on__isnull=True).first()
    )
    if open_suspension is not None:
        # The expiry is a fixed date of 第五十条, not a time limit 第四十五条 stops.
        open_suspension.resumed_on = today
        open_suspension.save(update_fields=["resumed_on"])
    version = _next_version(
        licence,
        case,
        kind=LicenceVersion.Kind.RENEWAL,
        on=today,
        actor=None,
        scope=licence.scope,
        valid_from=start,
        valid_until=until,
        deemed=True,
    )
    due = rules.delivery_due(calendar(), today)
    case.decided_on, case.delivery_due = today, due.date

    def link_version(
        event: CaseEvent,
    ) -> None:  # before the licence document is issued with the act
        version.event = event
        version.save(update_fields=["event"])

    event = move(
        case,
        "deem_renewed",
        actor=None,
        on=today,
        notice_due="deemed_renewal",
        update_fields=["decided_on", "delivery_due"],
        attach=link_version,
        reason=_("有效期届满前未作出是否准予延续的决定，依法视为准予延续"),
        data={
            "licence": licence.number,
            "name": licence.name,
            "holder": licence.holder.name,
            "variant": Variant.RENEWAL,
            "version": version.number,
            "scope": licence.scope,
            "expired_on": expired_on.isoformat(),
            "valid_from": start.isoformat(),
            "valid_until": until.isoformat() if until else None,
            "basis": DEEMED_RENEWAL_BASIS,
            "delivery_due": due.date.isoformat(),
            "delivery_due_provisional": due.provisional,
            "suspension_closed": open_suspension is not None,
        },
    )
    record(
        "cases.deem_renewed",
        actor=None,
        subject=licence,
        region_code=case.region_code,
        summary=f"{licence.number} 视为准予延续至{until.isoformat() if until else '长期'}",
        data={"case": case.number, "version": version.number, "expired_on": expired_on.isoformat()},
    )
    # 审管联动: the department supervises the renewed licence as it would a granted one; pushed
    # in this transaction (outbox), like every decision.
    push_decision(case, event, licence=licence)
    return case


def deemed_renewal_candidates(today: datetime.date) -> QuerySet[Case]:
    return Case.objects.filter(
        handling_item__variant=Variant.RENEWAL,
        state__in=DEEMABLE_STATES,
        target_licence__state=Licence.LicenceState.VALID,
        target_licence__valid_until__lt=today,
    )


# --- reminders before expiry ------------------------------------------------------------------


def reminder_candidates(today: datetime.date) -> QuerySet[Licence]:
    """Licences in force that expire within the longest reminder period and whose holder has
    not applied for their renewal yet."""
    renewing = Case.objects.filter(
        target_licence=OuterRef("pk"),
        state__in=UNDECIDED_STATES,
        handling_item__variant=Variant.RENEWAL,
    )
    return Licence.objects.filter(
        state=Licence.LicenceState.VALID,
        valid_until__gte=today,
        valid_until__lte=today + datetime.timedelta(days=max(REMINDER_DAYS)),
    ).exclude(Exists(renewing))


def reminder_threshold(valid_until: datetime.date, today: datetime.date) -> int | None:
    """The nearest reminder period that `today` has reached (90, 60 or 30 days before expiry)."""
    left = (valid_until - today).days
    reached = [days for days in REMINDER_DAYS if left <= days]
    return min(reached) if reached else None


def reminder_text(licence: Licence, days_before: int) -> str:
    # Only a licence with an expiry date is reminded (`remind`).
    valid_until = cast(datetime.date, licence.valid_until)
    return _(
        "您持有的{name}（证照编号{number}）将于{until}到期。需要继续从事许可事项的，请在有效期届满30日前"
        "（{deadline}前）申请延续（《中华人民共和国行政许可法》第五十条）。"
    ).format(
        name=licence.name,
        number=licence.number,
        until=rules_date(valid_until),
        deadline=rules_date(valid_until - datetime.timedelta(days=RENEWAL_LEAD_DAYS)),
    )


def _recipient(licence: Licence) -> str:
    holder = licence.holder
    return holder.email or (getattr(holder.user, "email", "") if holder.user_id else "")


def remind(licence: Licence, *, today: datetime.date) -> ExpiryReminder | None:
    """Record today's reminder for one licence once per expiry date and period, and e-mail it
    when the holder has an address and e-mail is configured, unless an observer
    (`notices.observe_reminders`: the notifications) tells the holder's accounts instead. The row is committed before the
    mail goes out, so a second worker never sends the same reminder twice; a failed mail is
    logged and leaves `emailed_at` empty."""
    days = reminder_threshold(licence.valid_until, today) if licence.valid_until else None
    if days is None:
        return None
    # A reminder period was reached, so the licence has an expiry date.
    valid_until = cast(datetime.date, licence.valid_until)
    try:
        with transaction.atomic():
            reminder = ExpiryReminder.objects.create(
                licence=licence,
                valid_until=valid_until,
                days_before=days,
                on=today,
                emailed_to=_recipient(licence),
            )
            record(
                "cases.expiry_reminder",
                actor=None,
                subject=licence,
                region_code=licence.case.region_code,
                summary=f"{licence.number} 到期前{days}日提醒",
                data={"valid_until": valid_until.isoformat(), "days_before": days},
            )
            # A holder with an account is told through the message box and the channels
            # they chose (notifications); the plain e-mail below is for the others.
            delivered_elsewhere = notices.reminder_recorded(reminder)
    except IntegrityError:
        return None  # reminded already (here or by another worker)
    if notices.mails_reminder(reminder, delivered_elsewhere=delivered_elsewhere):
        try:
            send_mail(
                _("证照到期提醒：{name}").format(name=licence.name),
                reminder_text(licence, days),
                settings.DEFAULT_FROM_EMAIL,
                [reminder.emailed_to],
            )
        except Exception:
            logger.exception("mailing the expiry reminder of licence %s failed", licence.number)
        else:
            reminder.emailed_at = timezone.now()
            reminder.save(update_fields=["emailed_at"])
    return reminder


# --- the item's own renewal period ------------------------------------------------------------


@transaction.atomic
def set_renewal_lead_time(
    item: Item, *, actor: "User", days: int | None, basis: str = ""
) -> RenewalLeadTime | None:
    """Record that an item's own law sets another period before expiry for a renewal
    application than the 30 days of 第五十条 (days None: back to 30 days). Catalogue
    administrators of the item's region."""
    item = Item.objects.select_related("catalogue__region").get(pk=item.pk)
    if not has_role(actor, Role.CATALOGUE_ADMIN, item.catalogue.region):
        raise NotPermitted()
    row = RenewalLeadTime.objects.select_for_update().filter(item=item).first()
    if days is None:
        if row is not None:
            record(
                "cases.renewal_lead_time",
                actor=actor,
                subject=item,
                region_code=item.catalogue.region.code,
                summary=f"{item} 延续申请期限恢复为届满{RENEWAL_LEAD_DAYS}日前",
                data={"days": None},
            )
            row.delete()
        return None
    errors = {}
    try:
        days = int(str(days).strip())
    except (TypeError, ValueError):
        days = None
    if days is None or not 1 <= days <= 366:
        errors["days"] = [_("天数须为1至366之间的整数")]
    if not str(basis or "").strip():
        errors["basis"] = [_("请填写规定该期限的法律依据")]
    fail_fields(errors)
    if row is None:
        row = RenewalLeadTime(item=item)
    # fail_fields refused a missing or out-of-range `days` above.
    row.days, row.basis, row.set_by = cast(int, days), basis.strip(), stored_user(actor)
    row.save()
    record(
        "cases.renewal_lead_time",
        actor=actor,
        subject=item,
        region_code=item.catalogue.region.code,
        summary=f"{item} 延续申请期限：届满{row.days}日前",
        data={"days": row.days, "basis": row.basis},
    )
    return row
