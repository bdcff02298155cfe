"""The ratings API (/api/v1/ratings…, /api/v1/follow-ups…): rate a finished case, read
ratings, and answer or assign the follow-up of a bad rating.

Ratings are read through `queries.visible_ratings` and follow-ups through
`queries.staff_follow_ups`, so an object outside the caller's scope is a 404 that says
nothing about it. Domain errors are rendered by `api.errors`."""

from typing import Any

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.calendars.queries import today
from oneseal.cases.queries import visible_cases
from oneseal.errors import ValidationFailed
from oneseal.interface.rest import ErrorSerializer, parse

from . import actions, queries, rules
from .models import Channel, FollowUp, Rating

TAG = "ratings"
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description=gettext_lazy("编号")
)


# --- output -------------------------------------------------------------------------------


class FollowUpSerializer(serializers.ModelSerializer):
    state = serializers.CharField(help_text=gettext_lazy("open（待回复）或 answered（已回复）"))
    state_display = serializers.CharField(source="get_state_display")
    overdue = serializers.SerializerMethodField(help_text=gettext_lazy("待回复且已过回复期限"))

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "state",
            "state_display",
            "opened_on",
            "days",
            "due_on",
            "due_provisional",
            "overdue",
            "answer",
            "answered_on",
        ]
        read_only_fields = fields

    def get_overdue(self, obj: FollowUp) -> bool:
        return queries.is_overdue(obj, today())


class StaffFollowUpSerializer(FollowUpSerializer):
    case_id = serializers.IntegerField(source="rating.case_id")
    case_number = serializers.CharField(source="rating.case.number")
    score = serializers.IntegerField(source="rating.score")
    assignee_id = serializers.IntegerField(allow_null=True)

    class Meta(FollowUpSerializer.Meta):
        fields = [*FollowUpSerializer.Meta.fields, "case_id", "case_number", "score", "assignee_id"]
        read_only_fields = fields


class RatingReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    # The API's field "label": DRF's metaclass takes declared fields off the class, so it never
    # meets Field.label, which the stubs see it overriding.
    label = serializers.CharField()  # type: ignore[assignment]


class RatingSerializer(serializers.ModelSerializer):
    case_id = serializers.IntegerField()
    case_number = serializers.CharField(source="case.number")
    score_display = serializers.CharField(source="score_label")
    reasons = serializers.SerializerMethodField()
    channel = serializers.CharField(
        help_text=gettext_lazy("online（网上评价）或 window（窗口评价器）")
    )
    follow_up = serializers.SerializerMethodField()

    class Meta:
        model = Rating
        fields = [
            "id",
            "case_id",
            "case_number",
            "score",
            "score_display",
            "reasons",
            "comment",
            "channel",
            "rated_on",
            "follow_up",
        ]
        read_only_fields = fields

    @extend_schema_field(RatingReasonSerializer(many=True))
    def get_reasons(self, obj: Rating) -> list[dict[str, str]]:
        return [{"code": c, "label": str(rules.REASON_LABELS.get(c, c))} for c in obj.reasons]

    @extend_schema_field(FollowUpSerializer(allow_null=True))
    def get_follow_up(self, obj: Rating) -> dict[str, Any] | None:
        follow_up = getattr(obj, "follow_up", None)
        return FollowUpSerializer(follow_up).data if follow_up else None


class RatingBandSerializer(serializers.Serializer):
    band = serializers.CharField(
        help_text=gettext_lazy("good（4—5分）、fair（3分）或 bad（1—2分）")
    )
    label = serializers.CharField()  # type: ignore[assignment]  # as RatingReasonSerializer's
    scores = serializers.ListField(child=serializers.IntegerField())
    reasons = RatingReasonSerializer(many=True)


# --- input --------------------------------------------------------------------------------


class RateInput(serializers.Serializer):
    case = serializers.IntegerField(help_text=gettext_lazy("办件编号（id）"))
    score = serializers.IntegerField(
        help_text=gettext_lazy("评分：5 非常满意，4 满意，3 基本满意，2 不满意，1 非常不满意")
    )
    reasons = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        default=list,
        help_text=gettext_lazy(
            "评价原因代码（见 GET /api/v1/ratings/reasons），须与评分所在档次一致"
        ),
    )
    comment = serializers.CharField(
        max_length=rules.COMMENT_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("意见建议"),
    )
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        required=False,
        default=Channel.ONLINE,
        help_text=gettext_lazy(
            "online：申请人本人账号；window：窗口评价器（办结当天，经窗口终端录入）"
        ),
        error_messages={"invalid_choice": gettext_lazy("“{input}”不是有效的取值")},
    )


class FollowUpAnswerInput(serializers.Serializer):
    answer = serializers.CharField(
        max_length=actions.ANSWER_MAX,
        allow_blank=True,
        help_text=gettext_lazy("核实整改与回复情况"),
    )


class FollowUpAssignInput(serializers.Serializer):
    assignee = serializers.IntegerField(help_text=gettext_lazy("承办人（工作人员账号编号）"))


class FollowUpQuery(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=FollowUp.FollowUpState.choices,
        required=False,
        help_text=gettext_lazy("open 或 answered"),
        error_messages={"invalid_choice": gettext_lazy("“{input}”不是有效的取值")},
    )
    overdue = serializers.BooleanField(
        required=False, default=False, help_text=gettext_lazy("只列出已逾期的待回复差评")
    )


# --- views --------------------------------------------------------------------------------


class SignedIn(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]


class Reasons(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="list_rating_reasons",
        summary=gettext_lazy("评价档次与原因"),
        responses={200: RatingBandSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        out = [
            {
                "band": band,
                "label": str(rules.BAND_LABELS[band]),
                "scores": [s for s in rules.SCORES if rules.band(s) == band],
                "reasons": [{"code": c, "label": str(label)} for c, label in reasons],
            }
            for band, reasons in rules.REASONS.items()
        ]
        return Response(RatingBandSerializer(out, many=True).data)


class Ratings(SignedIn):
    @extend_schema(
        tags=[TAG],
        operation_id="list_ratings",
        summary=gettext_lazy("评价列表"),
        description=gettext_lazy("申请人为本人办件的评价；工作人员为本区划及下级区划的评价。"),
        responses={200: RatingSerializer(many=True), 403: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        qs = queries.rating_rows(queries.visible_ratings(request.user))[:500]
        return Response(RatingSerializer(qs, many=True).data)

    @extend_schema(
        tags=[TAG],
        operation_id="rate_case",
        summary=gettext_lazy("评价办件"),
        request=RateInput,
        description=gettext_lazy("办结的办件由申请人本人评价一次；1—2分为差评，自动开启差评回访。"),
        responses={201: RatingSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = parse(RateInput, request.data)
        # Staff rate only through the window device, and only cases of their region.
        case = (
            visible_cases(request.user)
            .filter(pk=data.pop("case"))
            .select_related("applicant")
            .first()
        )
        if case is None:
            raise ValidationFailed(fields={"case": [gettext_lazy("办件不存在或不是您的办件")]})
        rating = actions.rate(case, actor=request.user, **data)
        return Response(
            RatingSerializer(queries.rating_rows(Rating.objects.all()).get(pk=rating.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class RatingDetail(SignedIn):
    @extend_schema(
        tags=[TAG],
        operation_id="get_rating",
        summary=gettext_lazy("评价详情"),
        parameters=[ID],
        responses={200: RatingSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        rating = get_object_or_404(
            queries.rating_rows(queries.visible_ratings(request.user)), pk=pk
        )
        return Response(RatingSerializer(rating).data)


class FollowUps(SignedIn):
    @extend_schema(
        tags=[TAG],
        operation_id="list_follow_ups",
        summary=gettext_lazy("差评回访列表"),
        parameters=[FollowUpQuery],
        description=gettext_lazy("本区划及下级区划的差评回访，按回复期限排列；仅工作人员可见。"),
        responses={
            200: StaffFollowUpSerializer(many=True),
            400: ErrorSerializer,
            403: ErrorSerializer,
        },
    )
    def get(self, request: Request) -> Response:
        params = parse(FollowUpQuery, request.query_params)
        qs = queries.staff_follow_ups(request.user)
        if params.get("state"):
            qs = qs.filter(state=params["state"])
        if params["overdue"]:
            qs = queries.overdue(qs, today())
        return Response(StaffFollowUpSerializer(qs.order_by("due_on", "id")[:500], many=True).data)


class FollowUpAnswer(SignedIn):
    @extend_schema(
        tags=[TAG],
        operation_id="answer_follow_up",
        summary=gettext_lazy("回复差评"),
        parameters=[ID],
        request=FollowUpAnswerInput,
        responses={200: StaffFollowUpSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        follow_up = get_object_or_404(queries.staff_follow_ups(request.user), pk=pk)
        data = parse(FollowUpAnswerInput, request.data)
        actions.answer_follow_up(follow_up, actor=request.user, answer=data["answer"])
        return Response(
            StaffFollowUpSerializer(queries.staff_follow_ups(request.user).get(pk=pk)).data
        )


class FollowUpAssign(SignedIn):
    @extend_schema(
        tags=[TAG],
        operation_id="assign_follow_up",
        summary=gettext_lazy("交办差评"),
        parameters=[ID],
        request=FollowUpAssignInput,
        responses={200: StaffFollowUpSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        follow_up = get_object_or_404(queries.staff_follow_ups(request.user), pk=pk)
        data = parse(FollowUpAssignInput, request.data)
        assignee = get_user_model().objects.filter(pk=data["assignee"]).first()
        actions.assign_follow_up(follow_up, actor=request.user, assignee=assignee)
        return Response(
            StaffFollowUpSerializer(queries.staff_follow_ups(request.user).get(pk=pk)).data
        )
