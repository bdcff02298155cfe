"""Pure rules of publication: which case event is a publishable licence decision, how a natural
person's name is masked, and the 7-working-day limit."""

import datetime

from oneseal.calendars.rules import WorkCalendar, WorkDate

from .models import Kind

# 双公示: grant and penalty information goes to the credit platform within 7 working days of
# the decision (国办发〔2016〕… and the provinces' 双公示 rules); the decision day never counts.
PUBLICATION_DAYS = 7

# The events of `cases` that decide on a licence. A replacement copy (补证／换证) is not a new
# decision on the licence's terms and is not published; a denial grants nothing.
_GRANT_VARIANTS = {
    "": Kind.GRANT,
    "new": Kind.GRANT,
    "change": Kind.CHANGE,
    "renewal": Kind.RENEWAL,
    "cancellation": Kind.CANCELLATION,
}
DECISION_ACTIONS = frozenset({"grant", "deem_renewed", "revoke_licence", "terminate"})


def kind_of(action: str, data: dict | None) -> str | None:
    """The publication kind of a case event, or None when the event is no licence decision.
    A case terminated while its licence was held voids that licence (`decision.terminate`):
    published as a revocation, because the grant before it was published."""
    data = data or {}
    if action == "grant":
        return _GRANT_VARIANTS.get(data.get("variant") or "")
    if action == "deem_renewed":
        return Kind.RENEWAL
    if action == "revoke_licence":
        return Kind.REVOCATION
    if action == "terminate" and data.get("licence_voided"):
        return Kind.REVOCATION
    return None


def mask_person_name(name: str) -> str:
    """A natural person's name as published. The rule followed is the one the 信用中国 and the
    provinces' credit portals apply to 自然人 in 双公示 data (and GB/T 35273's de-identification
    of a name): the first character (the surname) and, for names of three characters or more,
    the last one stay; every character between becomes "*"; a two-character name keeps its
    first character. 张三 → 张*, 张三丰 → 张*丰, 欧阳小明 → 欧**明. Spaces are dropped first so
    no spacing reveals a length the mask hides."""
    chars = [c for c in name.strip() if not c.isspace()]
    if not chars:
        return ""
    if len(chars) == 1:
        return "*"
    if len(chars) == 2:
        return chars[0] + "*"
    return chars[0] + "*" * (len(chars) - 2) + chars[-1]


def publication_due(calendar: WorkCalendar, decided_on: datetime.date) -> WorkDate:
    """The last day to publish a decision of `decided_on`: the 7th working day after it."""
    return calendar.add(decided_on, PUBLICATION_DAYS)
