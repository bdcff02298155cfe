"""Reads of the linkage: what a department's inbox shows, what the bureau sees on a case, and
the lists e-supervision shows (unsigned pushes, overdue support requests).

Scoping: a bureau or oversight reader passes `prefix` from organisation.rules.scope_prefix
("" everything, None nothing); a department sees only what was sent to it."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import BooleanField, Case, ExpressionWrapper, Q, QuerySet, Value, When

from oneseal.actors import User
from oneseal.cases import models as cases
from oneseal.catalogue.models import Item
from oneseal.organisation.models import Department
from oneseal.regions.rules import prefix_scope

from .actors import acting_department
from .models import (
    DutyBoundary,
    Feedback,
    OpinionRequest,
    OutboxMessage,
    Push,
    PushQuerySet,
    Scope,
    SupportRequest,
)


def _flag(condition: Q, name: str) -> dict:
    return {
        name: Case(
            When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    }


# --- for e-supervision --------------------------------------------------------------------


def unsigned_pushes(prefix: str | None, *, today: datetime.date) -> QuerySet[Push]:
    """Pushes not yet signed for in the regions under `prefix`, oldest due first. Each row has
    `sign_due` (the last working day to sign) and `overdue` (True when `today` is past it)."""
    return (
        Push.objects.under(prefix)
        .unsigned()
        .annotate(**_flag(Q(sign_due__lt=today), "overdue"))
        .select_related("case", "department", "case__handling_item")
        .order_by("sign_due", "id")
    )


def overdue_support_requests(
    prefix: str | None, *, today: datetime.date
) -> QuerySet[SupportRequest]:
    """Technical support requests still unanswered after their due date (`due_on`) in the
    regions under `prefix`, oldest due first; `overdue` is True on every row."""
    return (
        SupportRequest.objects.under(prefix)
        .filter(state=SupportRequest.RequestState.OPEN, due_on__lt=today)
        .annotate(overdue=ExpressionWrapper(Value(True), output_field=BooleanField()))
        .select_related("case", "department", "requested_by")
        .order_by("due_on", "id")
    )


def overdue_opinion_requests(
    prefix: str | None, *, today: datetime.date
) -> QuerySet[OpinionRequest]:
    """Opinion requests still unanswered after their limit (`due_on`) in the regions under
    `prefix`, oldest due first. A request whose silence counts as consent drops out when the
    worker records it deemed; until then it is listed too."""
    return (
        OpinionRequest.objects.under(prefix)
        .filter(state=OpinionRequest.RequestState.OPEN, due_on__lt=today)
        .annotate(overdue=ExpressionWrapper(Value(True), output_field=BooleanField()))
        .select_related("case", "joint_step__project", "department")
        .order_by("due_on", "id")
    )


# --- for the bureau: a case's linkage -----------------------------------------------------


@dataclass(frozen=True)
class CaseLinkage:
    pushes: list
    feedback: list
    support_requests: list
    opinion_requests: list

    @property
    def open_revocation_requests(self) -> list:
        return [f for f in self.feedback if f.request_state == Feedback.RequestState.OPEN]


def case_linkage(case: cases.Case) -> CaseLinkage:
    """Everything the linkage holds on a case the caller may already see (scope it with
    cases.queries.visible_cases first): pushes with their signatures, the departments'
    feedback, technical support requests with their answers and files. For the workbench's
    case page and the licence."""
    return CaseLinkage(
        pushes=list(
            Push.objects.filter(case=case).select_related("department").order_by("pushed_on", "id")
        ),
        feedback=list(
            Feedback.objects.filter(case=case)
            .select_related("department", "licence", "handled_by")
            .order_by("-on", "-id")
        ),
        support_requests=list(
            SupportRequest.objects.filter(case=case)
            .select_related("department")
            .prefetch_related("attachments")
            .order_by("-requested_on", "-id")
        ),
        opinion_requests=case_opinions(case),
    )


def case_opinions(case: cases.Case) -> list[OpinionRequest]:
    """The opinions asked on the case itself and on the joint steps it uses, oldest first."""
    return list(
        OpinionRequest.objects.filter(Q(case=case) | Q(joint_step__cases=case))
        .select_related("department", "joint_step")
        .prefetch_related("attachments")
        .distinct()
        .order_by("requested_on", "id")
    )


def feedback_on_licence(licence: cases.Licence) -> QuerySet[Feedback]:
    return (
        Feedback.objects.filter(licence=licence).select_related("department").order_by("-on", "-id")
    )


# --- for a department ---------------------------------------------------------------------


def department_pushes(actor: User, scope: str) -> PushQuerySet:
    """The pushes of the department `actor` acts for with `scope`; nothing for anyone else, so
    another department's push is simply not found."""
    department = acting_department(actor, scope)
    if department is None:
        return Push.objects.none()
    return Push.objects.filter(department=department).select_related(
        "case", "licence", "department"
    )


def department_support_requests(actor: User, scope: str) -> QuerySet[SupportRequest]:
    department = acting_department(actor, scope)
    if department is None:
        return SupportRequest.objects.none()
    return (
        SupportRequest.objects.filter(department=department)
        .select_related("case__handling_item__item_version", "case__applicant", "department")
        .prefetch_related("attachments")
    )


def department_opinion_requests(actor: User, scope: str) -> QuerySet[OpinionRequest]:
    """The opinion requests sent to the department `actor` acts for; nothing for anyone else."""
    department = acting_department(actor, scope)
    if department is None:
        return OpinionRequest.objects.none()
    return (
        OpinionRequest.objects.filter(department=department)
        .select_related(
            "case__handling_item__item_version",
            "case__applicant",
            "joint_step__project",
            "department",
        )
        .prefetch_related("attachments")
    )


def inbox(actor: User, *, today: datetime.date) -> dict:
    """A supervisor's inbox: pushes to sign (oldest due first, overdue flagged), the latest
    signed ones, open support requests and opinion requests."""
    pushes = department_pushes(actor, Scope.PUSHES_READ)
    requests = department_support_requests(actor, Scope.SUPPORT_READ)
    opinions = department_opinion_requests(actor, Scope.OPINIONS_READ)
    return {
        "opinions_open": list(
            opinions.filter(state=OpinionRequest.RequestState.OPEN)
            .annotate(**_flag(Q(due_on__lt=today), "overdue"))
            .order_by("due_on", "id")
        ),
        "opinions_closed": list(
            opinions.exclude(state=OpinionRequest.RequestState.OPEN).order_by(
                "-requested_on", "-id"
            )[:50]
        ),
        "to_sign": list(
            pushes.unsigned()
            .annotate(**_flag(Q(sign_due__lt=today), "overdue"))
            .order_by("sign_due", "id")
        ),
        "signed": list(pushes.filter(signed_on__isnull=False).order_by("-signed_on", "-id")[:50]),
        "support_open": list(
            requests.filter(state=SupportRequest.RequestState.OPEN)
            .annotate(**_flag(Q(due_on__lt=today), "overdue"))
            .order_by("due_on", "id")
        ),
        "support_answered": list(
            requests.filter(state=SupportRequest.RequestState.ANSWERED).order_by(
                "-answered_on", "-id"
            )[:50]
        ),
    }


# --- duty boundaries ----------------------------------------------------------------------


def duty_boundaries(region_code: str) -> QuerySet[DutyBoundary]:
    """The published list of a region: one entry per item, with the item's current name."""
    return (
        DutyBoundary.objects.filter(region_code=region_code)
        .select_related("item", "supervising_department")
        .prefetch_related("support_duties")
        .order_by("supervising_department__order", "item__basic_code")
    )


def item_names(items: Iterable[int | Item]) -> dict[int, str]:
    """The newest published name of each item (a boundary entry outlives item versions)."""
    from oneseal.catalogue.models import ItemVersion

    rows = (
        ItemVersion.objects.published()
        .filter(item__in=items)
        .order_by("item_id", "-number")
        .values_list("item_id", "name")
    )
    out: dict[int, str] = {}
    for item_id, name in rows:
        out.setdefault(item_id, name)
    return out


def dead_letters(prefix: str | None) -> QuerySet[OutboxMessage]:
    return (
        OutboxMessage.objects.under(prefix)
        .filter(state=OutboxMessage.MessageState.DEAD)
        .select_related("department")
    )


# --- for the signatory's queue ------------------------------------------------------------


def revocation_requests_to_decide(prefix: str | None) -> QuerySet[Feedback]:
    """The departments' revocation requests (建议撤销许可) in the regions under `prefix` that
    no signatory has answered yet, oldest first. A request taken up (`handled_on` set) waits
    on the revocation procedure instead, which the signatory's queue lists by itself."""
    return (
        Feedback.objects.filter(request_state=Feedback.RequestState.OPEN, handled_on__isnull=True)
        .filter(prefix_scope(prefix, "region_code"))
        .select_related("case__applicant", "case__region", "licence", "department")
        .order_by("on", "id")
        if prefix is not None
        else Feedback.objects.none()
    )


# --- what a department's supervisors must act on after an escalation -----------------------


def escalated_pushes(department: Department) -> QuerySet[Push]:
    """The department's pushes still unsigned after their due date and escalated (督办)."""
    return (
        Push.objects.filter(
            department=department, signed_on__isnull=True, escalated_on__isnull=False
        )
        .select_related("case__handling_item__item_version")
        .order_by("sign_due", "id")
    )
