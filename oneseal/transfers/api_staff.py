"""The reform API's writes on people and quotas (/api/v1/transfers/…): a bureau's staffing
quota by kind (编制), a staff member moved from a department (划转人员, refused beyond the
quota), and a transferred staff member's training. The bureau, the staff member and the
department are looked up within the caller's region only (anything else is a 404 or a field
error that says nothing of it); the actions decide who may and what is wrong, so the pages
and the API refuse alike."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.errors import ValidationFailed
from oneseal.interface.rest import DATE_FORMAT, ErrorSerializer, listed_choices, parse
from oneseal.organisation.models import Department, Staff
from oneseal.organisation.rules import scope_prefix

from . import actions, queries
from .models import Body, QuotaKind, StaffingQuota, StaffTransfer, Training

TAG = "transfers"
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
ID = {"min_value": 1, "max_value": 2**63 - 1}
BAD_DATE = {"invalid": gettext_lazy("日期格式应为 YYYY-MM-DD，例如 2025-07-01")}


def _date(help_text) -> serializers.DateField:
    return serializers.DateField(
        input_formats=[DATE_FORMAT], help_text=help_text, error_messages=BAD_DATE
    )


class SignedIn:
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]


class QuotaInput(serializers.Serializer):
    bureau = serializers.IntegerField(**ID, help_text=gettext_lazy("行政审批局 id"))
    body = listed_choices(Body.choices, help_text=gettext_lazy("单位"))
    kind = listed_choices(QuotaKind.choices, help_text=gettext_lazy("编制类别"))
    approved = serializers.IntegerField(min_value=0, max_value=100000)
    basis = serializers.CharField(required=False, allow_blank=True, max_length=200)


class QuotaSerializer(serializers.ModelSerializer):
    # Plain strings: the choice sets are documented on the input (an enum named "kind" would
    # collide with the other components' kinds).
    body = serializers.CharField()
    kind = serializers.CharField()

    class Meta:
        model = StaffingQuota
        fields = ["id", "bureau", "body", "kind", "approved", "basis"]
        read_only_fields = fields


class Quotas(SignedIn, APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="set_staffing_quota",
        summary=gettext_lazy("核定编制"),
        description=gettext_lazy(
            "本区划系统管理员核定审批局或其中心某类编制数；不得少于已占用数。"
        ),
        request=QuotaInput,
        responses={200: QuotaSerializer, **ERRORS},
    )
    def post(self, request):
        data = parse(QuotaInput, request.data)
        bureau = get_object_or_404(queries.visible_bureaus(request.user), pk=data.pop("bureau"))
        quota = actions.set_quota(bureau, actor=request.user, **data)
        return Response(QuotaSerializer(quota).data)


class StaffTransferInput(serializers.Serializer):
    staff = serializers.IntegerField(**ID, help_text=gettext_lazy("工作人员 id"))
    department = serializers.IntegerField(**ID, help_text=gettext_lazy("原单位（部门）id"))
    moved_on = _date(gettext_lazy("划转日期 YYYY-MM-DD"))
    body = listed_choices(Body.choices, help_text=gettext_lazy("划入单位"))
    quota_kind = listed_choices(QuotaKind.choices, help_text=gettext_lazy("编制类别"))


class StaffTransferSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="staff.display_name")
    body = serializers.CharField()
    quota_kind = serializers.CharField()

    class Meta:
        model = StaffTransfer
        fields = [
            "id",
            "staff",
            "name",
            "bureau",
            "department",
            "moved_on",
            "body",
            "quota_kind",
            "cleared_on",
        ]
        read_only_fields = fields


class StaffTransfers(SignedIn, APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="record_staff_transfer",
        summary=gettext_lazy("登记划转人员"),
        description=gettext_lazy(
            "本区划系统管理员登记；编制已满时拒绝。划转后收回其办理角色，培训合格并确认可独立"
            "办理后方可重新授予。"
        ),
        request=StaffTransferInput,
        responses={201: StaffTransferSerializer, **ERRORS},
    )
    def post(self, request):
        data = parse(StaffTransferInput, request.data)
        prefix = scope_prefix(request.user) if queries.may_see(request.user) else None
        if prefix is None:
            raise Http404()
        staff = Staff.objects.filter(pk=data.pop("staff"), region__code__startswith=prefix).first()
        department = Department.objects.filter(
            pk=data.pop("department"), region__code__startswith=prefix
        ).first()
        errors = {}
        if staff is None:
            errors["staff"] = [gettext_lazy("工作人员不存在")]
        if department is None:
            errors["department"] = [gettext_lazy("部门不存在")]
        if errors:
            raise ValidationFailed(fields=errors)
        transfer = actions.record_staff_transfer(
            staff, actor=request.user, department=department, **data
        )
        return Response(StaffTransferSerializer(transfer).data, status=status.HTTP_201_CREATED)


class TrainingInput(serializers.Serializer):
    on = _date(gettext_lazy("培训日期 YYYY-MM-DD"))
    subject = serializers.CharField(max_length=200)
    hours = serializers.DecimalField(max_digits=5, decimal_places=1)
    trainer = serializers.CharField(max_length=100)


class TrainingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Training
        fields = ["id", "transfer", "on", "subject", "hours", "trainer"]
        read_only_fields = fields


class Trainings(SignedIn, APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="record_training",
        summary=gettext_lazy("登记划转人员培训"),
        description=gettext_lazy("本局签批领导或本区划系统管理员登记；培训日期不得早于划转日期。"),
        request=TrainingInput,
        responses={201: TrainingSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        transfer = get_object_or_404(queries.visible_staff_transfers(request.user), pk=pk)
        data = parse(TrainingInput, request.data)
        training = actions.record_training(transfer, actor=request.user, **data)
        return Response(TrainingSerializer(training).data, status=status.HTTP_201_CREATED)
