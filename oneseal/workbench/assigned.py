"""What has been given to one member of staff by name (我的待办 · 指派给我), gathered from the
apps that assign: a review step (cases.assign_step), a bad rating's follow-up
(ratings.assign_follow_up), a technical support request routed to a transition liaison or
escalated to the department (linkage), a push the department has not signed for by its due
date and that was escalated (linkage.escalate_late_pushes), and the applicant's correction
reply to the correction notice the clerk issued (cases.submit_correction after
request_correction).

Every source is scoped by the user's region (organisation.rules.scope_prefix) as well as by
the name on it. `assigned_count` counts them all in one query, for the navigation on every
page; `assigned_to` lists them for the page."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet, Subquery, Value
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oneseal.cases.models import Case, CaseEvent, CaseStep, State
from oneseal.cases.queries import Viewer
from oneseal.linkage.actors import acting_department
from oneseal.linkage.models import Push, Scope, SupportRequest
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role, scope_prefix
from oneseal.prepared import KeptCount
from oneseal.ratings.models import FollowUp
from oneseal.regions.rules import prefix_scope

KIND_LABELS = {
    "step": gettext_lazy("审批环节"),
    "correction": gettext_lazy("补正材料已提交"),
    "follow_up": gettext_lazy("差评核实整改"),
    "support": gettext_lazy("技术支撑请求"),
    "push": gettext_lazy("逾期未签收推送（督办）"),
}


@dataclass(frozen=True)
class Assigned:
    kind: str
    number: str
    what: str
    due: datetime.date | None
    url: str
    overdue: bool

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


def _sources(user: Viewer) -> dict[str, QuerySet]:
    """Each kind's rows given to `user`, unordered; only the kinds that can hold any."""
    prefix = scope_prefix(user)
    if prefix is None or not getattr(user, "is_authenticated", False):
        return {}
    out: dict[str, QuerySet] = {
        "step": CaseStep.objects.filter(
            prefix_scope(prefix, "case__region_code"),
            assignee=user.pk,
            state=CaseStep.StepState.PENDING,
            case__state__in=(State.ACCEPTED, State.SUSPENDED),
        ),
        "follow_up": FollowUp.objects.filter(
            prefix_scope(prefix, "region_code"),
            assignee=user.pk,
            state=FollowUp.FollowUpState.OPEN,
        ),
        "support": SupportRequest.objects.filter(
            prefix_scope(prefix, "region_code"),
            liaison=user.pk,
            state=SupportRequest.RequestState.OPEN,
        ),
    }
    if has_role(user, Role.CLERK):
        requests = CaseEvent.objects.filter(action="request_correction")
        last_request = requests.filter(case=OuterRef("pk")).order_by("-seq").values("actor")[:1]
        # Back at "received" after a correction notice: only the reply brings it there. The
        # cases the user ever asked to correct come first, by their index on the requests
        # (cases 0020): tested one by one, every received case of a province's superuser
        # looked up its last request (4,110 at 1,000,000 cases, 25–35 ms on every page).
        out["correction"] = (
            Case.objects.filter(
                prefix_scope(prefix, "region_code"),
                Exists(requests.filter(case=OuterRef("pk"), actor=user.pk)),
                state=State.RECEIVED,
            )
            .alias(requester=Subquery(last_request))
            .filter(requester=user.pk)
        )
    # A supervisor's own department: the linkage API's rule, so the desk and the API agree.
    acting = acting_department(user, Scope.PUSHES_READ)
    if acting is not None:
        department = acting.pk
        out["push"] = Push.objects.filter(
            prefix_scope(prefix, "region_code"),
            department=department,
            signed_on__isnull=True,
            escalated_on__isnull=False,
        )
        escalated = SupportRequest.objects.filter(
            prefix_scope(prefix, "region_code"),
            department=department,
            state=SupportRequest.RequestState.OPEN,
            escalated_on__isnull=False,
            liaison__isnull=True,
        )
        out["support"] = out["support"] | escalated
    return out


def _count_inputs(user: Viewer) -> tuple:
    """What `_sources` reads of the user, the key of its kept count (`_COUNT`). A source that comes to read
    anything else of the user (or today's date) must add it here, or one user's count would
    run the statement made for another."""
    acting = acting_department(user, Scope.PUSHES_READ)
    return (
        user.pk,
        scope_prefix(user),
        bool(getattr(user, "is_authenticated", False)),
        has_role(user, Role.CLERK),
        None if acting is None else acting.pk,
    )


# The count's statement, kept by `_count_inputs`: building the sources' UNION and compiling
# it was most of the navigation's CPU on every staff page (about 3 ms of a queue page's 40).
_COUNT = KeptCount()


def assigned_count(user: Viewer) -> int:
    """How many rows are given to `user`: one query (a UNION ALL of the sources), none for
    someone without a region."""

    def build() -> QuerySet | None:
        sources = [qs.order_by().values_list(Value(1)) for qs in _sources(user).values()]
        return sources[0].union(*sources[1:], all=True) if sources else None

    return _COUNT(_count_inputs(user), build)


def assigned_to(user: Viewer, *, today: datetime.date) -> list[Assigned]:
    """The rows given to `user`, the nearest due date first (none last): one query per kind."""
    sources = _sources(user)
    rows: list[Assigned] = []
    for step in sources.get("step", CaseStep.objects.none()).select_related(
        "case__handling_item__item_version"
    ):
        case = step.case
        rows.append(
            Assigned(
                "step",
                case.number,
                _("{item}：{step}").format(
                    item=case.handling_item.item_version.name, step=step.name
                ),
                case.promised_due,
                reverse("workbench:case", args=[case.pk]) + "#act-complete-review-step",
                case.promised_due is not None and case.promised_due < today,
            )
        )
    for case in sources.get("correction", Case.objects.none()).select_related(
        "handling_item__item_version", "applicant"
    ):
        rows.append(
            Assigned(
                "correction",
                case.number,
                _("{applicant}：{item}").format(
                    applicant=case.applicant.name, item=case.handling_item.item_version.name
                ),
                case.acceptance_due,
                reverse("workbench:intake-case", args=[case.pk]),
                case.acceptance_due is not None and case.acceptance_due < today,
            )
        )
    for follow_up in sources.get("follow_up", FollowUp.objects.none()).select_related(
        "rating__case__handling_item__item_version"
    ):
        case = follow_up.rating.case
        rows.append(
            Assigned(
                "follow_up",
                case.number,
                _("{item}：{score}分").format(
                    item=case.handling_item.item_version.name, score=follow_up.rating.score
                ),
                follow_up.due_on,
                reverse("ratings:follow_up", args=[follow_up.pk]),
                follow_up.due_on < today,
            )
        )
    for support in sources.get("support", SupportRequest.objects.none()).select_related(
        "case", "department"
    ):
        rows.append(
            Assigned(
                "support",
                support.case.number,
                _("{department}：{kind}").format(
                    department=support.department, kind=support.get_kind_display()
                ),
                support.due_on,
                reverse("linkage:support", args=[support.pk]),
                support.due_on < today,
            )
        )
    for push in sources.get("push", Push.objects.none()).select_related(
        "case__handling_item__item_version"
    ):
        rows.append(
            Assigned(
                "push",
                push.case.number,
                _("{item}：{decision}").format(
                    item=push.case.handling_item.item_version.name,
                    decision=push.get_decision_display(),
                ),
                push.sign_due,
                reverse("linkage:push", args=[push.pk]),
                True,
            )
        )
    far = datetime.date.max
    rows.sort(key=lambda r: (r.due or far, r.number))
    return rows
