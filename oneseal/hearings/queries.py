"""Reads of hearings and interested parties, scoped like the cases they belong to, and the two
checks the decision asks (registered with `cases.decisions` in HearingsConfig.ready)."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from oneseal.applicants.queries import represented
from oneseal.cases.models import Case, CaseEvent, CaseStep, SiteInspection
from oneseal.cases.queries import Viewer, is_scoped_staff, staff_sees, visible_cases
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role, staff_of

from .models import AvoidanceRequest, Hearing, HearingRecord, InterestedParty, PartyStatement

OPEN_STATES = ("notified", "requested", "scheduled", "recorded")
# The review acts of a case: whoever did one of them reviewed it.
REVIEW_ACTIONS = ("complete_review_step", "record_site_inspection", "assign_step")


def took_part_in_review(user: Viewer, case: Case) -> bool:
    """Whether `user` reviewed the case: did or was assigned a review step, inspected the site,
    or recorded a review act on it."""
    pk = user.pk
    return (
        CaseStep.objects.filter(case=case)
        .filter(Q(done_by_id=pk) | Q(assignee_id=pk))
        .exclude(role="clerk")
        .exists()
        or SiteInspection.objects.filter(case=case, inspectors__pk=pk).exists()
        or CaseEvent.objects.filter(case=case, actor_id=pk, action__in=REVIEW_ACTIONS).exists()
        # Suspending the case for a special procedure other than the hearing itself (every
        # suspension's data names its kind).
        or CaseEvent.objects.filter(case=case, actor_id=pk, action="suspend")
        .exclude(data__kind="hearing")
        .exists()
    )


def presiding_problem(user: Viewer | None, case: Case, hearing: Hearing | None = None) -> str:
    """Why `user` may not preside over the case's hearing (第四十八条第一款第（三）项: 行政机关
    应当指定审查该行政许可申请的工作人员以外的人员为听证主持人), or "" when they may: an
    active reviewer or signatory of the case's region who took no part in reviewing it, and
    not one whose avoidance was granted."""
    if user is None or getattr(user, "pk", None) is None:
        return str(_("请指定听证主持人"))
    staff = staff_of(user)
    if (
        staff is None
        or not user.is_active
        or not (
            has_role(user, Role.REVIEWER, case.region)
            or has_role(user, Role.SIGNATORY, case.region)
        )
    ):
        return str(_("听证主持人须为本辖区审批局的审查人员或签批领导"))
    if took_part_in_review(user, case):
        return str(
            _("{name}参与了本办件的审查，不能担任听证主持人（第四十八条第一款第（三）项）").format(
                name=staff.display_name
            )
        )
    if (
        hearing is not None
        and AvoidanceRequest.objects.filter(
            hearing=hearing, presiding_id=user.pk, decision=AvoidanceRequest.Decision.GRANTED
        ).exists()
    ):
        return str(_("{name}已准予回避，不能再担任本次听证主持人").format(name=staff.display_name))
    return ""


# --- the decision's checks (cases.decisions) ------------------------------------------------


def decision_blockers(case: Case) -> list[str]:
    out = []
    for hearing in Hearing.objects.filter(case=case, state__in=OPEN_STATES):
        if hearing.state == Hearing.HearingState.NOTIFIED:
            out.append(
                _("已告知听证权利，申请期限（{date}）届满并确认未申请前不能作出决定").format(
                    date=f"{hearing.request_due:%Y年%-m月%-d日}"
                )
            )
        else:
            out.append(
                _("听证程序尚未结束（{state}），不能作出决定").format(
                    state=hearing.get_state_display()
                )
            )
    for statement in PartyStatement.objects.filter(
        party__case=case, answered_on__isnull=True
    ).select_related("party"):
        out.append(_("利害关系人{name}的意见尚未答复").format(name=statement.party.name))
    return out


def held_record(case: Case) -> HearingRecord | None:
    return (
        HearingRecord.objects.filter(hearing__case=case, hearing__state=Hearing.HearingState.HELD)
        .order_by("-held_on", "-id")
        .first()
    )


def decision_citation(case: Case, hearing_record: int | None) -> tuple[list[str], dict]:
    """第四十八条第二款: after a hearing the decision is made on its record, and cites it."""
    record = held_record(case)
    if record is None:
        if hearing_record is not None:
            return [
                _("本办件没有已举行听证的笔录，不能引用听证笔录{n}").format(n=hearing_record)
            ], {}
        return [], {}
    if hearing_record != record.pk:
        return [
            _(
                "本办件已于{date}举行听证，依照《行政许可法》第四十八条第二款，决定应当根据听证笔录作出：请引用听证笔录（编号{n}）"
            ).format(date=f"{record.held_on:%Y年%-m月%-d日}", n=record.pk)
        ], {}
    return [], {"hearing_record": {"id": record.pk, "held_on": record.held_on.isoformat()}}


# --- scoped reads ---------------------------------------------------------------------------


def staff_hearings(user: Viewer) -> QuerySet[Hearing]:
    """The hearings of the cases the user sees as staff (region scope)."""
    return (
        Hearing.objects.filter(case__in=visible_cases(user))
        .select_related("case__applicant", "case__handling_item", "presiding__staff")
        .order_by("-notified_on", "-id")
    )


def case_for_staff(user: Viewer, pk: int) -> Case | None:
    case = (
        visible_cases(user)
        .select_related("applicant", "handling_item", "region")
        .filter(pk=pk)
        .first()
    )
    if case is None or not staff_sees(user, case):
        return None
    return case


def own_case(user: Viewer, pk: int) -> Case | None:
    """An applicant's own case (through the accounts acting for its applicant)."""
    return (
        Case.objects.filter(pk=pk, applicant__in=represented(user))
        .select_related("applicant", "handling_item")
        .first()
    )


def parties_of(user: Viewer) -> QuerySet[InterestedParty]:
    """The interested-party records the account acts for (a person's own, or an organisation it
    holds a standing authorisation for)."""
    return (
        InterestedParty.objects.filter(applicant__in=represented(user))
        .select_related("case__handling_item", "case__applicant", "case__bureau")
        .order_by("-added_on", "-id")
    )


def public_announcements() -> QuerySet[Hearing]:
    """第四十六条: hearings of public interest are announced to the public once scheduled."""
    return (
        Hearing.objects.filter(
            basis=Hearing.Basis.PUBLIC_INTEREST,
            state__in=[
                Hearing.HearingState.SCHEDULED,
                Hearing.HearingState.RECORDED,
                Hearing.HearingState.HELD,
            ],
        )
        .select_related(
            "case__handling_item", "case__applicant", "case__bureau", "presiding__staff"
        )
        .order_by("-starts_at", "-id")
    )


def case_hearings(case: Case) -> list[Hearing]:
    return list(
        Hearing.objects.filter(case=case)
        .select_related("presiding__staff", "record")
        .prefetch_related("requests", "avoidances", "record__statements")
        .order_by("id")
    )


def case_parties(case: Case) -> list[InterestedParty]:
    return list(
        InterestedParty.objects.filter(case=case).prefetch_related("statements").order_by("id")
    )


def case_panel(case: Case) -> dict:
    """What the case page and its decision form show: the hearings with their records, the
    parties with their statements and answers, and the record a decision must cite."""
    return {
        "hearings": case_hearings(case),
        "parties": case_parties(case),
        "held_record": held_record(case),
    }


def hearing_for(user: Viewer, pk: int) -> Hearing | None:
    """Hearing `pk` when the user sees its case: staff of the region, the applicant, or an
    interested party of the case (through the accounts acting for them)."""
    return (
        Hearing.objects.filter(pk=pk)
        .filter(
            Q(case__in=visible_cases(user))
            | Q(case__interested_parties__applicant__in=represented(user))
        )
        .select_related("case__applicant", "case__region", "presiding__staff")
        .distinct()
        .first()
    )


def party_for(user: Viewer, pk: int) -> InterestedParty | None:
    """A party record the user sees: staff of the case's region or the party's own accounts."""
    scope = Q(applicant__in=represented(user))
    if is_scoped_staff(user):
        # The applicant sees their case, not the parties' own records.
        scope |= Q(case__in=visible_cases(user))
    return (
        InterestedParty.objects.filter(pk=pk)
        .filter(scope)
        .select_related("case__applicant", "case__region", "applicant")
        .distinct()
        .first()
    )


def cases_of_party(user: Viewer) -> QuerySet[Case]:
    return Case.objects.filter(interested_parties__applicant__in=represented(user)).distinct()
