"""The reform API (/api/v1/transfers/…): agreements (list, draft, one, sign, seal), the staff
register as of a day, and the transition periods. Reads go through `queries` (another
region's agreement is a 404 that says nothing of it); writes call the actions, which decide
who may. Domain errors are rendered by `api.errors`."""

import datetime

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.calendars.queries import today
from oneseal.errors import ValidationFailed
from oneseal.interface.rest import ErrorSerializer, date_field, listed_choices, parse
from oneseal.organisation.models import Department, Staff

from . import actions, queries
from .models import Agreement, Handover, StaffTransfer, Transition

TAG = "transfers"
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class AgreementItemSerializer(serializers.Serializer):
    item = serializers.IntegerField(source="item_id")
    basic_code = serializers.CharField(source="item.basic_code")
    transfer_date = serializers.DateField(source="effective_date")
    supervising_department = serializers.SerializerMethodField()

    def get_supervising_department(self, obj) -> str | None:
        boundary = getattr(obj.item, "duty_boundary", None)
        return boundary.supervising_department.name if boundary else None


class AgreementHandoverSerializer(serializers.ModelSerializer):
    class Meta:
        model = Handover
        fields = ["kind", "name", "quantity", "unit", "notes"]
        read_only_fields = fields


class AgreementSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name")
    bureau_name = serializers.CharField(source="bureau.name")
    signed = serializers.BooleanField()
    sealed = serializers.BooleanField()
    items = AgreementItemSerializer(many=True)
    handovers = AgreementHandoverSerializer(many=True)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "title",
            "bureau",
            "bureau_name",
            "department",
            "department_name",
            "transfer_date",
            "bureau_duties",
            "department_duties",
            "approval_staff",
            "notes",
            "items",
            "handovers",
            "bureau_signer_name",
            "bureau_signed_on",
            "department_signer_name",
            "department_signed_on",
            "signed",
            "number",
            "sealed",
            "sealed_on",
        ]
        read_only_fields = fields


class ItemInput(serializers.Serializer):
    item = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text=gettext_lazy("事项 id")
    )
    transfer_date = date_field(gettext_lazy("本事项的划转日期（与协议不同时填写）"))
    notes = serializers.CharField(required=False, allow_blank=True, max_length=200)


class HandoverInput(serializers.Serializer):
    kind = listed_choices(Handover.Kind.choices, help_text=gettext_lazy("类别"))
    name = serializers.CharField(max_length=200)
    quantity = serializers.IntegerField(min_value=0, max_value=100000)
    unit = serializers.CharField(max_length=10)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=200)


class AgreementInput(serializers.Serializer):
    department = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text=gettext_lazy("原审批部门 id")
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    transfer_date = serializers.DateField(
        input_formats=["%Y-%m-%d"], help_text=gettext_lazy("划转日期 YYYY-MM-DD")
    )
    bureau_duties = serializers.CharField()
    department_duties = serializers.CharField()
    approval_staff = serializers.IntegerField(min_value=1, max_value=100000)
    items = ItemInput(many=True)
    handovers = HandoverInput(many=True, required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


class SignInput(serializers.Serializer):
    side = listed_choices(
        [("bureau", gettext_lazy("审批局")), ("department", gettext_lazy("原审批部门"))],
        help_text=gettext_lazy("签字方"),
    )


class StaffRowSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="staff.display_name")
    department_name = serializers.CharField(source="department.name")
    body_display = serializers.CharField(source="get_body_display")
    quota_kind_display = serializers.CharField(source="get_quota_kind_display")
    trainings = serializers.IntegerField(source="training_count")
    may_act_alone = serializers.BooleanField(source="alone_on_day")

    class Meta:
        model = StaffTransfer
        fields = [
            "id",
            "name",
            "department",
            "department_name",
            "moved_on",
            "body",
            "body_display",
            "quota_kind",
            "quota_kind_display",
            "trainings",
            "cleared_on",
            "may_act_alone",
        ]
        read_only_fields = fields


class QuotaRowSerializer(serializers.Serializer):
    body = serializers.CharField()
    kind = serializers.CharField()
    label = serializers.CharField()
    approved = serializers.IntegerField()
    taken = serializers.IntegerField()


class RegisterSerializer(serializers.Serializer):
    bureau = serializers.IntegerField(source="bureau.pk")
    on = serializers.DateField()
    rows = StaffRowSerializer(many=True)
    quotas = QuotaRowSerializer(many=True)


class TransitionSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name")

    class Meta:
        model = Transition
        fields = [
            "id",
            "department",
            "department_name",
            "starts_on",
            "ends_on",
            "liaison_name",
            "liaison_title",
            "liaison_phone",
            "duties",
        ]
        read_only_fields = fields


class SignedIn:
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]


def _detail(user, pk: int) -> Agreement:
    found = queries.agreement_detail(user, pk)
    if found is None:
        raise Http404()
    return found


class Agreements(SignedIn, generics.ListAPIView):
    serializer_class = AgreementSerializer

    def get_queryset(self):
        return queries.visible_agreements(self.request.user).prefetch_related(
            "items__item__duty_boundary__supervising_department", "handovers"
        )

    @extend_schema(tags=[TAG], operation_id="list_agreements", summary=gettext_lazy("划转协议列表"))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=[TAG],
        operation_id="draft_agreement",
        summary=gettext_lazy("起草划转协议"),
        description=gettext_lazy("本局签批领导或本区划系统管理员起草；事项须为该部门的事项。"),
        request=AgreementInput,
        responses={201: AgreementSerializer, **ERRORS},
    )
    def post(self, request):
        data = parse(AgreementInput, request.data)
        department = Department.objects.filter(pk=data.pop("department")).first()
        if department is None:
            raise ValidationFailed(fields={"department": [gettext_lazy("部门不存在")]})
        bureau = actions.bureau_of(department)
        if bureau is None:
            raise ValidationFailed(
                fields={"department": [gettext_lazy("该部门所在区划没有行政审批局")]}
            )
        agreement = actions.save_agreement(
            None,
            actor=request.user,
            bureau=bureau,
            department=department,
            items=[dict(i) for i in data.pop("items")],
            handovers=[dict(h) for h in data.pop("handovers", [])],
            **data,
        )
        return Response(
            AgreementSerializer(_detail(request.user, agreement.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class AgreementDetail(SignedIn, APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="get_agreement",
        summary=gettext_lazy("划转协议详情"),
        responses={200: AgreementSerializer, 404: ErrorSerializer},
    )
    def get(self, request, pk: int):
        return Response(AgreementSerializer(_detail(request.user, pk)).data)


class SignAgreement(SignedIn, APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="sign_agreement",
        summary=gettext_lazy("签署划转协议"),
        description=gettext_lazy(
            "审批局一方由本局签批领导签字，原审批部门一方由该部门的监管人员（负责人）签字。"
        ),
        request=SignInput,
        responses={200: AgreementSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        agreement = _detail(request.user, pk)
        data = parse(SignInput, request.data)
        actions.sign_agreement(agreement, actor=request.user, side=data["side"])
        return Response(AgreementSerializer(_detail(request.user, pk)).data)


class SealAgreement(SignedIn, APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="seal_agreement",
        summary=gettext_lazy("加盖审批专用章"),
        request=None,
        responses={200: AgreementSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        actions.seal_agreement(_detail(request.user, pk), actor=request.user)
        return Response(AgreementSerializer(_detail(request.user, pk)).data)


class StaffRegister(SignedIn, APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="staff_register",
        summary=gettext_lazy("某日的划转人员花名册与编制"),
        parameters=[
            OpenApiParameter("bureau", OpenApiTypes.INT, OpenApiParameter.QUERY, required=False),
            OpenApiParameter("on", OpenApiTypes.DATE, OpenApiParameter.QUERY, required=False),
        ],
        responses={200: RegisterSerializer, **ERRORS},
    )
    def get(self, request):
        bureaus = queries.visible_bureaus(request.user)
        wanted = request.query_params.get("bureau")
        if wanted:
            if not wanted.isdigit():
                raise ValidationFailed(fields={"bureau": [gettext_lazy("须为审批局 id")]})
            bureau = get_object_or_404(bureaus, pk=int(wanted))
        else:
            bureau = bureaus.order_by("region__code").first()
            if bureau is None:
                raise Http404()
        on = today()
        if request.query_params.get("on"):
            try:
                on = datetime.date.fromisoformat(request.query_params["on"])
            except ValueError:
                raise ValidationFailed(
                    fields={"on": [gettext_lazy("日期格式应为 YYYY-MM-DD，例如 2025-07-01")]}
                ) from None
        return Response(RegisterSerializer(queries.staff_register(bureau, on)).data)


class TransitionInput(serializers.Serializer):
    department = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    liaison = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        help_text=gettext_lazy("联络人（该部门监管人员）的工作人员 id"),
    )
    starts_on = serializers.DateField(input_formats=["%Y-%m-%d"])
    ends_on = date_field(gettext_lazy("过渡期结束日期；不填为三个月"))
    duties = serializers.CharField()
    liaison_title = serializers.CharField(required=False, allow_blank=True, max_length=60)
    liaison_phone = serializers.CharField(required=False, allow_blank=True, max_length=40)


class Transitions(SignedIn, generics.ListAPIView):
    serializer_class = TransitionSerializer

    def get_queryset(self):
        return queries.visible_transitions(self.request.user)

    @extend_schema(
        tags=[TAG], operation_id="list_transitions", summary=gettext_lazy("过渡期与联络人")
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=[TAG],
        operation_id="open_transition",
        summary=gettext_lazy("登记过渡期与联络人"),
        request=TransitionInput,
        responses={201: TransitionSerializer, **ERRORS},
    )
    def post(self, request):
        data = parse(TransitionInput, request.data)
        department = Department.objects.filter(pk=data.pop("department")).first()
        liaison = Staff.objects.filter(pk=data.pop("liaison")).first()
        if department is None:
            raise ValidationFailed(fields={"department": [gettext_lazy("部门不存在")]})
        if liaison is None:
            raise ValidationFailed(fields={"liaison": [gettext_lazy("工作人员不存在")]})
        transition = actions.open_transition(
            department, actor=request.user, liaison=liaison, **data
        )
        return Response(TransitionSerializer(transition).data, status=status.HTTP_201_CREATED)


class ClearInput(serializers.Serializer):
    on = serializers.DateField(input_formats=["%Y-%m-%d"])


class ClearStaff(SignedIn, APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="clear_to_act_alone",
        summary=gettext_lazy("确认划转人员可独立办理"),
        description=gettext_lazy("本局签批领导确认；须已有培训记录。此后方可授予办理角色。"),
        request=ClearInput,
        responses={200: StaffRowSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        transfer = get_object_or_404(queries.visible_staff_transfers(request.user), pk=pk)
        data = parse(ClearInput, request.data)
        actions.clear_to_act_alone(transfer, actor=request.user, on=data["on"])
        row = queries.staff_register(transfer.bureau, data["on"]).rows
        return Response(StaffRowSerializer(next(r for r in row if r.pk == transfer.pk)).data)
