"""Hearing pages. Staff (workbench style): the region's hearings, and one case's hearing and
interested parties with a form for each step. The applicant and the parties (portal style):
their hearings and party records, to ask for a hearing or an avoidance, confirm their statement
in the record, and state their views. The public: the announcements of hearings of public
interest. Each form calls one action; a refusal is shown on the page, a case outside the
user's scope is a 404."""

import datetime
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from oneseal.applicants.queries import represented
from oneseal.cases.models import Case
from oneseal.cases.queries import is_scoped_staff
from oneseal.errors import DomainError, NotPermitted
from oneseal.organisation.models import Staff
from oneseal.workbench.views.common import staff_only

from . import actions, queries
from .models import AvoidanceRequest, Hearing, InterestedParty, PartyStatement, Statement

if TYPE_CHECKING:
    from django.contrib.auth.models import User as AuthUser


class BadInput(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.fields = {field: [message]}


def _date(post: QueryDict, name: str = "on") -> datetime.date | None:
    raw = (post.get(name) or "").strip()
    if not raw:
        return None
    value = parse_date(raw)
    if value is None:
        raise BadInput(name, _("日期格式应为 YYYY-MM-DD，例如 2025-07-01"))
    return value


def _moment(post: QueryDict, name: str) -> datetime.datetime | None:
    raw = (post.get(name) or "").strip()
    if not raw:
        return None
    value = parse_datetime(raw)
    if value is None:
        raise BadInput(name, _("时间格式应为 YYYY-MM-DD HH:MM"))
    return value


def _user(post: QueryDict, name: str) -> "AuthUser | None":
    raw = (post.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise BadInput(name, _("请选择工作人员"))
    return get_user_model().objects.filter(pk=int(raw), staff__isnull=False).first()


def _party(case: Case, post: QueryDict, name: str = "party") -> InterestedParty | None:
    raw = (post.get(name) or "").strip()
    if not raw:
        return None
    party = InterestedParty.objects.filter(case=case, pk=int(raw) if raw.isdigit() else 0).first()
    if party is None:
        raise BadInput(name, _("请选择本办件的利害关系人"))
    return party


def _hearing(case: Case, post: QueryDict) -> Hearing:
    raw = post.get("hearing", "")
    return get_object_or_404(Hearing, case=case, pk=int(raw) if raw.isdigit() else 0)


def _statements(post: QueryDict) -> list[dict[str, Any]]:
    """Rows statements-N-role / -name / -party / -user / -text of the record form; empty rows
    are left out."""
    rows = []
    for i in range(int(post.get("statement_rows") or 6)):
        row: dict[str, Any] = {
            key: (post.get(f"statements-{i}-{key}") or "").strip()
            for key in ("role", "name", "party", "user", "text")
        }
        if not any(row.values()):
            continue
        for key in ("party", "user"):
            row[key] = int(row[key]) if row[key].isdigit() else None
        rows.append(row)
    return rows


# --- staff ----------------------------------------------------------------------------------


@staff_only
@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "hearings/list.html",
        {"hearings": queries.staff_hearings(request.user)[:200]},
    )


def _staff_case(request: HttpRequest, pk: int) -> Case:
    case = queries.case_for_staff(request.user, pk)
    if case is None:
        raise Http404()
    return case


def _staff_choices(case: Case) -> list[Staff]:
    from oneseal.organisation.models import Role
    from oneseal.workbench import queries as workbench_queries

    return list(workbench_queries.staff_covering(case, Role.REVIEWER, Role.SIGNATORY))


def _case_context(
    request: HttpRequest, case: Case, *, failed: str = "", errors: dict | None = None
) -> dict:
    panel = queries.case_panel(case)
    return {
        "case": case,
        **panel,
        "staff_choices": _staff_choices(case),
        "roles": Statement.Role.choices,
        "party_kinds": InterestedParty.Kind.choices,
        "failed": failed,
        "errors": errors or {},
        "values": request.POST if failed else {},
        "statement_rows": range(6),
    }


@staff_only
@require_GET
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    case = _staff_case(request, pk)
    return render(request, "hearings/case.html", _case_context(request, case))


def _do(name: str, request: HttpRequest, case: Case) -> object:
    post, user = request.POST, request.user
    if name == "add-party":
        return actions.add_interested_party(
            case,
            actor=user,
            kind=post.get("kind", ""),
            name=post.get("name", ""),
            number=post.get("number", ""),
            phone=post.get("phone", ""),
            address=post.get("address", ""),
            concern=post.get("concern", ""),
            on=_date(post),
        )
    if name == "party-statement":
        party = _party(case, post) or get_object_or_404(InterestedParty, pk=0)
        return actions.record_party_statement(
            party, actor=user, text=post.get("text", ""), on=_date(post)
        )
    if name == "answer":
        raw = post.get("statement", "")
        statement = get_object_or_404(
            PartyStatement, party__case=case, pk=int(raw) if raw.isdigit() else 0
        )
        return actions.answer_party_statement(
            statement, actor=user, answer=post.get("answer", ""), on=_date(post)
        )
    if name == "notify-right":
        return actions.notify_hearing_right(
            case, actor=user, matter=post.get("matter", ""), on=_date(post)
        )
    if name == "order":
        return actions.order_hearing(
            case, actor=user, matter=post.get("matter", ""), on=_date(post)
        )
    if name == "request":
        return actions.request_hearing(
            _hearing(case, post), actor=user, party=_party(case, post), on=_date(post)
        )
    if name == "lapse":
        return actions.lapse_hearing(_hearing(case, post), actor=user, on=_date(post))
    if name == "schedule":
        return actions.schedule_hearing(
            _hearing(case, post),
            actor=user,
            starts_at=_moment(post, "starts_at"),
            place=post.get("place", ""),
            presiding=_user(post, "presiding"),
            on=_date(post),
        )
    if name == "avoidance":
        return actions.request_avoidance(
            _hearing(case, post),
            actor=user,
            party=_party(case, post),
            reason=post.get("reason", ""),
            on=_date(post),
        )
    if name == "decide-avoidance":
        raw = post.get("avoidance", "")
        avoidance = get_object_or_404(
            AvoidanceRequest, hearing__case=case, pk=int(raw) if raw.isdigit() else 0
        )
        return actions.decide_avoidance(
            avoidance,
            actor=user,
            granted=post.get("granted") == "1",
            reason=post.get("reason", ""),
            replacement=_user(post, "replacement"),
            on=_date(post),
        )
    if name == "record":
        return actions.record_hearing(
            _hearing(case, post),
            actor=user,
            statements=_statements(post),
            summary=post.get("summary", ""),
            held_on=_date(post, "held_on"),
        )
    if name == "sign-in-person":
        raw = post.get("statement", "")
        signed = get_object_or_404(
            Statement, record__hearing__case=case, pk=int(raw) if raw.isdigit() else 0
        )
        return actions.sign_statement(signed, actor=user, in_person=True)
    if name == "close":
        return actions.close_hearing(_hearing(case, post), actor=user, on=_date(post))
    raise Http404()


STAFF_ACTIONS = {
    "add-party": _("告知利害关系人"),
    "party-statement": _("记录利害关系人意见"),
    "answer": _("答复意见"),
    "notify-right": _("告知听证权利"),
    "order": _("决定举行听证"),
    "request": _("登记听证申请"),
    "lapse": _("确认期限内未申请听证"),
    "schedule": _("通知举行听证"),
    "avoidance": _("登记回避申请"),
    "decide-avoidance": _("决定回避申请"),
    "record": _("制作听证笔录"),
    "sign-in-person": _("登记当场签字"),
    "close": _("结束听证"),
}


@staff_only
@require_POST
def act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    if name not in STAFF_ACTIONS:
        raise Http404()
    case = _staff_case(request, pk)
    try:
        _do(name, request, case)
    except NotPermitted:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("您无权办理此项操作")) from None
    except (DomainError, BadInput) as exc:
        errors = dict(exc.fields or {})
        if isinstance(exc, DomainError):
            errors.setdefault("__all__", [])
            errors["__all__"] = [str(exc.message)] + [
                str(r) for r in exc.reasons if str(r) != str(exc.message)
            ]
        context = _case_context(request, case, failed=name, errors=errors)
        return render(request, "hearings/case.html", context, status=400)
    messages.success(request, _("已办理：{action}").format(action=STAFF_ACTIONS[name]))
    return redirect("hearings:case", pk=case.pk)


# --- the applicant's and the parties' side ----------------------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The user's own cases' hearings (as applicant) and their party records."""
    if is_scoped_staff(request.user):
        return redirect("hearings:list")
    own = Hearing.objects.filter(case__applicant__in=represented(request.user)).select_related(
        "case__handling_item", "presiding__staff"
    )
    parties = list(queries.parties_of(request.user))
    party_hearings = Hearing.objects.filter(case__in=[p.case_id for p in parties]).select_related(
        "case__handling_item", "presiding__staff"
    )
    return render(
        request,
        "hearings/mine.html",
        {"own": list(own), "parties": parties, "party_hearings": list(party_hearings)},
    )


@login_required
def portal_hearing(request: HttpRequest, pk: int) -> HttpResponse:
    hearing = queries.hearing_for(request.user, pk)
    if hearing is None or is_scoped_staff(request.user):
        raise Http404()
    case = hearing.case
    own = queries.own_case(request.user, case.pk) is not None
    party = queries.parties_of(request.user).filter(case=case).first() if not own else None
    error = ""
    if request.method == "POST":
        what = request.POST.get("what")
        try:
            if what == "request":
                actions.request_hearing(hearing, actor=request.user, party=party)
            elif what == "avoidance":
                actions.request_avoidance(
                    hearing, actor=request.user, party=party, reason=request.POST.get("reason", "")
                )
            elif what == "sign":
                raw = request.POST.get("statement", "")
                statement = get_object_or_404(
                    Statement, record__hearing=hearing, pk=int(raw) if raw.isdigit() else 0
                )
                actions.sign_statement(statement, actor=request.user)
            else:
                raise Http404()
        except NotPermitted:
            raise Http404() from None
        except DomainError as exc:
            error = str(exc.message)
        else:
            messages.success(request, _("已提交"))
            return redirect("hearings:portal_hearing", pk=hearing.pk)
    statements = []
    if hasattr(hearing, "record"):
        statements = [
            s
            for s in hearing.record.statements.select_related("party")
            if (s.role == Statement.Role.APPLICANT and own)
            or (s.role == Statement.Role.PARTY and party is not None and s.party_id == party.pk)
        ]
    requested = hearing.requests.filter(party=party).exists()
    return render(
        request,
        "hearings/portal_hearing.html",
        {
            "hearing": hearing,
            "case": case,
            "party": party,
            "own": own,
            "statements": statements,
            "requested": requested,
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
def portal_party(request: HttpRequest, pk: int) -> HttpResponse:
    party = queries.parties_of(request.user).filter(pk=pk).first()
    if party is None:
        raise Http404()
    error = ""
    if request.method == "POST":
        try:
            actions.record_party_statement(
                party, actor=request.user, text=request.POST.get("text", "")
            )
        except NotPermitted:
            raise Http404() from None
        except DomainError as exc:
            error = str(exc.message)
        else:
            messages.success(request, _("您的意见已提交，我们将逐项答复"))
            return redirect("hearings:portal_party", pk=party.pk)
    return render(
        request,
        "hearings/portal_party.html",
        {
            "party": party,
            "statements": list(party.statements.all()),
            "hearings": list(Hearing.objects.filter(case=party.case)),
            "error": error,
        },
        status=400 if error else 200,
    )


# --- the public -------------------------------------------------------------------------------


@require_GET
def announcements(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "hearings/announcements.html",
        {"hearings": queries.public_announcements()[:100], "now": timezone.now()},
    )


@require_GET
def announcement(request: HttpRequest, pk: int) -> HttpResponse:
    hearing = get_object_or_404(queries.public_announcements(), pk=pk)
    return render(request, "hearings/announcement.html", {"hearing": hearing})
