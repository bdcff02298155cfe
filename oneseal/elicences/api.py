"""The e-licence API (/api/v1/elicences): the caller's e-licences (a holder their own, staff
within their region), one e-licence and its OFD, the export the provincial library takes in
(staff only), and the public check by code or by an uploaded OFD."""

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.calendars.queries import today
from oneseal.cases.queries import Viewer
from oneseal.errors import NotPermitted, fail_fields
from oneseal.interface.files import xlsx_response
from oneseal.interface.rest import ErrorSerializer, parse
from oneseal.organisation.rules import scope_prefix

from . import queries
from .models import ELicence

ELICENCES = "elicences"
MAX_UPLOAD = 10 * 1024 * 1024


class ELicenceSerializer(serializers.ModelSerializer):
    standing = serializers.SerializerMethodField(
        help_text=_("今日状态：valid、superseded、void、cancelled、revoked、expired")
    )
    standing_display = serializers.SerializerMethodField()
    licence = serializers.IntegerField(source="licence_id")
    document = serializers.CharField(source="document.number")
    generated = serializers.BooleanField(help_text=_("OFD文件是否已生成"))

    class Meta:
        model = ELicence
        fields = [
            "id",
            "identifier",
            "verification_code",
            "licence",
            "document",
            "issue",
            "type_code",
            "type_name",
            "number",
            "holder_name",
            "holder_code",
            "holder_code_type",
            "issuer_name",
            "issuer_code",
            "issued_on",
            "valid_from",
            "valid_until",
            "state",
            "state_changed_on",
            "standing",
            "standing_display",
            "face",
            "sha256",
            "generated",
        ]
        read_only_fields = fields

    def get_standing(self, elicence: ELicence) -> str:
        return elicence.standing(self.context["on"])

    def get_standing_display(self, elicence: ELicence) -> str:
        return elicence.standing_display(self.context["on"])


class PeriodQuery(serializers.Serializer):
    start = serializers.DateField(required=False, help_text=_("发证或状态变更日期起"))
    end = serializers.DateField(required=False, help_text=_("发证或状态变更日期止"))
    region = serializers.RegexField(
        r"^\d{0,12}$", required=False, default="", allow_blank=True, help_text=_("区划代码前缀")
    )


class ExportQuery(PeriodQuery):
    start = serializers.DateField(help_text=_("发证或状态变更日期起"))
    end = serializers.DateField(help_text=_("发证或状态变更日期止"))
    output = serializers.ChoiceField(choices=["json", "xlsx"], default="json")


class ELicenceList(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ELicenceSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "on": today()}

    def get_queryset(self) -> QuerySet[ELicence]:
        query = parse(PeriodQuery, self.request.query_params)
        rows = queries.visible_elicences(self.request.user).select_related("document")
        if query.get("start"):
            rows = rows.filter(issued_on__gte=query["start"])
        if query.get("end"):
            rows = rows.filter(issued_on__lte=query["end"])
        if query["region"]:
            rows = rows.filter(region_code__startswith=query["region"])
        return rows.order_by("-issued_on", "-id")

    @extend_schema(
        tags=[ELICENCES],
        operation_id="list_elicences",
        summary=_("电子证照列表"),
        description=_("持证人只看到自己的电子证照，工作人员看到本区划及下级区划的。"),
        parameters=[PeriodQuery],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


def _mine(user: Viewer, pk: int) -> ELicence:
    return get_object_or_404(queries.visible_elicences(user).select_related("document"), pk=pk)


class ELicenceDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[ELICENCES],
        operation_id="get_elicence",
        summary=_("电子证照详情（GB/T 36903 元数据）"),
        responses={200: ELicenceSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        elicence = _mine(request.user, pk)
        return Response(ELicenceSerializer(elicence, context={"on": today()}).data)


class ELicenceFile(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[ELICENCES],
        operation_id="get_elicence_file",
        summary=_("下载电子证照 OFD 文件"),
        responses={(200, "application/ofd"): OpenApiTypes.BINARY, 404: ErrorSerializer},
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        elicence = _mine(request.user, pk)
        if not elicence.generated:
            raise Http404(_("该电子证照的OFD文件尚未生成"))
        response = FileResponse(
            elicence.file.open("rb"),
            content_type="application/ofd",
            as_attachment=True,
            filename=f"{elicence.number}-{elicence.issue}.ofd",
        )
        response["Cache-Control"] = "private, no-store"
        return response


class ELicenceExport(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[ELICENCES],
        operation_id="export_elicences",
        summary=_("导出电子证照元数据（省级电子证照库）"),
        description=_(
            "按期间（发证或状态变更日期）和区划导出，JSON 或 xlsx；字段见 docs/elicences.md。仅限工作人员，"
            "范围为本人区划。"
        ),
        parameters=[ExportQuery],
        responses={200: OpenApiTypes.OBJECT, 400: ErrorSerializer, 403: ErrorSerializer},
    )
    def get(self, request: Request) -> HttpResponseBase:
        prefix = scope_prefix(request.user)
        if prefix is None:
            raise NotPermitted()
        query = parse(ExportQuery, request.query_params)
        region = query["region"]
        if region and not (region.startswith(prefix) or prefix.startswith(region)):
            raise NotPermitted()
        period = queries.ExportFilter(start=query["start"], end=query["end"], region=region)
        fail_fields(queries.export_errors(period))
        rows = queries.export_rows(request.user, period)
        on = today()
        if query["output"] == "xlsx":
            return xlsx_response(
                queries.export_xlsx(rows, on),
                filename=f"电子证照{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx",
                ascii_filename=f"elicences-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx",
            )
        return Response(
            {
                "start": period.start,
                "end": period.end,
                "region": region or prefix,
                "count": rows.count(),
                "elicences": [queries.export_record(e, on) for e in rows],
            }
        )


class PublicELicenceSerializer(serializers.Serializer):
    identifier = serializers.CharField()
    type_name = serializers.CharField()
    number = serializers.CharField()
    issuer_name = serializers.CharField()
    issued_on = serializers.DateField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)
    standing = serializers.CharField()
    standing_display = serializers.CharField()
    sha256 = serializers.CharField()


class OfdCheckSerializer(serializers.Serializer):
    authentic = serializers.BooleanField()
    verdict = serializers.CharField()
    intact = serializers.BooleanField()
    signature_valid = serializers.BooleanField()
    trusted = serializers.BooleanField()
    elicence = PublicELicenceSerializer(allow_null=True)


def _public(elicence: ELicence | None) -> dict[str, Any] | None:
    if elicence is None:
        return None
    on = today()
    return {
        "identifier": elicence.identifier,
        "type_name": elicence.type_name,
        "number": elicence.number,
        "issuer_name": elicence.issuer_name,
        "issued_on": elicence.issued_on,
        "valid_from": elicence.valid_from,
        "valid_until": elicence.valid_until,
        "standing": elicence.standing(on),
        "standing_display": elicence.standing_display(on),
        "sha256": elicence.sha256,
    }


def _check_data(result: queries.OfdFileCheck) -> dict:
    return {
        "authentic": result.authentic,
        "verdict": result.verdict,
        "intact": result.signature.intact,
        "signature_valid": result.signature.valid,
        "trusted": result.signature.trusted,
        "elicence": _public(result.elicence if result.authentic else None),
    }


class VerifyCode(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_scope = "verify"

    @extend_schema(
        tags=[ELICENCES],
        operation_id="verify_elicence",
        summary=_("按核验码或证照标识核验电子证照（公开）"),
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH)],
        responses={200: OfdCheckSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request, code: str) -> Response:
        elicence = queries.public_elicence(code)
        if elicence is None:
            raise Http404(_("没有该电子证照"))
        result = queries.stored_check(elicence)
        if result is None:
            data = {
                "authentic": False,
                "verdict": str(_("该电子证照的OFD文件尚未生成")),
                "intact": False,
                "signature_valid": False,
                "trusted": False,
                "elicence": _public(elicence),
            }
        else:
            data = _check_data(result)
        return Response(data)


class VerifyFile(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [MultiPartParser]
    throttle_scope = "verify"

    @extend_schema(
        tags=[ELICENCES],
        operation_id="verify_elicence_file",
        summary=_("核验电子证照 OFD 文件（公开）"),
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
        responses={200: OfdCheckSerializer, 400: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        upload = request.FILES.get("file")
        if upload is None:
            fail_fields({"file": [str(_("请选择要核验的OFD文件"))]})
        assert upload is not None  # fail_fields refused a missing file
        if upload.size > MAX_UPLOAD:
            fail_fields({"file": [str(_("文件不能超过10 MB"))]})
        result = queries.check_ofd(upload.read())
        return Response(_check_data(result), status=status.HTTP_200_OK)
