"""The appointments API (/api/v1/appointments/…): open slots of a handling item, bookings
(book, read, cancel) and the clerks' arrival marking.

Bookings are read through `queries.visible_bookings`, so a booking outside the caller's
scope is a 404 that says nothing about it. Domain errors are rendered by `api.errors`:
NotPermitted → 403, Conflict (a full slot) → 409, any other → 400."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.applicants.models import Applicant
from oneseal.applicants.queries import represented
from oneseal.catalogue.models import HandlingItem
from oneseal.errors import ValidationFailed
from oneseal.interface.rest import DATE_FORMAT, ErrorSerializer, parse

from . import actions, queries, rules
from .models import Booking, Slot

TAG = "appointments"
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
CODE = OpenApiParameter(
    "code",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description=gettext_lazy("预约码（8位，可带短横线）"),
)


# --- output -------------------------------------------------------------------------------


class AppointmentSlotSerializer(serializers.ModelSerializer):
    free = serializers.IntegerField(help_text=gettext_lazy("剩余可约人数"))

    class Meta:
        model = Slot
        fields = ["id", "day", "starts_at", "ends_at", "capacity", "booked", "free"]
        read_only_fields = fields


class GroupSlotsSerializer(serializers.Serializer):
    group_id = serializers.IntegerField()
    group = serializers.CharField(help_text=gettext_lazy("窗口分组"))
    windows = serializers.CharField()
    hall_id = serializers.IntegerField()
    hall = serializers.CharField()
    address = serializers.CharField()
    slots = AppointmentSlotSerializer(many=True)


class BookingSerializer(serializers.ModelSerializer):
    code_display = serializers.SerializerMethodField(help_text=gettext_lazy("分两组显示的预约码"))
    state = serializers.CharField(
        help_text=gettext_lazy(
            "booked（已预约）、cancelled（已取消）、arrived（已到场）或 no_show（未到场）"
        )
    )
    state_display = serializers.CharField(source="get_state_display")
    applicant = serializers.CharField(source="applicant.name")
    handling_item_id = serializers.IntegerField()
    handling_item = serializers.CharField(source="handling_item.name")
    hall = serializers.CharField(source="slot.group.hall.name")
    group = serializers.CharField(source="slot.group.name")
    windows = serializers.CharField(source="slot.group.windows")
    day = serializers.DateField(source="slot.day")
    starts_at = serializers.TimeField(source="slot.starts_at")
    ends_at = serializers.TimeField(source="slot.ends_at")

    class Meta:
        model = Booking
        fields = [
            "code",
            "code_display",
            "state",
            "state_display",
            "applicant",
            "handling_item_id",
            "handling_item",
            "hall",
            "group",
            "windows",
            "day",
            "starts_at",
            "ends_at",
            "booked_at",
            "cancelled_at",
            "marked_at",
        ]
        read_only_fields = fields

    def get_code_display(self, obj: Booking) -> str:
        return rules.format_code(obj.code)


# --- input --------------------------------------------------------------------------------


class BookingInput(serializers.Serializer):
    slot = serializers.IntegerField(help_text=gettext_lazy("预约时段编号（slots[].id）"))
    handling_item = serializers.IntegerField(help_text=gettext_lazy("办理项编号"))
    applicant = serializers.IntegerField(
        required=False, help_text=gettext_lazy("申请人编号；账号只关联一位申请人时可不填")
    )


class BookingMarkInput(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=[("arrived", gettext_lazy("已到场")), ("no_show", gettext_lazy("未到场"))],
        help_text=gettext_lazy("arrived（已到场）或 no_show（未到场）"),
        error_messages={"invalid_choice": gettext_lazy("“{input}”不是有效的取值")},
    )


class BookingListQuery(serializers.Serializer):
    hall = serializers.IntegerField(required=False, help_text=gettext_lazy("服务大厅编号"))
    day = serializers.DateField(
        required=False,
        input_formats=[DATE_FORMAT],
        help_text=gettext_lazy("日期 YYYY-MM-DD"),
        error_messages={"invalid": gettext_lazy("日期格式应为 YYYY-MM-DD")},
    )


# --- views --------------------------------------------------------------------------------


class OpenSlots(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="list_open_slots",
        summary=gettext_lazy("办理项的可预约时段"),
        description=gettext_lazy(
            "办理该事项的各大厅窗口分组，及其可预约工作日内尚未开始的时段（含已约满的时段）。"
        ),
        parameters=[
            OpenApiParameter(
                "id",
                OpenApiTypes.INT,
                OpenApiParameter.PATH,
                description=gettext_lazy("办理项编号"),
            )
        ],
        responses={200: GroupSlotsSerializer(many=True), 404: ErrorSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        hi = get_object_or_404(
            HandlingItem.objects.select_related("item_version__item__catalogue__region"), pk=pk
        )
        out = []
        for group in queries.groups_for(hi):
            slots = [s for d in queries.open_slots(group) for s in d.slots]
            out.append(
                {
                    "group_id": group.pk,
                    "group": group.name,
                    "windows": group.windows,
                    "hall_id": group.hall_id,
                    "hall": group.hall.name,
                    "address": group.hall.address,
                    "slots": slots,
                }
            )
        return Response(GroupSlotsSerializer(out, many=True).data)


class SignedIn(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]


class Bookings(SignedIn):
    @extend_schema(
        tags=[TAG],
        operation_id="list_bookings",
        summary=gettext_lazy("预约列表"),
        parameters=[BookingListQuery],
        description=gettext_lazy(
            "申请人为本人的预约；综合受理窗口等工作人员为本区划及下级区划大厅的预约。"
        ),
        responses={200: BookingSerializer(many=True), 400: ErrorSerializer, 403: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        params = parse(BookingListQuery, request.query_params)
        qs = queries.booking_rows(queries.visible_bookings(request.user))
        if params.get("hall") is not None:
            qs = qs.filter(slot__group__hall_id=params["hall"])
        if params.get("day"):
            qs = qs.filter(slot__day=params["day"])
        return Response(
            BookingSerializer(
                qs.order_by("slot__day", "slot__starts_at", "id")[:500], many=True
            ).data
        )

    @extend_schema(
        tags=[TAG],
        operation_id="book",
        summary=gettext_lazy("预约"),
        request=BookingInput,
        description=gettext_lazy("申请人本人的网上办事账号预约一个时段，返回预约码。"),
        responses={
            201: BookingSerializer,
            **ERRORS,
            409: OpenApiResponse(ErrorSerializer, description=gettext_lazy("该时段已约满")),
        },
    )
    def post(self, request: Request) -> Response:
        data = parse(BookingInput, request.data)
        own = list(represented(request.user).order_by("-kind", "id"))
        applicant: Applicant | None
        if data.get("applicant") is None and len(own) == 1:
            applicant = own[0]
        else:
            applicant = next((a for a in own if a.pk == data.get("applicant")), None)
        if applicant is None:
            raise ValidationFailed(fields={"applicant": [gettext_lazy("请选择本账号关联的申请人")]})
        slot = Slot.objects.filter(pk=data["slot"]).first()
        if slot is None:
            raise ValidationFailed(
                fields={"slot": [gettext_lazy("预约时段 {pk} 不存在").format(pk=data["slot"])]}
            )
        hi = HandlingItem.objects.filter(pk=data["handling_item"]).first()
        if hi is None:
            raise ValidationFailed(
                fields={
                    "handling_item": [
                        gettext_lazy("办理项 {pk} 不存在").format(pk=data["handling_item"])
                    ]
                }
            )
        booking = actions.book(slot, actor=request.user, applicant=applicant, handling_item=hi)
        return Response(
            BookingSerializer(queries.booking_rows(Booking.objects.all()).get(pk=booking.pk)).data,
            status=status.HTTP_201_CREATED,
        )


def _visible(request: Request, code: str) -> Booking:
    return get_object_or_404(
        queries.booking_rows(queries.visible_bookings(request.user)),
        code=rules.normalise_code(code),
    )


class BookingDetail(SignedIn):
    @extend_schema(
        tags=[TAG],
        operation_id="get_booking",
        summary=gettext_lazy("预约详情"),
        parameters=[CODE],
        responses={200: BookingSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request, code: str) -> Response:
        return Response(BookingSerializer(_visible(request, code)).data)


class BookingCancel(SignedIn):
    @extend_schema(
        tags=[TAG],
        operation_id="cancel_booking",
        summary=gettext_lazy("取消预约"),
        parameters=[CODE],
        request=None,
        description=gettext_lazy("申请人本人在大厅规定的取消截止时间前取消。"),
        responses={200: BookingSerializer, **ERRORS},
    )
    def post(self, request: Request, code: str) -> Response:
        booking = actions.cancel(_visible(request, code), actor=request.user)
        return Response(
            BookingSerializer(queries.booking_rows(Booking.objects.all()).get(pk=booking.pk)).data
        )


class BookingMark(SignedIn):
    @extend_schema(
        tags=[TAG],
        operation_id="mark_booking",
        summary=gettext_lazy("登记到场或未到场"),
        parameters=[CODE],
        request=BookingMarkInput,
        description=gettext_lazy("大厅所在区划的综合受理窗口工作人员登记。"),
        responses={200: BookingSerializer, **ERRORS},
    )
    def post(self, request: Request, code: str) -> Response:
        data = parse(BookingMarkInput, request.data)
        booking = actions.mark(_visible(request, code), actor=request.user, state=data["state"])
        return Response(
            BookingSerializer(queries.booking_rows(Booking.objects.all()).get(pk=booking.pk)).data
        )
