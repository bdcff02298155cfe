"""The marketplace's API (/api/v1/intermediaries…, /api/v1/cases/{id}/engagements,
/api/v1/engagements/{id}/…), scoped as the pages: the listing is public; a case's
engagements are read and made by whoever sees the case (`load_case`: its applicant, staff of
its region; the action then lets only the applicant or a clerk choose); an intermediary's
account sees and delivers only its own engagements (a 404 for any other). Every write is one
action of `actions`."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.calendars.queries import today
from oneseal.cases.queries import is_scoped_staff, visible_cases
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.interface.rest import ErrorSerializer, listed_choices, load_case, parse
from oneseal.organisation.rules import scope_prefix

from . import actions, queries
from .models import Engagement, Intermediary, Offer, Service

TAG = "intermediaries"
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class IntermediaryOfferSerializer(serializers.ModelSerializer):
    service = serializers.CharField(source="service.code")
    service_name = serializers.CharField(source="service.name")

    class Meta:
        model = Offer
        fields = ["service", "service_name", "fee", "promised_days"]
        read_only_fields = fields


class PublicIntermediarySerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code")
    status_display = serializers.CharField(source="get_status_display")
    offers = IntermediaryOfferSerializer(many=True, read_only=True)
    ratings = serializers.IntegerField()
    quality = serializers.FloatField(allow_null=True)
    timeliness = serializers.FloatField(allow_null=True)
    attitude = serializers.FloatField(allow_null=True)
    fee_score = serializers.FloatField(allow_null=True)

    class Meta:
        model = Intermediary
        fields = [
            "id",
            "name",
            "credit_code",
            "region",
            "status",
            "status_display",
            "status_reason",
            "offers",
            "ratings",
            "quality",
            "timeliness",
            "attitude",
            "fee_score",
        ]
        read_only_fields = fields


class EngagementSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.number")
    service = serializers.CharField(source="service.code")
    intermediary = serializers.CharField(source="intermediary.name")
    method_display = serializers.CharField(source="get_method_display")
    rated = serializers.SerializerMethodField()

    class Meta:
        model = Engagement
        fields = [
            "id",
            "case",
            "service",
            "intermediary",
            "method",
            "method_display",
            "seed",
            "qualified",
            "contract_number",
            "fee",
            "promised_days",
            "starts_on",
            "due_on",
            "status",
            "delivered_on",
            "late",
            "suspended_case",
            "rated",
        ]
        read_only_fields = fields

    def get_rated(self, obj: Engagement) -> bool:
        return hasattr(obj, "rating")


class EngagementInput(serializers.Serializer):
    service = serializers.SlugRelatedField(slug_field="code", queryset=Service.objects.all())
    method = listed_choices(
        Engagement.Method.choices,
        help_text=gettext_lazy("direct 直接选取，random 随机抽取，lowest 最低报价"),
    )
    intermediary = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class EngagementRateInput(serializers.Serializer):
    quality = serializers.IntegerField(min_value=1, max_value=5)
    timeliness = serializers.IntegerField(min_value=1, max_value=5)
    attitude = serializers.IntegerField(min_value=1, max_value=5)
    fee = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=300)


class IntermediaryDeliverInput(serializers.Serializer):
    file = serializers.FileField()


class IntermediaryAppealInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class IntermediarySteeringSerializer(serializers.Serializer):
    staff = serializers.CharField(source="staff.username")
    intermediary_id = serializers.IntegerField()
    intermediary = serializers.CharField()
    times = serializers.IntegerField()
    choices = serializers.IntegerField()


class OfferSerializer(serializers.Serializer):
    intermediary_id = serializers.IntegerField()
    intermediary = serializers.CharField(source="intermediary.name")
    fee = serializers.DecimalField(max_digits=12, decimal_places=2)
    promised_days = serializers.IntegerField()
    ratings = serializers.IntegerField(source="standing.count")
    rating = serializers.FloatField(source="standing.overall", allow_null=True)


class NeededServiceSerializer(serializers.Serializer):
    service = serializers.CharField(source="listing.service.code")
    service_name = serializers.CharField(source="listing.service.name")
    material = serializers.CharField(source="listing.material.name")
    running = serializers.IntegerField(source="running.pk", allow_null=True, default=None)
    offers = OfferSerializer(many=True)


class StandingInput(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class DecideAppealInput(serializers.Serializer):
    upheld = serializers.BooleanField()
    answer = serializers.CharField(max_length=500)


class Base(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]


class PublicList(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=[TAG],
        operation_id="list_intermediaries",
        summary=gettext_lazy("中介超市：中介机构、服务、收费与评价（公开）"),
        responses={200: PublicIntermediarySerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return Response(PublicIntermediarySerializer(queries.public_listing(), many=True).data)


class CaseEngagements(Base):
    @extend_schema(
        tags=[TAG],
        operation_id="list_case_engagements",
        summary=gettext_lazy("办件的中介服务委托"),
        responses={200: EngagementSerializer(many=True), 404: ErrorSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        case = load_case(request.user, pk)
        return Response(EngagementSerializer(case.engagements.all(), many=True).data)

    @extend_schema(
        tags=[TAG],
        operation_id="engage_intermediary",
        summary=gettext_lazy("选取中介机构（申请人本人或窗口代为）"),
        request=EngagementInput,
        responses={201: EngagementSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        case = load_case(request.user, pk)
        data = parse(EngagementInput, request.data)
        chosen = None
        if data.get("intermediary"):
            chosen = Intermediary.objects.filter(pk=data["intermediary"]).first()
            if chosen is None:
                raise ValidationFailed(fields={"intermediary": [gettext_lazy("没有该中介机构")]})
        engagement = actions.engage(
            case,
            actor=request.user,
            service=data["service"],
            method=data["method"],
            intermediary=chosen,
        )
        return Response(EngagementSerializer(engagement).data, status=status.HTTP_201_CREATED)


class CaseServices(Base):
    @extend_schema(
        tags=[TAG],
        operation_id="list_case_intermediary_services",
        summary=gettext_lazy("办件所需中介服务及可选的中介机构（收费、时限、评价）"),
        responses={200: NeededServiceSerializer(many=True), 404: ErrorSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        case = load_case(request.user, pk)
        return Response(
            NeededServiceSerializer(queries.needed_services(case, today()), many=True).data
        )


STANDING = {
    "suspend": actions.suspend_intermediary,
    "reinstate": actions.reinstate_intermediary,
    "remove": actions.remove_intermediary,
}


class Standing(Base):
    """Suspend, reinstate or remove (清退) an intermediary: a catalogue administrator of its
    region, with a reason."""

    op = ""

    def post(self, request: Request, pk: int) -> Response:
        row = get_object_or_404(queries.managed(request.user), pk=pk)
        data = parse(StandingInput, request.data)
        STANDING[self.op](row, actor=request.user, reason=data["reason"])
        return Response(PublicIntermediarySerializer(queries.public_listing().get(pk=pk)).data)


class SuspendIntermediary(Standing):
    op = "suspend"

    @extend_schema(
        tags=[TAG],
        operation_id="suspend_intermediary",
        summary=gettext_lazy("暂停中介机构服务（目录管理员，须说明原因）"),
        request=StandingInput,
        responses={200: PublicIntermediarySerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class ReinstateIntermediary(Standing):
    op = "reinstate"

    @extend_schema(
        tags=[TAG],
        operation_id="reinstate_intermediary",
        summary=gettext_lazy("恢复中介机构服务（目录管理员，须说明原因）"),
        request=StandingInput,
        responses={200: PublicIntermediarySerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class RemoveIntermediary(Standing):
    op = "remove"

    @extend_schema(
        tags=[TAG],
        operation_id="remove_intermediary",
        summary=gettext_lazy("清退中介机构（目录管理员，须说明原因）"),
        request=StandingInput,
        responses={200: PublicIntermediarySerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class DecideAppeal(Base):
    @extend_schema(
        tags=[TAG],
        operation_id="decide_intermediary_appeal",
        summary=gettext_lazy("处理中介机构对暂停服务的申诉（目录管理员）"),
        request=DecideAppealInput,
        responses={204: None, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        row = get_object_or_404(queries.appeals(request.user), pk=pk)
        data = parse(DecideAppealInput, request.data)
        actions.decide_appeal(row, actor=request.user, upheld=data["upheld"], answer=data["answer"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class OwnEngagements(Base):
    @extend_schema(
        tags=[TAG],
        operation_id="list_own_engagements",
        summary=gettext_lazy("本机构的委托（中介机构账号）"),
        responses={200: EngagementSerializer(many=True), 403: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        if queries.intermediary_of(request.user) is None:
            raise NotPermitted()
        return Response(EngagementSerializer(queries.own_engagements(request.user), many=True).data)


class Deliver(Base):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=[TAG],
        operation_id="deliver_engagement",
        summary=gettext_lazy("上传中介服务成果"),
        request={"multipart/form-data": IntermediaryDeliverInput},
        responses={200: EngagementSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        engagement = get_object_or_404(queries.own_engagements(request.user), pk=pk)
        data = parse(IntermediaryDeliverInput, request.data)
        engagement = actions.deliver(engagement, actor=request.user, upload=data["file"])
        return Response(EngagementSerializer(engagement).data)


class Rate(Base):
    @extend_schema(
        tags=[TAG],
        operation_id="rate_engagement",
        summary=gettext_lazy("评价中介服务（申请人）"),
        request=EngagementRateInput,
        responses={204: None, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        engagement = get_object_or_404(
            Engagement.objects.filter(case__in=visible_cases(request.user)),
            pk=pk,
        )
        data = parse(EngagementRateInput, request.data)
        actions.rate(engagement, actor=request.user, **data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class Appeal(Base):
    @extend_schema(
        tags=[TAG],
        operation_id="appeal_suspension",
        summary=gettext_lazy("对暂停服务提出申诉（中介机构账号）"),
        request=IntermediaryAppealInput,
        responses={204: None, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        intermediary = queries.intermediary_of(request.user)
        if intermediary is None:
            raise NotPermitted()
        data = parse(IntermediaryAppealInput, request.data)
        actions.appeal(intermediary, actor=request.user, reason=data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class Steering(Base):
    @extend_schema(
        tags=[TAG],
        operation_id="list_intermediary_steering",
        summary=gettext_lazy("电子监察：直接选取中介机构集中度异常的工作人员"),
        responses={200: IntermediarySteeringSerializer(many=True), 403: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        prefix = scope_prefix(request.user)
        if not is_scoped_staff(request.user) or prefix is None:
            raise NotPermitted()
        return Response(IntermediarySteeringSerializer(queries.steering(prefix), many=True).data)
