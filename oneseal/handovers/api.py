"""The hand-over API (/api/v1/handovers…): the hand-overs the caller sees (`queries`), the
import of a department's register (multipart, `actions.import_handover`: a refused file is a
400 whose `reasons` name every problem as 第N行 [列] 原因, and nothing is imported), the
department's confirmation, and the report per department."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.calendars.queries import today
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.interface.rest import ErrorSerializer, parse
from oneseal.organisation.models import Department
from oneseal.organisation.rules import staff_of

from . import actions, queries
from .models import HandedOverCase, Handover

TAG = "handovers"
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class HandedOverCaseSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id")
    number = serializers.CharField(source="case.number")
    state = serializers.CharField(source="case.state")
    applicant = serializers.CharField(source="case.applicant.name")
    handling_item = serializers.CharField(source="case.handling_item.name")
    received_on = serializers.DateField(source="case.received_on")
    accepted_on = serializers.DateField(source="case.accepted_on", allow_null=True)
    acceptance_due = serializers.DateField(source="case.acceptance_due")
    promised_due = serializers.DateField(source="case.promised_due", allow_null=True)
    statutory_due = serializers.DateField(source="case.statutory_due", allow_null=True)
    papers = serializers.JSONField()
    missing = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = HandedOverCase
        fields = [
            "case",
            "number",
            "original_number",
            "original_state",
            "state",
            "applicant",
            "handling_item",
            "received_on",
            "accepted_on",
            "acceptance_due",
            "promised_due",
            "statutory_due",
            "papers",
            "papers_count",
            "missing",
            "explanation",
        ]
        read_only_fields = fields


class HandoverSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name")
    bureau = serializers.CharField(source="bureau.name")
    received_by = serializers.CharField(source="received_by.staff.display_name")
    confirmed_by = serializers.CharField(
        source="confirmed_by.staff.display_name", allow_null=True, default=None
    )
    cases = serializers.IntegerField(source="cases.count")

    class Meta:
        model = Handover
        fields = [
            "id",
            "bureau",
            "department",
            "handed_over_on",
            "handed_over_by",
            "received_by",
            "received_at",
            "confirmed_by",
            "confirmed_at",
            "source_name",
            "source_sha256",
            "note",
            "cases",
        ]
        read_only_fields = fields


class HandoverDetailSerializer(HandoverSerializer):
    handed_over_cases = HandedOverCaseSerializer(source="cases", many=True)

    class Meta(HandoverSerializer.Meta):
        fields = [*HandoverSerializer.Meta.fields, "handed_over_cases"]
        read_only_fields = fields


class ImportInput(serializers.Serializer):
    department = serializers.IntegerField(help_text=gettext_lazy("移交部门 id"))
    handed_over_by = serializers.CharField(max_length=100, help_text=gettext_lazy("部门经办人"))
    file = serializers.FileField(help_text=gettext_lazy("在办件台账 xlsx"))
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReportRowSerializer(serializers.Serializer):
    department = serializers.CharField()
    handovers = serializers.IntegerField()
    received = serializers.IntegerField()
    finished = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    past_statutory = serializers.IntegerField()
    with_missing = serializers.IntegerField()
    papers = serializers.IntegerField()
    unconfirmed = serializers.IntegerField()


class Handovers(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]
    serializer_class = HandoverSerializer

    def get_queryset(self) -> QuerySet[Handover]:
        return queries.visible_handovers(self.request.user)

    @extend_schema(
        tags=[TAG], operation_id="list_handovers", summary=gettext_lazy("在办件移交批次")
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=[TAG],
        operation_id="import_handover",
        summary=gettext_lazy("导入部门移交的在办件台账"),
        description=gettext_lazy(
            "本局综合受理窗口人员导入。台账有任何问题时不导入任何办件，reasons 逐条列明行、列和原因。"
        ),
        request={"multipart/form-data": ImportInput},
        responses={201: HandoverDetailSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = parse(ImportInput, request.data)
        staff = staff_of(request.user)
        if staff is None or staff.bureau is None:
            raise NotPermitted()
        department = Department.objects.filter(pk=data["department"]).first()
        if department is None:
            raise ValidationFailed(fields={"department": [gettext_lazy("部门不存在")]})
        handover = actions.import_handover(
            data["file"],
            actor=request.user,
            bureau=staff.bureau,
            department=department,
            handed_over_by=data["handed_over_by"],
            name=data["file"].name,
            note=data["note"],
        )
        return Response(HandoverDetailSerializer(handover).data, status=status.HTTP_201_CREATED)


class HandoverDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        operation_id="get_handover",
        summary=gettext_lazy("移交批次详情（办件、材料、缺件）"),
        responses={200: HandoverDetailSerializer, **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        handover = get_object_or_404(queries.visible_handovers(request.user), pk=pk)
        return Response(HandoverDetailSerializer(handover).data)


class HandoverConfirm(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        operation_id="confirm_handover",
        summary=gettext_lazy("移交部门确认移交清单"),
        request=None,
        responses={200: HandoverSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        handover = get_object_or_404(queries.visible_handovers(request.user), pk=pk)
        handover = actions.confirm_handover(handover, actor=request.user)
        return Response(HandoverSerializer(handover).data)


class HandoverReport(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        operation_id="handover_report",
        summary=gettext_lazy("在办件移交情况（按部门）"),
        responses={200: ReportRowSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        rows = queries.report(request.user, today())
        return Response(ReportRowSerializer(rows, many=True).data)
