"""Reads of the linkage: what a department's inbox shows, what the bureau sees on a case, and
the lists e-supervision shows (unsigned pushes, overdue support requests).

Scoping: a bureau or oversight reader passes `prefix` from organisation.rules.scope_prefix
("" everything, None nothing); a department sees only what was sent to it."""

import datetime

from django.db.models import BooleanField, Case, ExpressionWrapper, Q, QuerySet, Value, When

from .models import Push, SupportRequest


def _flag(condition: Q, name: str) -> dict:
    return {name: Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())}


# --- for e-supervision --------------------------------------------------------------------


def unsigned_pushes(prefix: str | None, *, today: datetime.date) -> QuerySet[Push]:
    """Pushes not yet signed for in the regions under `prefix`, oldest due first. Each row has
    `sign_due` (the last working day to sign) and `overdue` (True when `today` is past it)."""
    return (Push.objects.under(prefix).unsigned()
            .annotate(**_flag(Q(sign_due__lt=today), "overdue"))
            .select_related("case", "department", "case__handling_item")
            .order_by("sign_due", "id"))


def overdue_support_requests(prefix: str | None, *, today: datetime.date) -> QuerySet[SupportRequest]:
    """Technical support requests still unanswered after their due date (`due_on`) in the
    regions under `prefix`, oldest due first; `overdue` is True on every row."""
    return (SupportRequest.objects.under(prefix)
            .filter(state=SupportRequest.RequestState.OPEN, due_on__lt=today)
            .annotate(overdue=ExpressionWrapper(Value(True), output_field=BooleanField()))
            .select_related("case", "department", "requested_by")
            .order_by("due_on", "id"))
