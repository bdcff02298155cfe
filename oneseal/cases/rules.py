"""Pure rules of a case: the transition table and the clocks (no database).

Clocks (《行政许可法》第三十二条、第四十二条、第四十四条、第四十五条、第八十二条; 《民法典》第二百零一条):
- acceptance: within 5 working days after the materials arrive, else deemed accepted as of
  the day they arrived; a correction's arrival starts the 5 days again;
- decision: the statutory limit (20 working days, 45 for joint handling, unless the item says
  otherwise) and the bureau's promised limit, both counted from acceptance;
- suspension: the working days left after the suspension day up to each due date it stops are
  kept, and on resumption each such due date becomes that many working days after the
  resumption day. Only the procedures of 第四十五条 (and those the item's own law adds, cited
  in its guide) stop the statutory clock; any other (a site survey, a technical-support
  request) stops only the promised one;
- extension: once, +10 working days (+15 for joint handling);
- delivery: within 10 working days after the decision.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from oneseal.calendars.rules import WorkCalendar, WorkDate
from oneseal.catalogue.models import ReviewStep, SpecialProcedure

from .models import OPEN_STATES, State

ACCEPTANCE_DAYS = 5
STATUTORY_DAYS = 20
STATUTORY_DAYS_JOINT = 45
EXTENSION_DAYS = 10
EXTENSION_DAYS_JOINT = 15
DELIVERY_DAYS = 10

OPEN = tuple(OPEN_STATES)

# action → (states it may start from, state it leads to; None keeps the state)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "accept": ((State.RECEIVED,), State.ACCEPTED),
    "deem_accepted": ((State.RECEIVED,), State.ACCEPTED),
    "refuse": ((State.RECEIVED,), State.REFUSED),
    "request_correction": ((State.RECEIVED,), State.AWAITING_CORRECTION),
    # The clerk checks the materials while deciding on acceptance.
    "check_materials": ((State.RECEIVED,), None),
    "submit_correction": ((State.AWAITING_CORRECTION,), State.RECEIVED),
    # Files come with the application, its correction, and until the decision.
    "attach_file": ((State.RECEIVED, State.AWAITING_CORRECTION, State.ACCEPTED), None),
    # An intermediary's deliverable also comes while the case is suspended for its testing.
    "attach_deliverable": (
        (State.RECEIVED, State.AWAITING_CORRECTION, State.ACCEPTED, State.SUSPENDED),
        None,
    ),
    "complete_review_step": ((State.ACCEPTED,), None),
    # A site survey can itself be the special procedure the case is suspended for.
    "record_site_inspection": ((State.ACCEPTED, State.SUSPENDED), None),
    "assign_step": ((State.ACCEPTED, State.SUSPENDED), None),
    "suspend": ((State.ACCEPTED,), State.SUSPENDED),
    "resume": ((State.SUSPENDED,), State.ACCEPTED),
    "request_extension": ((State.ACCEPTED,), None),
    "approve_extension": ((State.ACCEPTED,), None),
    "reject_extension": ((State.ACCEPTED, State.SUSPENDED), None),
    "grant": ((State.ACCEPTED,), State.GRANTED),
    # The results of a stage or life event told together, on the case decided last.
    "record_joint_result": (
        (
            State.GRANTED,
            State.DENIED,
            State.DELIVERED,
            State.REFUSED,
            State.WITHDRAWN,
            State.TERMINATED,
        ),
        None,
    ),
    "deny": ((State.ACCEPTED,), State.DENIED),
    "deliver": ((State.GRANTED, State.DENIED), State.DELIVERED),
    "withdraw": (OPEN, State.WITHDRAWN),
    "terminate": (OPEN, State.TERMINATED),
    # Tolerated materials (容缺受理) are owed until supplied, even after the licence is out.
    "supply_tolerated_material": (
        (State.ACCEPTED, State.SUSPENDED, State.GRANTED, State.DELIVERED),
        None,
    ),
    "promise_overdue": ((State.ACCEPTED, State.SUSPENDED, State.GRANTED, State.DELIVERED), None),
    "revoke_licence": ((State.GRANTED, State.DELIVERED), None),
    # Commitment approval (告知承诺): the commitment is part of the application, so it can be
    # recorded until the decision (a case deemed accepted gets it after acceptance); it is
    # verified once a licence exists, and a false one goes on the applicant's credit record.
    "record_commitment": (
        (State.RECEIVED, State.AWAITING_CORRECTION, State.ACCEPTED, State.SUSPENDED),
        None,
    ),
    "verify_commitment": ((State.GRANTED, State.DELIVERED), None),
    "verification_overdue": ((State.GRANTED, State.DELIVERED), None),
    "record_credit": ((State.GRANTED, State.DELIVERED), None),
    # A new official calendar moves the dates of a running clock (第八十二条).
    "recompute_due_dates": (
        (State.RECEIVED, State.ACCEPTED, State.SUSPENDED, State.GRANTED),
        None,
    ),
    # 第五十条第二款: a renewal undecided when the licence expires is deemed granted.
    "deem_renewed": ((State.RECEIVED, State.ACCEPTED, State.SUSPENDED), State.GRANTED),
}


def transition_blockers(action: str, state: str) -> list[str]:
    sources, _target = TRANSITIONS[action]
    if state not in sources:
        return [str(_("办件当前状态为“{state}”，不能执行此操作")).format(state=State(state).label)]
    return []


def sources(action: str) -> tuple[str, ...]:
    """The states `action` may start from."""
    return TRANSITIONS[action][0]


def target_state(action: str, state: str) -> str:
    return TRANSITIONS[action][1] or state


def statutory_days(statutory_limit_days: int | None, is_joint: bool) -> int:
    if statutory_limit_days is not None:
        return statutory_limit_days
    return STATUTORY_DAYS_JOINT if is_joint else STATUTORY_DAYS


@dataclass(frozen=True)
class Dues:
    """The two decision due dates, each with its own provisional flag: each counts over its own
    span, so a promise that ends in December is certain while the statutory date of the same case
    falls in a January whose schedule is not yet published."""

    promised: datetime.date
    statutory: datetime.date
    promised_provisional: bool
    statutory_provisional: bool

    @property
    def provisional(self) -> bool:
        """Either date is provisional: what the recalculation after a published schedule
        looks for."""
        return self.promised_provisional or self.statutory_provisional

    def as_data(self) -> dict[str, str | bool]:
        """The dates and flags as an event records them ("provisional" is either, as events
        recorded it before the dates had a flag each)."""
        return {
            "promised_due": self.promised.isoformat(),
            "statutory_due": self.statutory.isoformat(),
            "provisional": self.provisional,
            "promised_due_provisional": self.promised_provisional,
            "statutory_due_provisional": self.statutory_provisional,
        }


def acceptance_due(cal: WorkCalendar, arrived_on: datetime.date) -> WorkDate:
    return cal.add(arrived_on, ACCEPTANCE_DAYS)


def decision_dues(
    cal: WorkCalendar,
    accepted_on: datetime.date,
    *,
    promised_days: int | None,
    statutory_limit_days: int | None,
    is_joint: bool,
    is_instant: bool,
) -> Dues:
    if is_instant:
        same = cal.is_provisional(accepted_on, accepted_on)
        return Dues(accepted_on, accepted_on, same, same)
    s_days = statutory_days(statutory_limit_days, is_joint)
    p_days = s_days if promised_days is None else min(promised_days, s_days)
    p, s = cal.add(accepted_on, p_days), cal.add(accepted_on, s_days)
    return Dues(p.date, s.date, p.provisional, s.provisional)


def remaining(cal: WorkCalendar, on: datetime.date, due: datetime.date) -> int:
    """Working days after `on` up to `due`; negative when `due` has passed."""
    return cal.between(on, due)


def _from(cal: WorkCalendar, on: datetime.date, n: int) -> WorkDate:
    return cal.add(on, n) if n >= 0 else cal.before(on, -n)


STATUTORY_SUSPENSION_BASIS = "《中华人民共和国行政许可法》第四十五条"


def suspension_stops_statutory(
    kind: str, *, guide_basis: str = "", technical_support: bool = False
) -> tuple[bool, str]:
    """Whether a suspension for `kind` stops the statutory clock, and the law that says so.
    第四十五条 leaves out the time of 听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审; any other
    procedure (现场勘验), or a request for technical support, counts against the statutory limit
    unless the item's own law says otherwise — which its guide then cites (`guide_basis`)."""
    if guide_basis.strip():
        return True, guide_basis.strip()
    if kind in SpecialProcedure.STATUTORY_KINDS and not technical_support:
        return True, STATUTORY_SUSPENSION_BASIS
    return False, ""


def resumed_dues(
    cal: WorkCalendar,
    before: Dues,
    *,
    accepted_on: datetime.date,
    suspended_on: datetime.date,
    resumed_on: datetime.date,
    left: tuple[int, int | None],
) -> Dues:
    """The due dates after a suspension (《行政许可法》第四十五条): each stopped clock gets back the
    working days it had left at `suspended_on` (`left`, promised and statutory), counted from
    `resumed_on`; a statutory clock that ran on through the suspension (its `left` None) keeps
    its date (`before.statutory`).

    A date is provisional when any day it was counted over lies in a year with no official
    schedule — the days after the resumption, and the days used before the suspension, which
    decided how many were left (from `accepted_on`; a year spent wholly in an earlier
    suspension counts too, which errs on the side of the mark). A date that ran on keeps its
    own flag, and so does a promise cut back to it."""
    promised_left, statutory_left = left
    used_provisional = cal.is_provisional(accepted_on, suspended_on)
    p = _from(cal, resumed_on, promised_left)
    promised, promised_provisional = p.date, p.provisional or used_provisional
    if statutory_left is None:
        # The promise never outlasts the law: a promised clock that stood still while the
        # statutory one ran cannot end after it.
        if promised > before.statutory:
            promised, promised_provisional = before.statutory, before.statutory_provisional
        return Dues(promised, before.statutory, promised_provisional, before.statutory_provisional)
    s = _from(cal, resumed_on, statutory_left)
    return Dues(promised, s.date, promised_provisional, s.provisional or used_provisional)


def extended_dues(cal: WorkCalendar, dues: Dues, *, is_joint: bool) -> Dues:
    days = EXTENSION_DAYS_JOINT if is_joint else EXTENSION_DAYS
    p, s = cal.add(dues.promised, days), cal.add(dues.statutory, days)
    # Each date keeps the flag of the span it was counted over before the extension.
    return Dues(
        p.date,
        s.date,
        p.provisional or dues.promised_provisional,
        s.provisional or dues.statutory_provisional,
    )


def delivery_due(cal: WorkCalendar, decided_on: datetime.date) -> WorkDate:
    return cal.add(decided_on, DELIVERY_DAYS)


class Warning:
    NONE = ""
    YELLOW = "yellow"
    RED = "red"
    STATUTORY = "statutory"


def warning_level(
    cal: WorkCalendar,
    today: datetime.date,
    promised_due: datetime.date | None,
    statutory_due: datetime.date | None,
    *,
    yellow_at: int,
    statutory_alarm_at: int,
) -> str:
    """Statutory alarm when the legal wall is within `statutory_alarm_at` working days or passed;
    red when the promise is broken (any day after the due date, a weekend included); yellow when
    `yellow_at` promised days or fewer remain."""
    if statutory_due is not None and (
        today > statutory_due or remaining(cal, today, statutory_due) <= statutory_alarm_at
    ):
        return Warning.STATUTORY
    if promised_due is None:
        return Warning.NONE
    if today > promised_due:
        return Warning.RED
    left = remaining(cal, today, promised_due)
    if left <= yellow_at:
        return Warning.YELLOW
    return Warning.NONE


# --- Review and decision ------------------------------------------------------------------


def decision_index(roles: list[str]) -> int | None:
    """Which of a handling item's ordered review steps is the decision: the last one a
    signatory holds. Steps before it are reviewed first; steps after it (issuing, handing
    out) follow the decision. None when no step is a signatory's."""
    found = None
    for i, role in enumerate(roles):
        if role == ReviewStep.Role.SIGNATORY:
            found = i
    return found


def leading_clerk_steps(roles: list[str]) -> int:
    """How many steps at the start are the window's (受理): acceptance itself completes them."""
    n = 0
    for role in roles:
        if role != ReviewStep.Role.CLERK:
            break
        n += 1
    return n


RECONSIDERATION_DAYS = 60
LITIGATION_MONTHS = 6


def remedies(region_name: str) -> dict:
    """The rights a denial (or any adverse decision) must state (第三十八条第二款): administrative
    reconsideration within 60 days (《行政复议法》第二十条), heard by the people's government at
    the bureau's level (同法第二十四条第一款第（一）项), or a lawsuit within 6 months
    (《行政诉讼法》第四十六条; the "three months" of old templates has been wrong since 2015)."""
    return {
        "reconsideration": {
            "days": RECONSIDERATION_DAYS,
            "body": f"{region_name}人民政府",
            "basis": "《中华人民共和国行政复议法》第二十条",
        },
        "litigation": {
            "months": LITIGATION_MONTHS,
            "court": "有管辖权的人民法院",
            "basis": "《中华人民共和国行政诉讼法》第四十六条",
        },
    }


def licence_number(region_code: str, year: int, n: int) -> str:
    return f"{region_code}{year}L{n:06d}"


# --- Who may apply, and through whom (《行政许可法》第二十九条) --------------------------------


def serves(applicant_type: str, applicant_kind: str) -> bool:
    """Whether a handling item whose guide names `applicant_type` (person, organisation or
    both) serves an applicant of `applicant_kind` (person or organisation)."""
    return applicant_type in ("both", applicant_kind)


def names_agent(agent_name: str, agent_id_number: str) -> bool:
    """An application names an agent (代办人) as soon as either the name or the number is
    given; `receive` then requires both."""
    return bool((agent_name or "").strip() or (agent_id_number or "").strip())


def is_power_of_attorney(applies_to: str, name: str) -> bool:
    """The material an agent's application rests on (授权委托书, 第二十九条第二款): a material
    marked for the agent's situation, or, in a guide whose materials carry no situation (an
    imported list, the generic guides), the material that names the power of attorney."""
    applies = applies_to or "all"
    return applies == "agent" or (applies == "all" and "委托书" in name)
