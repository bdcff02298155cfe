"""The hearings API (/api/v1/…): a case's hearings and interested parties, each step of the
procedure, the party's own records, and the public announcements.

Objects are loaded through the same scopes as the pages (`queries.case_for_staff`,
`hearing_for`, `party_for`): outside them, a 404 that says nothing; inside them, the action
decides who may act (a reviewer of another section, an account that is not the applicant's…)
and its refusal is rendered by `api.errors`."""

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _l
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.cases.models import Case
from oneseal.cases.queries import visible_cases
from oneseal.interface.rest import DATE_FORMAT, ErrorSerializer, parse

from . import actions, queries
from .models import (
    AvoidanceRequest,
    Hearing,
    InterestedParty,
    PartyStatement,
    Statement,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User as AuthUser
    from django_stubs_ext import StrOrPromise

_T = TypeVar("_T")

TAG = "hearings"
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


# --- output -------------------------------------------------------------------------------


def _values(choices: "Iterable[tuple[str, StrOrPromise]]") -> str:
    return "、".join(f"{value}（{label}）" for value, label in choices)


def _presiding_name(hearing: Hearing) -> str | None:
    staff = getattr(hearing.presiding, "staff", None)
    return staff.display_name if staff else None


# Choices are documented as plain strings listing their values: enum components named "state" or
# "kind" would collide with the other apps' (test_schema wants no naming warning).
class StatementOut(serializers.ModelSerializer):
    role = serializers.CharField(help_text=_values(Statement.Role.choices))
    signed_how = serializers.CharField(help_text=_values(Statement.SignedHow.choices))

    class Meta:
        model = Statement
        fields = ["id", "order", "role", "name", "party", "text", "signed_at", "signed_how"]
        read_only_fields = fields


class HearingOut(serializers.ModelSerializer):
    basis = serializers.CharField(help_text=_values(Hearing.Basis.choices))
    state = serializers.CharField(help_text=_values(Hearing.HearingState.choices))
    presiding = serializers.SerializerMethodField()
    requests = serializers.SerializerMethodField()
    avoidances = serializers.SerializerMethodField()
    record = serializers.SerializerMethodField()

    class Meta:
        model = Hearing
        fields = [
            "id",
            "case",
            "basis",
            "state",
            "matter",
            "notified_on",
            "request_due",
            "requested_on",
            "hold_by",
            "starts_at",
            "place",
            "presiding",
            "scheduled_on",
            "held_on",
            "requests",
            "avoidances",
            "record",
        ]
        read_only_fields = fields

    def get_presiding(self, obj: Hearing) -> str | None:
        return _presiding_name(obj)

    def get_requests(self, obj: Hearing) -> list[dict]:
        return [
            {"name": r.requester_name, "party": r.party_id, "requested_on": r.requested_on}
            for r in obj.requests.all()
        ]

    def get_avoidances(self, obj: Hearing) -> list[dict]:
        return [
            {
                "id": a.pk,
                "name": a.requester_name,
                "reason": a.reason,
                "decision": a.decision,
                "decision_reason": a.decision_reason,
            }
            for a in obj.avoidances.all()
        ]

    def get_record(self, obj: Hearing) -> dict | None:
        record = getattr(obj, "record", None) if obj.state in ("recorded", "held") else None
        if record is None:
            return None
        return {
            "id": record.pk,
            "held_on": record.held_on,
            "summary": record.summary,
            "statements": StatementOut(record.statements.all(), many=True).data,
        }


class PartyStatementOut(serializers.ModelSerializer):
    channel = serializers.CharField(help_text=_values(PartyStatement.Channel.choices))

    class Meta:
        model = PartyStatement
        fields = ["id", "text", "channel", "made_on", "answer", "answered_on"]
        read_only_fields = fields


class PartyOut(serializers.ModelSerializer):
    kind = serializers.CharField(help_text=_values(InterestedParty.Kind.choices))
    statements = PartyStatementOut(many=True, read_only=True)

    class Meta:
        model = InterestedParty
        fields = ["id", "case", "kind", "name", "phone", "concern", "added_on", "statements"]
        read_only_fields = fields


class AnnouncementOut(serializers.ModelSerializer):
    item = serializers.CharField(source="case.handling_item.name")
    bureau = serializers.CharField(source="case.bureau.name")
    presiding = serializers.SerializerMethodField()
    state = serializers.CharField(help_text=_values(Hearing.HearingState.choices))

    class Meta:
        model = Hearing
        fields = ["id", "item", "bureau", "matter", "starts_at", "place", "presiding", "state"]
        read_only_fields = fields

    def get_presiding(self, obj: Hearing) -> str | None:
        return _presiding_name(obj)


# --- input --------------------------------------------------------------------------------


def _date(help_text: "StrOrPromise") -> serializers.DateField:
    return serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        input_formats=[DATE_FORMAT],
        help_text=help_text,
        error_messages={"invalid": _l("日期格式应为 YYYY-MM-DD")},
    )


class PartyIn(serializers.Serializer):
    kind = serializers.CharField(help_text=_l("person（自然人）或 organisation（法人或其他组织）"))
    name = serializers.CharField(max_length=200, allow_blank=True)
    number = serializers.CharField(
        max_length=40, allow_blank=True, help_text=_l("居民身份证号码或统一社会信用代码")
    )
    phone = serializers.CharField(max_length=40, allow_blank=True)
    address = serializers.CharField(max_length=300, allow_blank=True, required=False, default="")
    concern = serializers.CharField(
        max_length=2000, allow_blank=True, help_text=_l("如何直接关系其重大利益")
    )
    on = _date(_l("告知日期，默认今天"))


class TextIn(serializers.Serializer):
    text = serializers.CharField(max_length=4000, allow_blank=True)
    on = _date(_l("提交日期（窗口登记时），网上提交为当天"))


class AnswerIn(serializers.Serializer):
    answer = serializers.CharField(max_length=4000, allow_blank=True)
    on = _date(_l("答复日期"))


class MatterIn(serializers.Serializer):
    matter = serializers.CharField(max_length=2000, allow_blank=True)
    on = _date(_l("告知（决定）日期"))


class RequestIn(serializers.Serializer):
    party = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_l("利害关系人编号；申请人本人不填"),
    )
    on = _date(_l("收到申请的日期（窗口登记时），网上申请为当天"))


class DatedIn(serializers.Serializer):
    on = _date(_l("日期"))


class ScheduleIn(serializers.Serializer):
    starts_at = serializers.DateTimeField(help_text=_l("举行时间，如 2025-10-14T09:30"))
    place = serializers.CharField(max_length=300, allow_blank=True)
    presiding = serializers.IntegerField(help_text=_l("听证主持人（工作人员账号编号）"))
    on = _date(_l("通知日期"))


class AvoidanceIn(serializers.Serializer):
    party = serializers.IntegerField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=2000, allow_blank=True)
    on = _date(_l("申请日期（窗口登记时）"))


class DecideAvoidanceIn(serializers.Serializer):
    granted = serializers.BooleanField()
    reason = serializers.CharField(max_length=2000, allow_blank=True)
    replacement = serializers.IntegerField(required=False, allow_null=True, default=None)
    on = _date(_l("决定日期"))


class StatementIn(serializers.Serializer):
    role = serializers.CharField(help_text=_l("applicant、party、reviewer 或 other"))
    name = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    party = serializers.IntegerField(required=False, allow_null=True, default=None)
    user = serializers.IntegerField(required=False, allow_null=True, default=None)
    text = serializers.CharField(max_length=8000, allow_blank=True)


class RecordIn(serializers.Serializer):
    statements = StatementIn(many=True)
    summary = serializers.CharField(max_length=4000, allow_blank=True, required=False, default="")
    held_on = _date(_l("举行日期"))


class SignIn(serializers.Serializer):
    in_person = serializers.BooleanField(
        required=False, default=False, help_text=_l("主持人登记当场签字")
    )


# --- loading in scope ---------------------------------------------------------------------


def _found(value: _T | None) -> _T:
    """`value`, or a 404 that says nothing when the caller's scope holds no such object."""
    if value is None:
        raise Http404()
    return value


def _hearing(request: Request, pk: int) -> Hearing:
    return _found(queries.hearing_for(request.user, pk))


def _staff_case(request: Request, pk: int) -> Case:
    return _found(queries.case_for_staff(request.user, pk))


def _party_of(case: Case, pk: int | None) -> InterestedParty | None:
    if pk is None:
        return None
    return get_object_or_404(InterestedParty, case=case, pk=pk)


def _staff_user(pk: int | None) -> "AuthUser | None":
    if pk is None:
        return None
    return get_user_model().objects.filter(pk=pk, staff__isnull=False).first()


def _hearing_out(hearing: Hearing) -> dict[str, Any]:
    hearing = Hearing.objects.select_related("presiding__staff").get(pk=hearing.pk)
    return HearingOut(hearing).data


def _hearing_step(
    request: Request,
    pk: int,
    form: type[serializers.Serializer],
    act: Callable[[Hearing, dict[str, Any]], object],
    *,
    created: bool = False,
) -> Response:
    """One step of hearing `pk`: loaded in the caller's scope (404 outside it), the input parsed,
    the action run, and the hearing answered as it now stands."""
    hearing = _hearing(request, pk)
    act(hearing, parse(form, request.data))
    return Response(
        _hearing_out(hearing), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
    )


def _new_hearing(
    request: Request, pk: int, act: Callable[[Case, dict[str, Any]], Hearing]
) -> Response:
    """A hearing opened on case `pk`, which the caller must see as staff."""
    hearing = act(_staff_case(request, pk), parse(MatterIn, request.data))
    return Response(_hearing_out(hearing), status=status.HTTP_201_CREATED)


# --- views --------------------------------------------------------------------------------


class CaseHearings(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], responses={200: HearingOut(many=True), 404: ErrorSerializer})
    def get(self, request: Request, pk: int) -> Response:
        """The case's hearings (the case's staff, its applicant, or its parties)."""
        case = visible_cases(request.user).filter(pk=pk).first()
        if case is None and not queries.cases_of_party(request.user).filter(pk=pk).exists():
            raise Http404()
        hearings = Hearing.objects.filter(case_id=pk).select_related("presiding__staff")
        return Response(HearingOut(hearings, many=True).data)


class CaseParties(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], responses={200: PartyOut(many=True), 404: ErrorSerializer})
    def get(self, request: Request, pk: int) -> Response:
        """The case's interested parties with their statements and the answers (staff)."""
        return Response(PartyOut(queries.case_parties(_staff_case(request, pk)), many=True).data)

    @extend_schema(tags=[TAG], request=PartyIn, responses={201: PartyOut, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        """Add an interested party and issue their notice (第三十六条; a reviewer or signatory)."""
        data = parse(PartyIn, request.data)
        party = actions.add_interested_party(_staff_case(request, pk), actor=request.user, **data)
        return Response(PartyOut(party).data, status=status.HTTP_201_CREATED)


class NotifyRight(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], request=MatterIn, responses={201: HearingOut, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        """Tell the applicant and every party of the right to a hearing (第四十七条)."""
        return _new_hearing(
            request, pk, lambda case, d: actions.notify_hearing_right(case, actor=request.user, **d)
        )


class OrderHearing(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], request=MatterIn, responses={201: HearingOut, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        """Order a hearing on a matter of public interest (第四十六条)."""
        return _new_hearing(
            request, pk, lambda case, d: actions.order_hearing(case, actor=request.user, **d)
        )


class HearingList(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], responses={200: HearingOut(many=True)})
    def get(self, request: Request) -> Response:
        """The hearings of the cases the caller sees."""
        return Response(HearingOut(queries.staff_hearings(request.user)[:200], many=True).data)


class HearingDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], responses={200: HearingOut, 404: ErrorSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return Response(_hearing_out(_hearing(request, pk)))


class RequestHearing(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], request=RequestIn, responses={200: HearingOut, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        """Ask for the hearing: the applicant or a party online, or staff at the window; within
        five days of the notice (第四十七条)."""
        return _hearing_step(
            request,
            pk,
            RequestIn,
            lambda hearing, d: actions.request_hearing(
                hearing, actor=request.user, party=_party_of(hearing.case, d["party"]), on=d["on"]
            ),
        )


class LapseHearing(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], request=DatedIn, responses={200: HearingOut, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        """Record that nobody asked within the five days."""
        return _hearing_step(
            request,
            pk,
            DatedIn,
            lambda hearing, d: actions.lapse_hearing(hearing, actor=request.user, **d),
        )


class ScheduleHearing(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], request=ScheduleIn, responses={200: HearingOut, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        """Set time, place and presiding officer; notify everyone; suspend the case (第四十五条)."""
        return _hearing_step(
            request,
            pk,
            ScheduleIn,
            lambda hearing, d: actions.schedule_hearing(
                hearing,
                actor=request.user,
                starts_at=d["starts_at"],
                place=d["place"],
                presiding=_staff_user(d["presiding"]),
                on=d["on"],
            ),
        )


class RequestAvoidance(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], request=AvoidanceIn, responses={201: HearingOut, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        """Ask for the presiding officer's avoidance (回避)."""
        return _hearing_step(
            request,
            pk,
            AvoidanceIn,
            lambda hearing, d: actions.request_avoidance(
                hearing,
                actor=request.user,
                party=_party_of(hearing.case, d["party"]),
                reason=d["reason"],
                on=d["on"],
            ),
            created=True,
        )


class DecideAvoidance(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], request=DecideAvoidanceIn, responses={200: HearingOut, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        """The head (a signatory) decides an avoidance request."""
        avoidance = get_object_or_404(AvoidanceRequest, pk=pk)
        return _hearing_step(
            request,
            avoidance.hearing_id,
            DecideAvoidanceIn,
            lambda _hearing, d: actions.decide_avoidance(
                avoidance,
                actor=request.user,
                granted=d["granted"],
                reason=d["reason"],
                replacement=_staff_user(d["replacement"]),
                on=d["on"],
            ),
        )


class RecordHearing(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], request=RecordIn, responses={201: HearingOut, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        """The presiding officer records the hearing (听证笔录)."""
        return _hearing_step(
            request,
            pk,
            RecordIn,
            lambda hearing, d: actions.record_hearing(
                hearing,
                actor=request.user,
                statements=[dict(s) for s in d["statements"]],
                summary=d["summary"],
                held_on=d["held_on"],
            ),
            created=True,
        )


class SignStatement(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], request=SignIn, responses={200: HearingOut, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        """A participant confirms their statement (or the presiding officer records a signature
        on paper)."""
        statement = get_object_or_404(Statement.objects.select_related("record"), pk=pk)
        return _hearing_step(
            request,
            statement.record.hearing_id,
            SignIn,
            lambda _hearing, d: actions.sign_statement(statement, actor=request.user, **d),
        )


class CloseHearing(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], request=DatedIn, responses={200: HearingOut, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        """Every participant signed: the hearing is held; the case's clocks resume."""
        return _hearing_step(
            request,
            pk,
            DatedIn,
            lambda hearing, d: actions.close_hearing(hearing, actor=request.user, **d),
        )


class PartyStatements(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], request=TextIn, responses={201: PartyStatementOut, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        """A party's statement: their own account online, or staff at the window."""
        party = _found(queries.party_for(request.user, pk))
        statement = actions.record_party_statement(
            party, actor=request.user, **parse(TextIn, request.data)
        )
        return Response(PartyStatementOut(statement).data, status=status.HTTP_201_CREATED)


class AnswerStatement(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], request=AnswerIn, responses={200: PartyStatementOut, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        """The bureau's answer to a party's statement."""
        statement = get_object_or_404(PartyStatement.objects.select_related("party"), pk=pk)
        _staff_case(request, statement.party.case_id)
        statement = actions.answer_party_statement(
            statement, actor=request.user, **parse(AnswerIn, request.data)
        )
        return Response(PartyStatementOut(statement).data)


class MyParties(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], responses={200: PartyOut(many=True)})
    def get(self, request: Request) -> Response:
        """The party records the caller's account acts for."""
        return Response(
            PartyOut(
                queries.parties_of(request.user).prefetch_related("statements"), many=True
            ).data
        )


class Announcements(APIView):
    permission_classes = [AllowAny]

    @extend_schema(tags=[TAG], responses={200: AnnouncementOut(many=True)})
    def get(self, request: Request) -> Response:
        """Public announcements of hearings of public interest (第四十六条)."""
        return Response(AnnouncementOut(queries.public_announcements()[:100], many=True).data)
