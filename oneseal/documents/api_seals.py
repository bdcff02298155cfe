"""The seals API (/api/v1/seals…): the region's seals (the bureaus' approval seals and the
departments' old seals, never a key), the departments whose old seal is still active past
their transfer date, and the two writes of seed 000 四(二)5 — register a department's old seal
and record its hand-over and sealing away.

Reads go through `queries.visible_seals` (the reader's region and below), so a seal of another
county is the same 404 as one that does not exist; the writes call one action each, which
decides who may (the bureau's administrators of its region) and names every bad field."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.calendars.queries import today
from oneseal.cases.queries import is_scoped_staff
from oneseal.errors import ValidationFailed
from oneseal.interface.rest import ErrorSerializer, date_field, parse
from oneseal.organisation.models import Bureau, Department
from oneseal.organisation.rules import scope_prefix

from . import actions, queries
from .models import Seal

TAG = "seals"
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
BUREAU = OpenApiParameter(
    "bureau",
    OpenApiTypes.INT,
    OpenApiParameter.QUERY,
    required=False,
    description=_("行政审批局 id：只列该局所在区划的印章"),
)


class SealHandoverSerializer(serializers.Serializer):
    handed_over_by = serializers.CharField()
    received_by = serializers.CharField()
    holder = serializers.CharField()
    place = serializers.CharField()
    sealed_away_on = serializers.DateField()
    transfer_date = serializers.DateField()
    checklist = serializers.CharField()
    recorded_at = serializers.DateTimeField()


class SealSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text=_("bureau（行政审批专用章）、department（原部门印章）"))
    kind_display = serializers.CharField(source="get_kind_display")
    name = serializers.CharField()
    bureau = serializers.IntegerField(source="bureau_id", allow_null=True)
    department = serializers.IntegerField(source="department_id", allow_null=True)
    department_name = serializers.SerializerMethodField()
    region_code = serializers.SerializerMethodField()
    state = serializers.CharField(
        help_text=_("active（启用）、sealed_away（已封存）、revoked（已作废）")
    )
    state_display = serializers.CharField(source="get_state_display")
    valid_from = serializers.DateField()
    sealed_away_on = serializers.DateField(allow_null=True)
    holder = serializers.CharField()
    place = serializers.CharField()
    fingerprint = serializers.CharField()
    handover = serializers.SerializerMethodField()

    def get_department_name(self, seal: Seal) -> str | None:
        return seal.department.name if seal.department else None

    def get_region_code(self, seal: Seal) -> str:
        return queries.seal_region_code(seal)

    @extend_schema_field(SealHandoverSerializer(allow_null=True))
    def get_handover(self, seal: Seal) -> dict | None:
        handover = getattr(seal, "handover", None) if seal.kind == Seal.Kind.DEPARTMENT else None
        return SealHandoverSerializer(handover).data if handover is not None else None


class SealWarningSerializer(serializers.Serializer):
    department = serializers.IntegerField(source="department.pk")
    department_name = serializers.CharField(source="department.name")
    transfer_date = serializers.DateField()
    seal = serializers.SerializerMethodField()
    days_late = serializers.IntegerField()
    text = serializers.CharField()

    def get_seal(self, warning: queries.SealWarning) -> int | None:
        return warning.seal.pk if warning.seal is not None else None


class DepartmentSealInput(serializers.Serializer):
    department = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text=_("原审批部门 id")
    )
    # Blank passes here so that the action's own messages name the rule.
    name = serializers.CharField(max_length=100, allow_blank=True, help_text=_("印章名称"))
    valid_from = date_field(_("启用日期 YYYY-MM-DD"))
    holder = serializers.CharField(max_length=50, required=False, allow_blank=True)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)


class SealHandoverInput(serializers.Serializer):
    sealed_away_on = date_field(_("封存日期 YYYY-MM-DD，不得早于该部门的划转日期"))
    handed_over_by = serializers.CharField(max_length=50, allow_blank=True)
    received_by = serializers.CharField(max_length=50, allow_blank=True)
    holder = serializers.CharField(max_length=50, allow_blank=True)
    place = serializers.CharField(max_length=200, allow_blank=True)
    checklist = serializers.CharField(max_length=4000, allow_blank=True)
    checklist_signed = serializers.BooleanField(help_text=_("移交清单已经双方签字"))


def _in_bureau(request: Request, seals: QuerySet[Seal]) -> tuple[QuerySet[Seal], str | None]:
    wanted = request.query_params.get("bureau")
    if not wanted:
        return seals, scope_prefix(request.user) if is_scoped_staff(request.user) else None
    if not wanted.isdigit():
        raise ValidationFailed(fields={"bureau": [_("须为审批局 id")]})
    prefix = scope_prefix(request.user) if is_scoped_staff(request.user) else None
    bureaus = (
        Bureau.objects.none()
        if prefix is None
        else Bureau.objects.filter(region__code__startswith=prefix)
    )
    bureau = get_object_or_404(bureaus.select_related("region"), pk=int(wanted))
    return queries.in_region(seals, bureau.region.prefix), bureau.region.prefix


class SignedIn(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]


class Seals(SignedIn, APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="list_seals",
        summary=_("本区划的印章"),
        description=_("审批局的行政审批专用章和原部门印章：状态、保管人、存放地点、封存日期。"),
        parameters=[BUREAU],
        responses={200: SealSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        seals, _prefix = _in_bureau(request, queries.visible_seals(request.user))
        return Response(SealSerializer(seals, many=True).data)

    @extend_schema(
        tags=[TAG],
        operation_id="register_department_seal",
        summary=_("登记原部门印章"),
        description=_("该局所在区划的系统管理员登记；登记后为启用状态，待移交封存。"),
        request=DepartmentSealInput,
        responses={201: SealSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = parse(DepartmentSealInput, request.data)
        prefix = scope_prefix(request.user) if is_scoped_staff(request.user) else None
        department = (
            Department.objects.filter(
                pk=data.pop("department"), region__code__startswith=prefix
            ).first()
            if prefix is not None
            else None
        )
        if department is None:
            raise ValidationFailed(fields={"department": [_("部门不存在")]})
        seal = actions.register_department_seal(
            department, actor=request.user, valid_from=data.pop("valid_from", None), **data
        )
        return Response(
            SealSerializer(queries.visible_seals(request.user).get(pk=seal.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class SealWarnings(SignedIn, APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="seal_warnings",
        summary=_("划转日期已过仍未封存的原部门印章"),
        parameters=[BUREAU],
        responses={200: SealWarningSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        _seals, prefix = _in_bureau(request, queries.visible_seals(request.user))
        warnings = queries.seal_warnings(prefix, today=today())
        return Response(SealWarningSerializer(warnings, many=True).data)


class SealHandOver(SignedIn, APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="seal_away_department_seal",
        summary=_("登记原部门印章移交封存"),
        description=_(
            "该局所在区划的系统管理员登记；每枚印章只能封存一次，封存日期不得早于该部门的划转日期。"
        ),
        parameters=[
            OpenApiParameter(
                "id", OpenApiTypes.INT, OpenApiParameter.PATH, description=_("印章 id")
            )
        ],
        request=SealHandoverInput,
        responses={200: SealSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        seal = get_object_or_404(queries.visible_seals(request.user), pk=pk)
        data = parse(SealHandoverInput, request.data)
        actions.seal_away_department_seal(
            seal, actor=request.user, sealed_away_on=data.pop("sealed_away_on", None), **data
        )
        return Response(SealSerializer(queries.visible_seals(request.user).get(pk=pk)).data)
